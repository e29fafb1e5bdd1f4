public import Logging
public import PostgresNIO
import Synchronization

/// A connection of a service's own, outside the pool (see `PostgresStore.dedicatedConnection()`),
/// whose queries fail when it closes instead of waiting forever.
///
/// postgres-nio (1.33) hands a query to the connection's channel without a write promise. When
/// the server has just ended the session (a restart, a failover, `pg_terminate_backend`), the
/// channel can already be closed while `isClosed` still reads false: the query is dropped and
/// its caller waits for ever. Seen as a writer that never answered again after losing its
/// connection. Here every query waits for its result or for the connection's close, whichever
/// comes first. (`PostgresStore` does the same for the pool's connections with ``CloseWatch``.)
///
/// The wait covers the query until postgres-nio hands back its rows, which for a statement that
/// returns rows is before the server has run it; iterating the rows of a connection that closes
/// meanwhile fails with postgres-nio's own error. A dropped query's task stays suspended: it
/// holds only the query (one per connection loss).
public final class DedicatedConnection: Sendable {
    public let underlying: PostgresConnection
    private let waiting = Mutex(Waiting())

    private struct Waiting {
        var next = 0
        var queries: [Int: CheckedContinuation<PostgresRowSequence, any Error>] = [:]
        var closed = false
    }

    /// What a query gets when the connection closes before its result arrives.
    public struct Closed: Error, CustomStringConvertible {
        public var description: String { "the PostgreSQL connection closed before the query's result arrived" }
    }

    init(_ connection: PostgresConnection) {
        self.underlying = connection
        connection.closeFuture.whenComplete { _ in self.failWaitingQueries() }
    }

    /// True once the connection is closed (or closing).
    public var isClosed: Bool {
        self.underlying.isClosed || self.waiting.withLock { $0.closed }
    }

    /// Runs `query`; fails with ``Closed`` (or the server's error) if the connection closes first.
    @discardableResult
    public func query(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        let connection = self.underlying
        return try await withCheckedThrowingContinuation { continuation in
            let id = self.waiting.withLock { waiting -> Int? in
                guard !waiting.closed else { return nil }
                waiting.next += 1
                waiting.queries[waiting.next] = continuation
                return waiting.next
            }
            guard let id else {
                continuation.resume(throwing: Closed())
                return
            }
            // A task of its own, so the caller can be resumed by the close while a dropped query
            // never returns (that task then stays suspended; it holds only the query).
            Task {
                let result: Result<PostgresRowSequence, any Error>
                do {
                    result = .success(try await connection.query(query, logger: logger, file: file, line: line))
                } catch {
                    result = .failure(error)
                }
                let waiter = self.waiting.withLock { $0.queries.removeValue(forKey: id) }
                waiter?.resume(with: result)
            }
        }
    }

    /// Closes the connection; queries still waiting fail with ``Closed``.
    public func close() async throws {
        defer { self.failWaitingQueries() }
        try await self.underlying.close()
    }

    private func failWaitingQueries() {
        let waiters = self.waiting.withLock { waiting -> [CheckedContinuation<PostgresRowSequence, any Error>] in
            waiting.closed = true
            defer { waiting.queries = [:] }
            return Array(waiting.queries.values)
        }
        for waiter in waiters { waiter.resume(throwing: Closed()) }
    }
}
