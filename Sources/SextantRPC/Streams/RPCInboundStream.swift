import NIOConcurrencyHelpers
public import NIOCore

/// The messages arriving on one side of a call, from the transport to the code that reads them.
///
/// The transport calls ``deliver(_:endStream:)``, ``finish(status:trailers:)`` and ``fail(_:)``
/// (on its own thread); one reader takes messages with ``nextBatch()``. The reader takes
/// everything buffered at once, so a fast stream costs one lock and at most one suspension per
/// batch rather than per message. ``onConsumed`` reports the bytes the reader took, which the
/// transport turns into flow-control credit for the sender.
public final class RPCInboundStream: Sendable {
    /// How the stream ended.
    public enum End: Sendable {
        /// The sender finished; on the client side with the call's status and trailers.
        case finished(Status?, Metadata)
        /// The call failed locally (cancelled, deadline, connection lost, protocol error).
        case failed(RPCError)
    }

    private struct State {
        var messages: [ByteBuffer] = []
        /// Flow-control bytes each buffered message was charged (its size on the wire).
        var wireSizes: [Int] = []
        var end: End?
        var responseHeaders: Metadata?
        var waiter: UnsafeContinuation<Void, Never>?
        var consumerDone = false
    }

    private let state = NIOLockedValueBox(State())
    private let onConsumed: (@Sendable (Int) -> Void)?

    /// Creates a stream.
    /// - Parameter onConsumed: Called with the payload bytes of each batch the reader takes;
    ///   `nil` when the transport has no flow control.
    public init(onConsumed: (@Sendable (Int) -> Void)? = nil) {
        self.onConsumed = onConsumed
    }

    // MARK: Transport side

    /// Adds a message; with `endStream`, also finishes the stream without a status.
    /// - Parameters:
    ///   - message: The message payload (inflated, if it was compressed).
    ///   - wireSize: The bytes the sender's flow-control window was charged for it; default
    ///     the message's size.
    ///   - endStream: Whether the sender finished with this message.
    public func deliver(_ message: ByteBuffer, wireSize: Int? = nil, endStream: Bool = false) {
        let waiter = self.state.withLockedValue { state -> UnsafeContinuation<Void, Never>? in
            guard state.end == nil, !state.consumerDone else { return nil }
            state.messages.append(message)
            state.wireSizes.append(wireSize ?? message.readableBytes)
            if endStream { state.end = .finished(nil, [:]) }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Records the response headers (client side).
    public func deliverHeaders(_ metadata: Metadata) {
        self.state.withLockedValue { $0.responseHeaders = metadata }
    }

    /// The response headers, once they arrived (client side).
    public var responseHeaders: Metadata? {
        self.state.withLockedValue { $0.responseHeaders }
    }

    /// Ends the stream normally; messages already delivered are still read first.
    public func finish(status: Status? = nil, trailers: Metadata = [:]) {
        self.end(.finished(status, trailers))
    }

    /// Ends the stream with an error; messages not yet read are dropped.
    public func fail(_ error: RPCError) {
        self.end(.failed(error), dropMessages: true)
    }

    private func end(_ end: End, dropMessages: Bool = false) {
        let waiter = self.state.withLockedValue { state -> UnsafeContinuation<Void, Never>? in
            if case .finished = state.end, case .failed = end {
                // A failure after a clean end (say, the connection closing) changes nothing.
                return nil
            }
            guard state.end == nil else { return nil }
            state.end = end
            if dropMessages {
                state.messages.removeAll()
                state.wireSizes.removeAll()
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Whether the stream has ended (messages may still be buffered).
    public var hasEnded: Bool {
        self.state.withLockedValue { $0.end != nil }
    }

    // MARK: Reader side

    /// Waits for messages or the end: returns every buffered message, and the end once all
    /// messages have been returned. Only one task may read.
    public func nextBatch() async -> (messages: [ByteBuffer], end: End?) {
        while true {
            let taken = self.state.withLockedValue { state -> ([ByteBuffer], Int, End?)? in
                if !state.messages.isEmpty {
                    var batch: [ByteBuffer] = []
                    swap(&batch, &state.messages)
                    let wireBytes = state.wireSizes.reduce(0, +)
                    state.wireSizes.removeAll(keepingCapacity: true)
                    return (batch, wireBytes, nil)
                }
                if let end = state.end { return ([], 0, end) }
                return nil
            }
            if let (messages, wireBytes, end) = taken {
                if wireBytes > 0, let onConsumed = self.onConsumed {
                    onConsumed(wireBytes)
                }
                return (messages, end)
            }
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let resumeNow = self.state.withLockedValue { state -> Bool in
                    if !state.messages.isEmpty || state.end != nil { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Tells the stream the reader is gone: later messages are dropped instead of buffered.
    public func readerFinished() {
        self.state.withLockedValue { state in
            state.consumerDone = true
            state.messages.removeAll()
            state.wireSizes.removeAll()
        }
    }
}
