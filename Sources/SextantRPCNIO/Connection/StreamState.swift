import NIOConcurrencyHelpers
import NIOCore
import SextantRPC
import SextantWire

/// Receive-side flow control of one stream: the credit granted to the sender, and the credit to
/// give back as the reader consumes messages.
final class ReceiveCredit: Sendable {
    private struct State {
        var window: Int
        var pending = 0
    }

    private let streamID: UInt32
    private let outbox: FrameOutbox
    private let threshold: Int
    private let state: NIOLockedValueBox<State>

    init(streamID: UInt32, outbox: FrameOutbox, initialWindow: Int) {
        self.streamID = streamID
        self.outbox = outbox
        // Credit goes back once half the window has been read: few updates, no stalls.
        self.threshold = max(1, initialWindow / 2)
        self.state = NIOLockedValueBox(State(window: initialWindow))
    }

    /// Accounts for an arriving message. Returns `false` if the sender had no credit left.
    func receive(_ bytes: Int) -> Bool {
        self.state.withLockedValue { state in
            guard state.window > 0 else { return false }
            state.window -= bytes
            return true
        }
    }

    /// The reader took `bytes`; send a WINDOW_UPDATE once enough has accumulated.
    func consumed(_ bytes: Int) {
        let increment = self.state.withLockedValue { state -> Int in
            state.pending += bytes
            guard state.pending >= self.threshold else { return 0 }
            defer { state.pending = 0 }
            state.window += state.pending
            return state.pending
        }
        guard increment > 0 else { return }
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(clamping: increment))
        self.outbox.enqueue(kind: .windowUpdate, streamID: self.streamID, payload: payload)
    }
}

/// One call's shared state: its inbound messages, both flow-control directions, and its
/// lifecycle (closed once, the handler task, the deadline timer).
final class StreamState: Sendable {
    private struct Lifecycle {
        var closed = false
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
    }

    let id: UInt32
    let inbound: RPCInboundStream
    let credit: ReceiveCredit
    let sendWindow: FlowWindow
    private let lifecycle = NIOLockedValueBox(Lifecycle())

    init(id: UInt32, outbox: FrameOutbox, receiveWindow: Int, sendWindow: Int) {
        self.id = id
        let credit = ReceiveCredit(streamID: id, outbox: outbox, initialWindow: receiveWindow)
        self.credit = credit
        self.inbound = RPCInboundStream(onConsumed: { credit.consumed($0) })
        self.sendWindow = FlowWindow(initial: sendWindow)
    }

    var isClosed: Bool { self.lifecycle.withLockedValue { $0.closed } }

    /// Marks the stream closed. Only the first caller gets `true`: it sends the last frame.
    func markClosed() -> Bool {
        let (first, timer) = self.lifecycle.withLockedValue { state -> (Bool, Scheduled<Void>?) in
            guard !state.closed else { return (false, nil) }
            state.closed = true
            defer { state.deadlineTimer = nil }
            return (true, state.deadlineTimer)
        }
        timer?.cancel()
        return first
    }

    func attach(task: Task<Void, Never>) {
        self.lifecycle.withLockedValue { $0.task = task }
    }

    func attach(deadlineTimer: Scheduled<Void>) {
        let cancelNow = self.lifecycle.withLockedValue { state -> Bool in
            guard !state.closed else { return true }
            state.deadlineTimer = deadlineTimer
            return false
        }
        if cancelNow { deadlineTimer.cancel() }
    }

    /// Fails the stream locally: the reader and any waiting writer get `error`, the task is
    /// cancelled.
    func fail(_ error: RPCError) {
        let task = self.lifecycle.withLockedValue { $0.task }
        self.inbound.fail(error)
        self.sendWindow.fail(error)
        task?.cancel()
    }
}

extension ContinuousClock.Instant {
    /// The time left until this instant as a NIO amount, zero if it has passed.
    var timeAmountFromNow: TimeAmount {
        let remaining = self - ContinuousClock.now
        let (seconds, attoseconds) = remaining.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return .nanoseconds(max(0, nanoseconds))
    }
}
