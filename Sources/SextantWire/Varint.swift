/// Varint and zigzag arithmetic shared by the encoder, the decoder and the frame codec.
///
/// Varints are unsigned LEB128: seven bits a byte, least significant group first, the high bit set
/// on every byte but the last. Signed integers are zigzag-mapped first so that small negative
/// numbers stay short.
public enum Varint {
    /// The number of bytes the minimal varint form of `value` takes (1...10).
    @inlinable
    public static func encodedSize(of value: UInt64) -> Int {
        // 64 significant bits need 10 groups of 7; a zero still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Maps a signed integer onto an unsigned one: 0, -1, 1, -2, 2 become 0, 1, 2, 3, 4.
    @inlinable
    public static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value &<< 1) ^ (value >> 63))
    }

    /// Reverses ``zigzag(_:)``.
    @inlinable
    public static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// Appends the minimal varint form of `value` to `bytes`.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// The outcome of reading a varint from raw memory.
    public enum ReadError: Error, Sendable {
        /// The input ended inside the varint.
        case truncated
        /// Ten bytes were read and the value still did not fit 64 bits.
        case overflow
    }

    /// Reads a varint starting at `offset`, advancing `offset` past it.
    /// - Parameters:
    ///   - bytes: The memory to read; nothing outside `offset..<end` is touched.
    ///   - offset: Where the varint starts; on return, where it ended.
    ///   - end: The first offset that must not be read.
    /// - Returns: The decoded value.
    /// - Throws: ``ReadError`` when the input ends early or the value exceeds 64 bits.
    @inlinable
    public static func read(
        from bytes: UnsafeRawBufferPointer,
        at offset: inout Int,
        end: Int
    ) throws(ReadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while true {
            guard index < end else { throw .truncated }
            let byte = bytes[index]
            index += 1
            if shift == 63 {
                // The tenth byte may only carry the single remaining bit.
                guard byte <= 1 else { throw .overflow }
                result |= UInt64(byte) << 63
                break
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        offset = index
        return result
    }
}
