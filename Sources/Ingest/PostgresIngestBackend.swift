import Foundation
import Logging
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantWire
import Synchronization

/// ingest's storage in a PostgreSQL schema.
///
/// **One writer.** Log positions must become visible in order (a subscriber that read position
/// 11 never sees 10 appear later), so every write goes through one connection that commits one
/// group at a time, as with SQLite. That connection holds a session advisory lock on the
/// schema's log for as long as the process runs: a second ingest process on the same schema is
/// refused instead of interleaving positions.
///
/// **Group commit.** Jobs that arrive while a group commits form the next group (at most
/// ``maximumJobsPerGroup``). A group runs in memory against ``PostgresIngestTransaction``
/// (fetching what it must look up, a set per query), then its changes are written with one
/// statement per table and committed. Callers resume after the commit, whose record PostgreSQL
/// flushes before answering (`synchronous_commit = on`, the default): acknowledged events
/// survive a crash of either process and a power loss of the database's machine.
///
/// Reads use the store's pool and see only committed groups.
final class PostgresIngestBackend: IngestBackend {
    let store: PostgresStore
    let notifier: LogNotifier
    private let memory: PostgresWriterMemory
    private let queue = Mutex(Queue())
    /// The writer's connection, reconnected when lost; only the drain touches it.
    private let writerConnection: WriterConnection
    static let maximumJobsPerGroup = 64
    /// Fetches for one group before it fails: each run after a fetch has every fact an earlier
    /// one missed, so a group needs a few (identifiers, then their profiles' keys, then merges).
    static let maximumFetches = 16

    private struct Queue {
        var pending: [PendingJob] = []
        var draining = false
    }

    private init(store: PostgresStore, connection: DedicatedConnection, memory: PostgresWriterMemory) {
        self.store = store
        self.memory = memory
        self.notifier = LogNotifier(head: memory.counters.position - 1)
        self.writerConnection = WriterConnection(store: store, connection: connection)
    }

    static func open(_ settings: PostgresSettings, logger: Logger) async throws -> PostgresIngestBackend {
        let store = try await PostgresStore.open(settings, migrations: IngestSchema.postgresMigrations, logger: logger)
        do {
            let connection = try await WriterConnection.connectAndLock(store)
            let memory = PostgresWriterMemory()
            do {
                // A second connection of an earlier process may still be committing: wait for it.
                let second = WriterConnection.secondLock(store)
                try await connection.query("SELECT pg_advisory_lock(hashtext(\(second)))", logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(hashtext(\(second)))", logger: logger)
                try await Self.load(memory, connection: connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            return PostgresIngestBackend(store: store, connection: connection, memory: memory)
        } catch {
            await store.close()
            throw error
        }
    }

    /// Reads the next ids, every account and every custom-metric name.
    static func load(_ memory: PostgresWriterMemory, connection: DedicatedConnection, logger: Logger) async throws {
        var counters = PostgresWriterMemory.Counters()
        for try await (position, profile, account, metric, merge) in try await connection.query("""
            SELECT (SELECT COALESCE(MAX(position), 0) FROM log), (SELECT COALESCE(MAX(id), 0) FROM profile),
                   (SELECT COALESCE(MAX(id), 0) FROM account), (SELECT COALESCE(MAX(id), 0) FROM custom_metric),
                   (SELECT COALESCE(MAX(id), 0) FROM merge)
            """, logger: logger).decode((Int64, Int64, Int64, Int64, Int64).self) {
            counters = .init(
                position: UInt64(position) + 1, profile: UInt64(profile) + 1, account: UInt64(account) + 1,
                customMetric: UInt64(metric) + 1, merge: UInt64(merge) + 1)
        }
        memory.counters = counters
        memory.accounts = [:]
        let decoder = WireDecoder()
        for try await (id, body) in try await connection.query("SELECT id, body FROM account", logger: logger).decode((Int64, ByteBuffer).self) {
            memory.accounts[UInt64(id)] = try decoder.decode(Account.self, from: body)
        }
        memory.customMetricNames = [:]
        for try await (account, name) in try await connection.query(
            "SELECT account_id, name FROM custom_metric ORDER BY id", logger: logger
        ).decode((Int64, String).self) {
            memory.customMetricNames[UInt64(account), default: []].append(name)
        }
        memory.mergedInto = [:]
        for try await (account, survivor, merged) in try await connection.query(
            "SELECT account_id, merged_into, id FROM profile WHERE merged_into <> 0 ORDER BY id", logger: logger
        ).decode((Int64, Int64, Int64).self) {
            memory.mergedInto[ProfileKey(accountID: UInt64(account), id: UInt64(survivor)), default: []].append(UInt64(merged))
        }
        memory.owners.removeAll()
    }

    // MARK: - Writing

    func write<Result: Sendable>(
        hint: WriteHint, _ job: @escaping @Sendable (any IngestTransaction) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let box = JobResult<Result>()
            let pending = PendingJob(
                hint: hint,
                run: { transaction in box.value = try job(transaction) },
                finish: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: box.value!) }
                })
            let startDrain = self.queue.withLock { queue -> Bool in
                queue.pending.append(pending)
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            if startDrain {
                Task { await self.drain() }
            }
        }
    }

