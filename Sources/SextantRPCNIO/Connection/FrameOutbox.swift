import NIOConcurrencyHelpers
import NIOCore
import SextantRPC
import SextantWire

/// The frames waiting to be written on one connection.
///
/// Any task may add frames; they are serialized straight into one buffer under a lock, and a
/// single flush is scheduled on the event loop for everything added before it runs. Many calls
/// finishing together therefore become one write, one flush and one TLS record.
final class FrameOutbox: Sendable {
    private struct State {
        var buffer: ByteBuffer
        var flushScheduled = false
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
        self.state = NIOLockedValueBox(State(buffer: channel.allocator.buffer(capacity: 4096)))
    }

    /// Serializes frames with `write` and schedules a flush.
    /// - Returns: `false` when the connection is closed and nothing was added.
    @discardableResult
    func enqueue(_ write: (inout ByteBuffer) -> Void) -> Bool {
        let schedule = self.state.withLockedValue { state -> Bool? in
            guard !state.closed else { return nil }
            write(&state.buffer)
            if state.flushScheduled { return false }
            state.flushScheduled = true
            return true
        }
        guard let schedule else { return false }
        if schedule {
            self.channel.eventLoop.execute { self.flush() }
        }
        return true
    }

    /// Adds one frame.
    @discardableResult
    func enqueue(kind: FrameKind, flags: FrameFlags = [], streamID: UInt32, payload: ByteBuffer) -> Bool {
        self.enqueue { buffer in
            buffer.writeFrame(Frame(kind: kind, flags: flags, streamID: streamID, payload: payload))
        }
    }

    /// Adds a frame whose payload is a wire-encoded value.
    @discardableResult
    func enqueue<T: Encodable>(kind: FrameKind, flags: FrameFlags = [], streamID: UInt32, value: T) -> Bool {
        // Frame payload types are Sextant's own and always encode.
        let bytes = (try? WireEncoder().encode(value)) ?? []
        return self.enqueue { buffer in
            buffer.writeFrameHeader(
                FrameHeader(length: UInt32(bytes.count), kind: kind, flags: flags, streamID: streamID)
            )
            buffer.writeBytes(bytes)
        }
    }

    /// Writes everything queued. Runs on the event loop.
    func flush() {
        let pending = self.state.withLockedValue { state -> ByteBuffer? in
            state.flushScheduled = false
            guard state.buffer.readableBytes > 0 else { return nil }
            let pending = state.buffer
            state.buffer = self.channel.allocator.buffer(capacity: max(4096, pending.readableBytes))
            return pending
        }
        if let pending {
            self.channel.writeAndFlush(pending, promise: nil)
        }
    }

    /// Refuses further frames; frames already queued are still flushed.
    func close() {
        self.state.withLockedValue { $0.closed = true }
    }
}
