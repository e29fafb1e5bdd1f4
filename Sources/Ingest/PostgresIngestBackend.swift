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

    private init(store: PostgresStore, connection: PostgresConnection, memory: PostgresWriterMemory) {
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
    static func load(_ memory: PostgresWriterMemory, connection: PostgresConnection, logger: Logger) async throws {
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

    /// Commits groups until none is pending.
    private func drain() async {
        while true {
            let jobs = self.queue.withLock { queue -> [PendingJob] in
                if queue.pending.isEmpty {
                    queue.draining = false
                    return []
                }
                let count = min(queue.pending.count, Self.maximumJobsPerGroup)
                defer { queue.pending.removeFirst(count) }
                return Array(queue.pending.prefix(count))
            }
            if jobs.isEmpty { return }
            await self.commit(jobs)
        }
    }

    /// Runs one group to its exact changes, writes them and commits; then resumes every job.
    private func commit(_ jobs: [PendingJob]) async {
        let logger = self.store.logger
        let connection: PostgresConnection
        do {
            connection = try await self.writerConnection.connection(reloading: self.memory)
        } catch {
            for job in jobs { job.finish(error) }
            return
        }
        let transaction = PostgresIngestTransaction(memory: self.memory)
        do {
            // Identifiers the jobs name, before the first run.
            for job in jobs {
                guard case .batch(let keys, _) = job.hint else { continue }
                for key in keys where self.memory.owners[key] == nil { transaction.misses.owners.insert(key) }
            }
            if transaction.hasMisses { try await PostgresIngestFetch.fetch(transaction, connection: connection, logger: logger) }
            var fetches = 0
            nextRun: while true {
                transaction.beginRun()
                for job in jobs where job.failure == nil {
                    do {
                        try job.run(transaction)
                    } catch {
                        // With misses, the job may have failed for want of a fact: the next run decides.
                        if transaction.hasMisses { continue }
                        // A real failure: run the group again without the job's changes.
                        job.failure = error
                        continue nextRun
                    }
                }
                guard transaction.hasMisses else { break }
                fetches += 1
                guard fetches <= Self.maximumFetches else {
                    throw IngestError.storage("a write group still needed more facts after \(fetches - 1) fetches")
                }
                try await PostgresIngestFetch.fetch(transaction, connection: connection, logger: logger)
            }
        } catch {
            self.writerConnection.failed(error, logger: logger)
            for job in jobs { job.finish(job.failure ?? error) }
            return
        }

        do {
            try await connection.query("BEGIN", logger: logger)
            try await PostgresIngestFlush.write(transaction, connection: connection, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            // If the connection dropped during COMMIT the group may have committed: the writer
            // reconnects and reads its counters again before the next group.
            self.writerConnection.failed(error, logger: logger)
            logger.error("write group failed", metadata: ["error": "\(String(reflecting: error))"])
            for job in jobs { job.finish(job.failure ?? IngestError.storage("the write failed and nothing of it was stored: \(error)")) }
            return
        }
        self.memory.absorb(transaction)
        self.notifier.advance(to: self.memory.counters.position - 1)
        for job in jobs { job.finish(job.failure) }
    }

    // MARK: - Reading

    func accountHead(_ accountID: UInt64) async throws -> UInt64 {
        for try await head in try await self.store.client.query(
            "SELECT COALESCE(MAX(position), 0) FROM log WHERE account_id = \(Int64(accountID))", logger: self.store.logger
        ).decode(Int64.self) {
            return UInt64(head)
        }
        return 0
    }

    func entries(after position: UInt64, accountID: UInt64?, limit: Int, maximumBytes: Int) async throws -> [LogEntry] {
        let rows: PostgresRowSequence
        if let accountID {
            rows = try await self.store.client.query("""
                SELECT position, account_id, kind, body FROM log WHERE account_id = \(Int64(accountID)) AND position > \(Int64(position))
                ORDER BY position LIMIT \(limit)
                """, logger: self.store.logger)
        } else {
            rows = try await self.store.client.query(
                "SELECT position, account_id, kind, body FROM log WHERE position > \(Int64(position)) ORDER BY position LIMIT \(limit)",
                logger: self.store.logger)
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

    func logEntry(at position: UInt64) async throws -> LogEntry? {
        for try await (account, kind, body) in try await self.store.client.query(
            "SELECT account_id, kind, body FROM log WHERE position = \(Int64(position))", logger: self.store.logger
        ).decode((Int64, Int16, ByteBuffer).self) {
            return LogEntry(
                position: position, accountID: UInt64(account), kind: LogEntry.Kind(rawValue: UInt8(truncatingIfNeeded: kind)) ?? .event,
                body: Array(body.readableBytesView))
        }
        return nil
    }

    func accountBodies(id: UInt64?) async throws -> [[UInt8]] {
        let rows: PostgresRowSequence
        if let id {
            rows = try await self.store.client.query("SELECT body FROM account WHERE id = \(Int64(id))", logger: self.store.logger)
        } else {
            rows = try await self.store.client.query("SELECT body FROM account ORDER BY id", logger: self.store.logger)
        }
        var bodies: [[UInt8]] = []
        for try await body in rows.decode(ByteBuffer.self) { bodies.append(Array(body.readableBytesView)) }
        return bodies
    }

    func identityOwner(_ key: IdentityKey) async throws -> UInt64? {
        for try await owner in try await self.store.client.query("""
            SELECT profile_id FROM identity WHERE account_id = \(Int64(key.accountID)) AND kind = \(Int16(key.kind.rawValue)) AND value = \(key.value)
            """, logger: self.store.logger).decode(Int64.self) {
            return UInt64(owner)
        }
        return nil
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
        var bodies: [[UInt8]] = []
        for try await body in try await self.store.client.query(
            "SELECT body FROM custom_metric WHERE account_id = \(Int64(accountID)) ORDER BY id", logger: self.store.logger
        ).decode(ByteBuffer.self) {
            bodies.append(Array(body.readableBytesView))
        }
        return bodies
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
        var connection: PostgresConnection?
        /// Set when the connection was lost or a commit's outcome is unknown.
        var mustReload = false
        var closed = false
    }

    init(store: PostgresStore, connection: PostgresConnection) {
        self.store = store
        self.state = Mutex(State(connection: connection))
    }

    /// Connects and takes the lock, or fails naming the reason.
    static func connectAndLock(_ store: PostgresStore) async throws -> PostgresConnection {
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

    /// The live connection, reconnecting (and reading the writer's memory again) after a loss.
    func connection(reloading memory: PostgresWriterMemory) async throws -> PostgresConnection {
        let (current, mustReload, closed) = self.state.withLock { ($0.connection, $0.mustReload, $0.closed) }
        if closed { throw IngestError.storage("the store is closed") }
        if let current, !current.isClosed, !mustReload { return current }
        if let current { try? await current.close() }
        let connection = try await Self.connectAndLock(self.store)
        try await PostgresIngestBackend.load(memory, connection: connection, logger: self.store.logger)
        self.state.withLock {
            $0.connection = connection
            $0.mustReload = false
        }
        return connection
    }

    /// After a failed group: a lost connection is replaced before the next one.
    func failed(_ error: any Error, logger: Logger) {
        self.state.withLock { state in
            if state.connection?.isClosed ?? true { state.mustReload = true }
        }
    }

    func close() async {
        let connection = self.state.withLock { state -> PostgresConnection? in
            state.closed = true
            defer { state.connection = nil }
            return state.connection
        }
        try? await connection?.close()
    }
}