    /// Commits groups until none is pending, two at a time on two connections: while one
    /// group commits, the next is worked out (on the writer's memory as the first leaves it,
    /// reading the first's changes before anything fetched) and its rows are written on the other
    /// connection. Its `COMMIT` is sent only once the first has committed, so commits, and the
    /// positions they make visible, stay in order. If the first fails, the second is rolled back
    /// and fails too (its callers retry), and the writer reads its memory again.
    private func drain() async {
        var previous: Written?
        while true {
            let jobs = self.queue.withLock { queue -> [PendingJob] in
                // Draining ends only when nothing is pending and nothing is being committed.
                if queue.pending.isEmpty {
                    if previous == nil { queue.draining = false }
                    return []
                }
                let count = min(queue.pending.count, Self.maximumJobsPerGroup)
                defer { queue.pending.removeFirst(count) }
                return Array(queue.pending.prefix(count))
            }
            if jobs.isEmpty {
                guard let written = previous else { return }
                await self.complete(written)
                previous = nil
                continue
            }
            previous = await self.write(jobs, after: previous)
        }
    }

    /// A group whose idempotency keys are in and whose other rows and commit are on their way.
    private struct Written {
        let jobs: [PendingJob]
        let transaction: PostgresIngestTransaction
        /// The connection it is written on.
        let connection: DedicatedConnection
        /// The last position of the group.
        let head: UInt64
        /// The rest of the writes: nil when written, or the error.
        let flush: Task<(any Error)?, Never>
        /// The commit, after the writes: nil when committed, or the error.
        let commit: Task<(any Error)?, Never>
    }

    /// Why a group's jobs failed when its write did: the service cannot tell whether a commit
    /// interrupted by a lost connection took effect, and a retry is safe either way.
    private static func failure(_ error: any Error) -> IngestError {
        (error as? IngestError) ?? IngestError.storage("the write did not complete (\(error)); retrying with the same unique ids is safe")
    }

    /// Waits for a written group's commit, then resumes its jobs. Returns false if it failed.
    @discardableResult
    private func complete(_ written: Written) async -> Bool {
        if let error = await written.commit.value {
            // The writer's memory already holds the group: read it again before the next one.
            self.writerConnection.failed(error, forceReload: true)
            self.store.logger.error("write group failed", metadata: ["error": "\(String(reflecting: error))"])
            for job in written.jobs { job.finish(job.failure ?? Self.failure(error)) }
            return false
        }
        self.notifier.advance(to: written.head)
        for job in written.jobs { job.finish(job.failure) }
        return true
    }

