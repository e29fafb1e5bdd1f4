import NIOConcurrencyHelpers
import NIOCore
import SextantRPC
import SextantWire

/// One client connection's shared state: the outbox, the open streams, the peer's settings.
final class ClientConnection: Sendable {
    private struct State {
        var nextStreamID: UInt32 = 1
        var peer = PeerSettings(.defaults)
        var draining = false
        var closed = false
    }

    let channel: any Channel
    let outbox: FrameOutbox
    let streams = StreamTable<StreamState>()
    let configuration: ConnectionConfiguration
    /// Runs tasks on this connection's event loop.
    let executor: EventLoopTaskExecutor
    private let state = NIOLockedValueBox(State())

    init(channel: any Channel, configuration: ConnectionConfiguration) {
        self.channel = channel
        self.outbox = FrameOutbox(channel: channel)
        self.configuration = configuration
        self.executor = EventLoopTaskExecutor(eventLoop: channel.eventLoop)
    }

    var peer: PeerSettings {
        get { self.state.withLockedValue { $0.peer } }
        set { self.state.withLockedValue { $0.peer = newValue } }
    }

    /// Whether new calls should go to another connection (GOAWAY received or closed).
    var isUnusable: Bool { self.state.withLockedValue { $0.draining || $0.closed } }

    func markDraining() {
        self.state.withLockedValue { $0.draining = true }
    }

    /// Opens a stream: HEADERS (and the first message) are queued in one go.
    func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) throws -> ClientStream {
        let sender = MessageSender(configuration: self.configuration, peer: self.peer)
        let first = try firstMessage.map { try sender.prepare($0) }
        let headers = RequestHeadersPayload(
            method: head.method.fullName,
            timeoutMicroseconds: head.deadline.map { Self.microseconds(until: $0) },
            metadata: head.metadata
        )
        let headerBytes = try WireEncoder().encode(headers)
        let receiveWindow = Int(self.configuration.settings.initialWindowSize)
        let sendWindow = sender.peer.initialWindowSize
        var opened: StreamState?
        var refused = false
        let enqueued = self.outbox.enqueue { buffer in
            // Ids are taken inside the outbox lock so they reach the wire in increasing order.
            let id = self.state.withLockedValue { state -> UInt32? in
                guard !state.draining, !state.closed else { return nil }
                // The last id is never used: a connection that ran out of ids drains, and the
                // transport opens a fresh one for the next call.
                guard state.nextStreamID < UInt32.max else {
                    state.draining = true
                    return nil
                }
                defer { state.nextStreamID += 1 }
                return state.nextStreamID
            }
            guard let id else {
                refused = true
                return
            }
            let stream = StreamState(id: id, outbox: self.outbox, receiveWindow: receiveWindow, sendWindow: sendWindow)
            self.streams.insert(stream, id: id)
            opened = stream
            let headerFlags: FrameFlags = endStream && first == nil ? .endStream : []
            buffer.writeFrameHeader(FrameHeader(length: UInt32(headerBytes.count), kind: .headers, flags: headerFlags, streamID: id))
            buffer.writeBytes(headerBytes)
            if let (payload, flags) = first {
                _ = stream.sendWindow.tryReserve(payload.readableBytes)
                let messageFlags = endStream ? flags.union(.endStream) : flags
                buffer.writeFrame(Frame(kind: .message, flags: messageFlags, streamID: id, payload: payload))
            }
        }
        guard enqueued, !refused, let stream = opened else {
            throw RPCError(code: .unavailable, message: "the connection is closing; retry the call")
        }
        if let deadline = head.deadline {
            let timer = self.channel.eventLoop.scheduleTask(in: deadline.timeAmountFromNow) {
                guard stream.markClosed() else { return }
                self.streams.remove(stream.id)
                self.outbox.enqueue(kind: .cancel, streamID: stream.id, payload: ByteBuffer())
                stream.fail(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
            }
            stream.attach(deadlineTimer: timer)
        }
        return ClientStream(
            writer: NIOClientStreamWriter(stream: stream, connection: self, sender: sender),
            inbound: stream.inbound
        )
    }

    /// The connection is gone: every open call fails with `reason`.
    func closed(reason: RPCError) {
        self.state.withLockedValue { $0.closed = true }
        self.outbox.close()
        for stream in self.streams.removeAll() where stream.markClosed() {
            stream.fail(reason)
        }
    }

    private static func microseconds(until deadline: ContinuousClock.Instant) -> UInt64 {
        let (seconds, attoseconds) = (deadline - .now).components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return UInt64(max(0, micros))
    }
}

/// Sends one call's request frames.
struct NIOClientStreamWriter: ClientStreamWriter {
    let stream: StreamState
    let connection: ClientConnection
    let sender: MessageSender

    func write(_ message: ByteBuffer) async throws {
        let (payload, flags) = try self.sender.prepare(message)
        // The window fails when the call ends, so this also refuses writes to a finished call.
        if !self.stream.sendWindow.tryReserve(payload.readableBytes) {
            try await self.stream.sendWindow.reserve(payload.readableBytes)
        }
        self.connection.outbox.enqueue(kind: .message, flags: flags, streamID: self.stream.id, payload: payload)
    }

    func write(contentsOf messages: [ByteBuffer]) async throws {
        var prepared: [(ByteBuffer, FrameFlags)] = []
        prepared.reserveCapacity(messages.count)
        for message in messages { prepared.append(try self.sender.prepare(message)) }
        let id = self.stream.id
        var next = 0
        while next < prepared.count {
            // Each message still needs an open window when it is sent (the receiver checks that
            // per message); everything that fits goes to the outbox in one hand-off.
            var end = next
            while end < prepared.count, self.stream.sendWindow.tryReserve(prepared[end].0.readableBytes) { end += 1 }
            if end == next {
                try await self.stream.sendWindow.reserve(prepared[next].0.readableBytes)
                end = next + 1
            }
            let chunk = prepared[next..<end]
            self.connection.outbox.enqueue { buffer in
                for (payload, flags) in chunk {
                    buffer.writeFrame(Frame(kind: .message, flags: flags, streamID: id, payload: payload))
                }
            }
            next = end
        }
    }

    func finish() {
        guard !self.stream.isClosed else { return }
        self.connection.outbox.enqueue(kind: .message, flags: [.endStream, .noMessage], streamID: self.stream.id, payload: ByteBuffer())
    }

    func cancel() {
        guard self.stream.markClosed() else { return }
        self.connection.streams.remove(self.stream.id)
        self.connection.outbox.enqueue(kind: .cancel, streamID: self.stream.id, payload: ByteBuffer())
        self.stream.fail(RPCError(code: .cancelled, message: "the call was cancelled"))
    }
}
