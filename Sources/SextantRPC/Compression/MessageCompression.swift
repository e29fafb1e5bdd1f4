import CZlib
public import NIOCore

/// Per-message zlib compression (RFC 1950), as flagged by `COMPRESSED` on a MESSAGE frame.
///
/// A sender compresses a message only when the peer announced `"zlib"`, the message is at least
/// ``Configuration/threshold`` bytes, and the result is smaller. A receiver inflates with a hard
/// limit, so a small frame cannot expand into unbounded memory.
public enum MessageCompression {
    /// When to compress.
    public struct Configuration: Sendable, Hashable {
        /// Messages shorter than this are sent as they are. Default: 1,024 bytes.
        public var threshold: Int
        /// zlib level 1 (fastest) ... 9 (smallest). Default: 1.
        public var level: Int32

        /// The defaults listed on each property.
        public static var defaults: Configuration { Configuration(threshold: 1024, level: 1) }

        /// Creates a configuration.
        public init(threshold: Int, level: Int32) {
            self.threshold = threshold
            self.level = level
        }
    }

    /// Compresses `message`, or returns `nil` when compression would not make it smaller.
    public static func compress(_ message: ByteBuffer, level: Int32 = 1) -> ByteBuffer? {
        let input = message.readableBytesView
        let bound = Int(compressBound(uLong(input.count)))
        var output = ByteBuffer()
        output.reserveCapacity(bound)
        let written = message.withUnsafeReadableBytes { source -> Int? in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { destination in
                var destinationLength = uLongf(destination.count)
                let result = compress2(
                    destination.baseAddress!.assumingMemoryBound(to: Bytef.self),
                    &destinationLength,
                    source.baseAddress?.assumingMemoryBound(to: Bytef.self),
                    uLong(source.count),
                    level
                )
                return result == Z_OK ? Int(destinationLength) : 0
            }
        }
        guard let written, written > 0, written < input.count else { return nil }
        return output
    }

    /// Inflates a zlib stream.
    /// - Parameters:
    ///   - message: The compressed bytes.
    ///   - limit: The largest inflated size accepted.
    /// - Returns: The inflated message.
    /// - Throws: `RPCError` `resourceExhausted` past `limit`, `internalError` for corrupt data.
    public static func decompress(_ message: ByteBuffer, limit: Int) throws -> ByteBuffer {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw RPCError(code: .internalError, message: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        var output = ByteBuffer()
        var chunk = Swift.max(4096, Swift.min(limit, message.readableBytes * 4))
        let outcome: Int32 = message.withUnsafeReadableBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            while true {
                if output.readableBytes >= limit { return Z_BUF_ERROR }
                chunk = Swift.min(chunk, limit - output.readableBytes + 1)
                var result: Int32 = Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { destination in
                    let room = Swift.min(destination.count, chunk)
                    stream.next_out = destination.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(room)
                    result = inflate(&stream, Z_NO_FLUSH)
                    return room - Int(stream.avail_out)
                }
                if result == Z_STREAM_END { return Z_STREAM_END }
                if result != Z_OK { return result }
                if stream.avail_in == 0 && stream.avail_out > 0 { return Z_DATA_ERROR }  // truncated input
            }
        }
        if output.readableBytes > limit || (outcome == Z_BUF_ERROR && output.readableBytes >= limit) {
            throw RPCError(
                code: .resourceExhausted,
                message: "decompressed message exceeds the maximum message size (max: \(limit))"
            )
        }
        guard outcome == Z_STREAM_END else {
            throw RPCError(code: .internalError, message: "compressed message is corrupt (zlib status \(outcome))")
        }
        return output
    }
}