    /// Works out `jobs` as a group, inserts its idempotency keys and starts writing the rest and
    /// committing (after `previous` has committed); waits for `previous`; returns the group in
    /// flight (nil if it failed, its jobs resumed with the error).
    private func write(_ jobs: [PendingJob], after previous: Written?) async -> Written? {
        let logger = self.store.logger
        var previous = previous
        var connection: DedicatedConnection?
        do {
            let transaction = try await self.prepare(jobs, connection: &connection, after: previous)
            guard let writer = connection else { throw IngestError.storage("the writer has no connection") }
            var conflicts = 0
            while true {
                try await writer.query("BEGIN", logger: logger)
                if try await PostgresIngestFlush.insertEventKeys(transaction, connection: writer, logger: logger) { break }
                // Retried events: some keys were stored already. Run again knowing them.
                try await writer.query("ROLLBACK", logger: logger)
                conflicts += 1
                guard conflicts <= 3 else { throw IngestError.storage("idempotency keys still conflicted after \(conflicts - 1) reruns") }
                transaction.keysConflicted()
                try await self.resolve(jobs, transaction, connection: writer)
            }
            self.memory.absorb(transaction)
            let earlierFlush = previous?.flush
            let earlierCommit = previous?.commit
            // The rest of the rows once the previous group has written all of its own (it then
            // only commits, so it never waits for a lock this group takes; this group's writes
            // wait for the previous one's uncommitted rows where they meet, see
            // `PostgresIngestFlush.write`). The commit once the previous group has committed.
            let flush = Task { () -> (any Error)? in
                _ = await earlierFlush?.value
                do {
                    try await PostgresIngestFlush.write(transaction, connection: writer, logger: logger)
                    return nil
                } catch {
                    return error
                }
            }
            let commit = Task { () -> (any Error)? in
                do {
                    if let error = await flush.value { throw error }
                    if let earlierCommit, let error = await earlierCommit.value {
                        throw IngestError.storage("the group before this one failed (\(error))")
                    }
                    try await writer.query("COMMIT", logger: logger)
                    return nil
                } catch {
                    _ = try? await writer.query("ROLLBACK", logger: logger)
                    return error
                }
            }
            let written = Written(
                jobs: jobs, transaction: transaction, connection: writer, head: self.memory.counters.position - 1, flush: flush,
                commit: commit)
            if let earlier = previous {
                previous = nil
                if !(await self.complete(earlier)) {
                    // This group fails with it (its errors were decided on the failed group's
                    // changes, so only the storage error stands); the next starts afresh.
                    for job in jobs { job.failure = nil }
                    await self.complete(written)
                    return nil
                }
            }
            return written
        } catch {
            if let previous, !(await self.complete(previous)) {
                for job in jobs { job.failure = nil }
            }
            if let connection { _ = try? await connection.query("ROLLBACK", logger: logger) }
            // If the connection dropped during a commit the group may have committed: the writer
            // reconnects and reads its counters again before the next group.
            self.writerConnection.failed(error, forceReload: false)
            logger.error("write group failed", metadata: ["error": "\(String(reflecting: error))"])
            for job in jobs { job.finish(job.failure ?? Self.failure(error)) }
            return nil
        }
    }

    /// A transaction with the group's exact changes: fetches what the jobs name, runs them, and
    /// fetches and runs again until a run misses nothing. Writes nothing. With `previous` in
    /// flight, it goes on the other connection, and reads `previous`'s changes before anything
    /// it fetches (which shows only what is committed); without, a lost connection is replaced
    /// and the writer's memory read again if it must be.
    private func prepare(
        _ jobs: [PendingJob], connection: inout DedicatedConnection?, after previous: Written?
    ) async throws -> PostgresIngestTransaction {
        let writer: DedicatedConnection
        if let previous {
            writer = try await self.writerConnection.other(than: previous.connection)
        } else {
            let (live, reloaded) = try await self.writerConnection.connection(reloading: self.memory)
            // A commit whose outcome was unknown may have taken effect: subscribers hear of it now.
            if reloaded { self.notifier.advance(to: self.memory.counters.position - 1) }
            writer = live
        }
        connection = writer
        let transaction = PostgresIngestTransaction(memory: self.memory, previous: previous?.transaction)
        for job in jobs {
            guard case .identifiers(let keys) = job.hint else { continue }
            for key in keys where self.memory.owners[key] == nil { transaction.misses.owners.insert(key) }
        }
        try await self.resolve(jobs, transaction, connection: writer)
        return transaction
    }

