import NIOCore
import SextantRPC
import SextantWire

/// Sends one call's response frames through the connection's outbox.
struct NIOServerStreamWriter: ServerStreamWriter {
    let stream: StreamState
    let connection: ServerConnection
    let sender: MessageSender

    private var outbox: FrameOutbox { self.connection.outbox }

    /// Forgets the stream; a draining connection closes after its last call.
    private func streamEnded() {
        self.connection.streams.remove(self.stream.id)
        self.connection.closeIfIdle()
    }

    func writeHeaders(_ metadata: Metadata) {
        guard !self.stream.isClosed else { return }
        self.outbox.enqueue(kind: .headers, streamID: self.stream.id, value: ResponseHeadersPayload(metadata: metadata))
    }

    func write(_ message: ByteBuffer) async throws {
        guard !self.stream.isClosed else {
            throw RPCError(code: .cancelled, message: "the call has ended")
        }
        let (payload, flags) = try self.sender.prepare(message)
        if !self.stream.sendWindow.tryReserve(payload.readableBytes) {
            try await self.stream.sendWindow.reserve(payload.readableBytes)
        }
        self.outbox.enqueue(kind: .message, flags: flags, streamID: self.stream.id, payload: payload)
    }

    func writeLast(_ message: ByteBuffer, status: Status, trailers: Metadata) {
        let prepared: (ByteBuffer, FrameFlags)
        do {
            prepared = try self.sender.prepare(message)
        } catch {
            self.finish(status: (error as? RPCError)?.status ?? Status(code: .internalError), trailers: [:])
            return
        }
        guard self.stream.markClosed() else { return }
        self.streamEnded()
        let statusBytes = Self.statusPayload(status, trailers)
        let (payload, flags) = prepared
        let id = self.stream.id
        self.outbox.enqueue { buffer in
            buffer.writeFrame(Frame(kind: .message, flags: flags, streamID: id, payload: payload))
            buffer.writeFrameHeader(FrameHeader(length: UInt32(statusBytes.count), kind: .status, flags: [], streamID: id))
            buffer.writeBytes(statusBytes)
        }
    }

    func finish(status: Status, trailers: Metadata) {
        guard self.stream.markClosed() else { return }
        self.streamEnded()
        let statusBytes = Self.statusPayload(status, trailers)
        let id = self.stream.id
        self.outbox.enqueue { buffer in
            buffer.writeFrameHeader(FrameHeader(length: UInt32(statusBytes.count), kind: .status, flags: [], streamID: id))
            buffer.writeBytes(statusBytes)
        }
    }

    /// STATUS ok without message or trailers, the most common frame payload there is: field 1 = 0.
    private static let okPayload: [UInt8] = [0x08, 0x00]

    static func statusPayload(_ status: Status, _ trailers: Metadata) -> [UInt8] {
        if status.code == .ok, status.message.isEmpty, trailers.isEmpty { return Self.okPayload }
        // A status with a plain code and message always encodes.
        return (try? WireEncoder().encode(StatusPayload(status: status, trailers: trailers))) ?? []
    }
}
