public import PostgresNIO
import Synchronization

/// Runs work on pooled connections so that it ends when its connection closes.
///
/// The pool's connections have the flaw ``DedicatedConnection`` works around: a query written
/// to a connection whose channel has just closed is dropped and never answered. The pool can
/// lend such a connection in the moment before it learns of the close. ``run(on:_:)`` returns
/// (failing with ``DedicatedConnection/Closed``) as soon as the connection closes, whether or
/// not the work does; the work's task is left to end on its own (a dropped query never does,
/// and then holds only its own values).
///
/// One close callback per connection, not per call: the pool's connections live long.
final class CloseWatch: Sendable {
    private struct Entry {
        var waiters: [Int: @Sendable () -> Void] = [:]
    }

    private struct State {
        var next = 0
        var connections: [ObjectIdentifier: Entry] = [:]
    }

    private let state = Mutex(State())

    func run<Result: Sendable>(
        on connection: PostgresConnection, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let key = ObjectIdentifier(connection)
        return try await withCheckedThrowingContinuation { continuation in
            let once = ResumeOnce(continuation)
            let (id, isNew) = self.state.withLock { state -> (Int, Bool) in
                state.next += 1
                let isNew = state.connections[key] == nil
                state.connections[key, default: Entry()].waiters[state.next] = { once.resume(throwing: DedicatedConnection.Closed()) }
                return (state.next, isNew)
            }
            if isNew {
                // Runs at once if the connection is closed already.
                connection.closeFuture.whenComplete { _ in self.closed(key) }
            }
            Task {
                let outcome: Swift.Result<Result, any Error>
                do {
                    outcome = .success(try await body(connection))
                } catch {
                    outcome = .failure(error)
                }
                self.state.withLock { state in _ = state.connections[key]?.waiters.removeValue(forKey: id) }
                once.resume(with: outcome)
            }
        }
    }

    /// Fails every call still waiting on the connection and forgets it (its identifier may be
    /// reused by a later connection).
    private func closed(_ key: ObjectIdentifier) {
        let waiters = self.state.withLock { state in state.connections.removeValue(forKey: key)?.waiters.values.map { $0 } ?? [] }
        for fail in waiters { fail() }
    }
}

/// A continuation resumed by whichever of two events comes first.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(with outcome: Result<Value, any Error>) {
        self.continuation.withLock { continuation in
            defer { continuation = nil }
            return continuation
        }?.resume(with: outcome)
    }

    func resume(throwing error: any Error) {
        self.resume(with: .failure(error))
    }
}