    /// Fetches the transaction's misses and runs the jobs until a run misses nothing.
    private func resolve(_ jobs: [PendingJob], _ transaction: PostgresIngestTransaction, connection: DedicatedConnection) async throws {
        var fetches = 0
        while true {
            if transaction.hasMisses {
                fetches += 1
                guard fetches <= Self.maximumFetches else {
                    throw IngestError.storage("a write group still needed more facts after \(fetches - 1) fetches")
                }
                try await PostgresIngestFetch.fetch(transaction, connection: connection, logger: self.store.logger)
            }
            Self.run(jobs, on: transaction)
            if !transaction.hasMisses { return }
        }
    }

    /// One run of the group's jobs, from the start. A job that fails in a run without misses
    /// fails for good: it is left out and the run starts again without its changes. (With
    /// misses, the job may have failed for want of a fact, so the next run decides.)
    private static func run(_ jobs: [PendingJob], on transaction: PostgresIngestTransaction) {
        nextRun: while true {
            transaction.beginRun()
            for job in jobs where job.failure == nil {
                do {
                    try job.run(transaction)
                } catch {
                    if transaction.hasMisses { continue }
                    job.failure = error
                    continue nextRun
                }
            }
            transaction.endRun()
            return
        }
    }

    // MARK: - Reading

    func accountHead(_ accountID: UInt64) async throws -> UInt64 {
        let logger = self.store.logger
        return try await self.store.withConnection { connection in
            for try await head in try await connection.query(
                "SELECT COALESCE(MAX(position), 0) FROM log WHERE account_id = \(Int64(accountID))", logger: logger
            ).decode(Int64.self) {
                return UInt64(head)
            }
            return 0
        }
    }

    func entries(after position: UInt64, accountID: UInt64?, limit: Int, maximumBytes: Int) async throws -> [LogEntry] {
        let logger = self.store.logger
        return try await self.store.withConnection { connection in
            let rows: PostgresRowSequence
            if let accountID {
                rows = try await connection.query("""
                    SELECT position, account_id, kind, body FROM log WHERE account_id = \(Int64(accountID)) AND position > \(Int64(position))
                    ORDER BY position LIMIT \(limit)
                    """, logger: logger)
            } else {
                rows = try await connection.query(
                    "SELECT position, account_id, kind, body FROM log WHERE position > \(Int64(position)) ORDER BY position LIMIT \(limit)",
                    logger: logger)
            }
            var entries: [LogEntry] = []
            var bytes = 0
            // The rest of the rows are read and dropped once the byte budget is spent.
            for try await (position, account, kind, body) in rows.decode((Int64, Int64, Int16, ByteBuffer).self) where bytes < maximumBytes {
                bytes += body.readableBytes
                entries.append(LogEntry(
                    position: UInt64(position), accountID: UInt64(account), kind: LogEntry.Kind(rawValue: UInt8(truncatingIfNeeded: kind)) ?? .event,
                    body: Array(body.readableBytesView)))
            }
            return entries
        }
    }

    func logEntry(at position: UInt64) async throws -> LogEntry? {
        let logger = self.store.logger
        return try await self.store.withConnection { connection in
            for try await (account, kind, body) in try await connection.query(
                "SELECT account_id, kind, body FROM log WHERE position = \(Int64(position))", logger: logger
            ).decode((Int64, Int16, ByteBuffer).self) {
                return LogEntry(
                    position: position, accountID: UInt64(account), kind: LogEntry.Kind(rawValue: UInt8(truncatingIfNeeded: kind)) ?? .event,
                    body: Array(body.readableBytesView))
            }
            return nil
        }
    }

    func accountBodies(id: UInt64?) async throws -> [[UInt8]] {
        let query: PostgresQuery = id.map { "SELECT body FROM account WHERE id = \(Int64($0))" } ?? "SELECT body FROM account ORDER BY id"
        return try await self.bodies(query)
    }

    /// The `bytea` column of every row `query` returns.
    private func bodies(_ query: PostgresQuery) async throws -> [[UInt8]] {
        let logger = self.store.logger
        return try await self.store.withConnection { connection in
            var bodies: [[UInt8]] = []
            for try await body in try await connection.query(query, logger: logger).decode(ByteBuffer.self) {
                bodies.append(Array(body.readableBytesView))
            }
            return bodies
        }
    }

