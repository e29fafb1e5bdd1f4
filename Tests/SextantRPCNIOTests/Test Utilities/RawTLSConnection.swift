import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SextantRPCNIO
import SextantTesting
import SextantWire

/// A TLS connection that sends whatever bytes a test gives it and collects what comes back,
/// for checking how the server treats malformed and oversized frames.
struct RawTLSConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int, identity: TLSIdentity) async throws -> RawTLSConnection {
        let context = try NIOSSLContext(configuration: identity.makeClientConfiguration())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawTLSConnection(channel: channel)
    }

    /// Sends `bytes`, then reads until the server closes the connection or `timeout` passes.
    /// - Returns: Everything received, and whether the server closed the connection.
    func exchange(_ bytes: ByteBuffer, timeout: Duration = .seconds(5)) async throws -> (received: ByteBuffer, closed: Bool) {
        let received = NIOLockedValueBox(ByteBuffer())
        let closed = try await self.channel.executeThenClose { inbound, outbound in
            // The server may already have closed (that is what some tests expect): keep reading.
            try? await outbound.write(bytes)
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        for try await var chunk in inbound { received.withLockedValue { $0.writeBuffer(&chunk) } }
                    } catch {
                        // A TLS close without close_notify still means the server hung up.
                    }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        }
        return (received.withLockedValue { $0 }, closed)
    }

    /// Decodes the frames in `buffer` (after the server's preface).
    static func frames(in buffer: ByteBuffer) -> [Frame] {
        var buffer = buffer
        var decoder = FrameDecoder(maxFrameSize: Int.max)
        var frames: [Frame] = []
        while let frame = try? decoder.next(from: &buffer) { frames.append(frame) }
        return frames
    }
}

extension ByteBuffer {
    /// A client preface with default settings.
    static func clientPreface() -> ByteBuffer {
        var buffer = ByteBuffer()
        ConnectionPreface.write(settings: .defaults, into: &buffer)
        return buffer
    }
}
