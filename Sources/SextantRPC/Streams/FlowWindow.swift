import NIOConcurrencyHelpers

/// A sender's flow-control credit for one stream, in payload bytes.
///
/// A writer may send while the window is positive; each message subtracts its size, so the
/// window can go negative by at most one message. A writer facing an exhausted window waits
/// until the receiver returns credit (``release(_:)``) or the stream fails.
public final class FlowWindow: Sendable {
    private struct State {
        var available: Int
        var waiters: [UnsafeContinuation<Void, any Error>] = []
        var failure: RPCError?
    }

    private let state: NIOLockedValueBox<State>

    /// Creates a window with `initial` bytes of credit.
    public init(initial: Int) {
        self.state = NIOLockedValueBox(State(available: initial))
    }

    /// The credit left (may be negative).
    public var available: Int { self.state.withLockedValue { $0.available } }

    /// Takes `bytes` of credit, waiting while the window is exhausted.
    /// - Throws: The stream's failure, if it failed before or while waiting.
    public func reserve(_ bytes: Int) async throws {
        while true {
            let ready = try self.state.withLockedValue { state -> Bool in
                if let failure = state.failure { throw failure }
                guard state.available > 0 else { return false }
                state.available -= bytes
                return true
            }
            if ready { return }
            // Wait for credit or failure, then try again from the top.
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let outcome = self.state.withLockedValue { state -> RPCError?? in
                    if let failure = state.failure { return .some(failure) }
                    if state.available > 0 { return .some(nil) }
                    state.waiters.append(continuation)
                    return .none
                }
                switch outcome {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        }
    }

    fileprivate func reserveIfOpen(_ bytes: Int) -> Bool {
        self.state.withLockedValue { state in
            guard state.failure == nil, state.available > 0 else { return false }
            state.available -= bytes
            return true
        }
    }

    /// Returns `bytes` of credit and wakes waiting writers if the window opened.
    public func release(_ bytes: Int) {
        let waiters = self.state.withLockedValue { state -> [UnsafeContinuation<Void, any Error>] in
            state.available += bytes
            guard state.available > 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Fails the window: waiting and future writers get `error`.
    public func fail(_ error: RPCError) {
        let waiters = self.state.withLockedValue { state -> [UnsafeContinuation<Void, any Error>] in
            if state.failure == nil { state.failure = error }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}

extension FlowWindow {
    /// Takes `bytes` of credit if the window is open, without waiting.
    /// - Returns: Whether the credit was taken.
    public func tryReserve(_ bytes: Int) -> Bool {
        self.reserveIfOpen(bytes)
    }
}