    func identityOwner(_ key: IdentityKey) async throws -> UInt64? {
        let logger = self.store.logger
        return try await self.store.withConnection { connection in
            for try await owner in try await connection.query("""
                SELECT profile_id FROM identity WHERE account_id = \(Int64(key.accountID)) AND kind = \(Int16(key.kind.rawValue)) AND value = \(key.value)
                """, logger: logger).decode(Int64.self) {
                return UInt64(owner)
            }
            return nil
        }
    }

    func profile(accountID: UInt64, id: UInt64) async throws -> Profile {
        let logger = self.store.logger
        // One snapshot, so a merge committing meanwhile is seen whole or not at all.
        return try await self.store.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            var id = id
            var record: ProfileRecord?
            for _ in 0..<2 {
                record = nil
                for try await (mergedInto, properties, created, updated) in try await connection.query("""
                    SELECT merged_into, properties, created_at, updated_at FROM profile WHERE account_id = \(Int64(accountID)) AND id = \(Int64(id))
                    """, logger: logger).decode((Int64, ByteBuffer, Double, Double).self) {
                    record = ProfileRecord(
                        mergedInto: UInt64(mergedInto), properties: Array(properties.readableBytesView),
                        createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated))
                }
                // Merges are one hop long: a merged profile's survivor is never merged itself.
                guard let found = record, found.mergedInto != 0 else { break }
                id = found.mergedInto
            }
            guard let record, record.mergedInto == 0 else { throw IngestError.profileNotFound("\(id)") }
            var identities: [IdentityKey] = []
            for try await (kind, value) in try await connection.query("""
                SELECT kind, value FROM identity WHERE account_id = \(Int64(accountID)) AND profile_id = \(Int64(id))
                """, logger: logger).decode((Int16, String).self) {
                if let kind = IdentityKind(rawValue: Int(kind)) { identities.append(IdentityKey(accountID: accountID, kind: kind, value: value)) }
            }
            var merged: [UInt64] = []
            for try await profile in try await connection.query("""
                SELECT id FROM profile WHERE account_id = \(Int64(accountID)) AND merged_into = \(Int64(id)) AND merged_into <> 0
                """, logger: logger).decode(Int64.self) {
                merged.append(UInt64(profile))
            }
            return try Profile(id: id, accountID: accountID, record: record, identities: identities, merged: merged)
        }
    }

    func customMetricBodies(accountID: UInt64) async throws -> [[UInt8]] {
        try await self.bodies("SELECT body FROM custom_metric WHERE account_id = \(Int64(accountID)) ORDER BY id")
    }

    func close() async {
        await self.writerConnection.close()
        await self.store.close()
    }
}

/// One queued job: `run` may execute several times (each run of its group), `finish` once.
private final class PendingJob: @unchecked Sendable {
    let hint: WriteHint
    let run: (PostgresIngestTransaction) throws -> Void
    let finish: @Sendable ((any Error)?) -> Void
    /// The job's own error, once a run without misses showed it; touched only by the drain.
    var failure: (any Error)?

    init(hint: WriteHint, run: @escaping (PostgresIngestTransaction) throws -> Void, finish: @escaping @Sendable ((any Error)?) -> Void) {
        self.hint = hint
        self.run = run
        self.finish = finish
    }
}

/// Where a job leaves its result until its group commits; only the drain touches it.
private final class JobResult<Value: Sendable>: @unchecked Sendable {
    var value: Value?
}

/// The writer's own connection and the advisory lock it holds on the schema's log.
private final class WriterConnection: Sendable {
    let store: PostgresStore
    private let state: Mutex<State>

    private struct State {
        var connection: DedicatedConnection?
        /// The second connection groups alternate with (no lock: the first holds it).
        var second: DedicatedConnection?
        /// Set when the connection was lost or a commit's outcome is unknown.
        var mustReload = false
        var closed = false
    }

    init(store: PostgresStore, connection: DedicatedConnection) {
        self.store = store
        self.state = Mutex(State(connection: connection))
    }

    /// Connects and takes the lock, or fails naming the reason.
    static func connectAndLock(_ store: PostgresStore) async throws -> DedicatedConnection {
        let connection = try await store.dedicatedConnection()
        let lock = "sextant-ingest-log:" + store.settings.schema
        var locked = false
        for try await taken in try await connection.query("SELECT pg_try_advisory_lock(hashtext(\(lock)))", logger: store.logger).decode(Bool.self) {
            locked = taken
        }
        guard locked else {
            try? await connection.close()
            throw IngestError.storage(
                "another ingest-service is writing the log in schema \(store.settings.schema); one process writes a schema's log at a time")
        }
        return connection
    }

    /// The live connection, reconnecting (and reading the writer's memory again) after a loss;
    /// `reloaded` when the memory was read again.
    func connection(reloading memory: PostgresWriterMemory) async throws -> (DedicatedConnection, reloaded: Bool) {
        let (current, mustReload, closed) = self.state.withLock { ($0.connection, $0.mustReload, $0.closed) }
        if closed { throw IngestError.storage("the store is closed") }
        if let current, !current.isClosed {
            if mustReload {
                try await self.retireSecond(using: current)
                try await PostgresIngestBackend.load(memory, connection: current, logger: self.store.logger)
                self.state.withLock { $0.mustReload = false }
            }
            return (current, mustReload)
        }
        if let current { try? await current.close() }
        let connection = try await Self.connectAndLock(self.store)
        do {
            try await self.retireSecond(using: connection)
            try await PostgresIngestBackend.load(memory, connection: connection, logger: self.store.logger)
        } catch {
            // It holds the lock: closing it lets the next attempt take it again.
            try? await connection.close()
            throw error
        }
        self.state.withLock {
            $0.connection = connection
            $0.mustReload = false
        }
        return (connection, true)
    }

    /// The connection a group goes on while `busy` carries the group before it: the other of
    /// the two, connecting the second on first use or after a loss.
    func other(than busy: DedicatedConnection) async throws -> DedicatedConnection {
        let (first, second, closed) = self.state.withLock { ($0.connection, $0.second, $0.closed) }
        if closed { throw IngestError.storage("the store is closed") }
        if let first, first !== busy {
            guard !first.isClosed else { throw IngestError.storage("the writer's connection was lost") }
            return first
        }
        if let second, second !== busy, !second.isClosed { return second }
        if let second { try? await second.close() }
        let fresh = try await self.store.dedicatedConnection()
        // Held while it lives, so a reload can wait for an old second session to be gone.
        var locked = false
        for try await taken in try await fresh.query(
            "SELECT pg_try_advisory_lock(hashtext(\(Self.secondLock(self.store))))", logger: self.store.logger
        ).decode(Bool.self) {
            locked = taken
        }
        guard locked else {
            try? await fresh.close()
            throw IngestError.storage("an earlier second writer connection is still open on the server")
        }
        self.state.withLock { $0.second = fresh }
        return fresh
    }

    static func secondLock(_ store: PostgresStore) -> String { "sextant-ingest-log-second:" + store.settings.schema }

    /// Before the writer's memory is read again: closes the second connection and waits until no
    /// session holding its lock is left on the server, so a commit it sent before it was lost has
    /// either happened (and is read) or never will.
    private func retireSecond(using connection: DedicatedConnection) async throws {
        let second = self.state.withLock { state -> DedicatedConnection? in
            defer { state.second = nil }
            return state.second
        }
        try? await second?.close()
        let lock = Self.secondLock(self.store)
        // postgres-nio answers a row-returning statement before the server has run it; the
        // unlock, and the reads after it, queue behind the lock on the server, so they wait.
        try await connection.query("SELECT pg_advisory_lock(hashtext(\(lock)))", logger: self.store.logger)
        try await connection.query("SELECT pg_advisory_unlock(hashtext(\(lock)))", logger: self.store.logger)
    }

    /// After a failed group: a lost connection is replaced, and the writer's memory read again,
    /// before the next group (`forceReload`: read again even on the same connection).
    func failed(_ error: any Error, forceReload: Bool) {
        self.state.withLock { state in
            if forceReload || state.connection?.isClosed ?? true { state.mustReload = true }
        }
    }

    func close() async {
        let connections = self.state.withLock { state -> [DedicatedConnection] in
            state.closed = true
            defer {
                state.connection = nil
                state.second = nil
            }
            return [state.connection, state.second].compactMap { $0 }
        }
        for connection in connections { try? await connection.close() }
    }
}

