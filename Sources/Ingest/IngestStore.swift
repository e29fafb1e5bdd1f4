public import Foundation
public import GRDB
public import SextantContracts
public import SextantStore
import SextantWire

/// ingest-service's storage and rules: accounts, profiles and identities, the event log, its
/// idempotency index and custom-metric definitions, in one SQLite database.
///
/// Every write goes through one ``GroupCommitWriter``: concurrent requests share transactions,
/// and each returns only after its transaction committed. Reads use the pool's WAL snapshots and
/// never wait for the writer.
public final class IngestStore: Sendable {
    public let database: DatabasePool
    let writer: GroupCommitWriter
    let memory: WriterMemory
    let notifier: LogNotifier
    let clock: @Sendable () -> Date

    /// Opens (creating or migrating) the store at `path`.
    public static func open(
        path: String,
        durability: Durability = .full,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> IngestStore {
        let database = try SQLiteStore.open(path: path, durability: durability, migrations: IngestSchema.migrations)
        return try IngestStore(database: database, clock: clock)
    }

    init(database: DatabasePool, clock: @escaping @Sendable () -> Date) throws {
        let head = try database.read { db in try WriterMemory.storedHead(db) }
        let memory = WriterMemory(nextPosition: head + 1)
        let notifier = LogNotifier(head: head)
        self.database = database
        self.memory = memory
        self.notifier = notifier
        self.clock = clock
        self.writer = GroupCommitWriter(
            database: database,
            afterCommit: { notifier.advance(to: memory.nextPosition - 1) },
            afterRollback: {
                // The failed transaction's positions and cached identities are gone with it. The
                // next position is read again by the next job, on the writer's own connection.
                memory.identities.removeAll()
                memory.needsReload = true
            },
            afterJobFailure: {
                // A job whose savepoint was rolled back may have taken positions and cached
                // identities of rows that no longer exist, even if it failed after returning.
                memory.identities.removeAll()
                memory.needsReload = true
            }
        )
    }

    /// Runs `job` on the writer in the next shared transaction. If the job fails, its savepoint
    /// is rolled back, so the in-memory position counter and identity cache are restored too.
    func write<Result: Sendable>(_ job: @escaping @Sendable (Database, WriterMemory) throws -> Result) async throws -> Result {
        let memory = self.memory
        return try await self.writer.write { db in
            if memory.needsReload {
                memory.nextPosition = try WriterMemory.storedHead(db) + 1
                memory.needsReload = false
            }
            let position = memory.nextPosition
            do {
                return try job(db, memory)
            } catch {
                memory.nextPosition = position
                memory.identities.removeAll()
                throw error
            }
        }
    }

    // MARK: - The log

    /// The highest committed position of `accountID`, or of the whole log.
    public func head(accountID: UInt64? = nil) throws -> UInt64 {
        guard let accountID else { return self.notifier.head }
        return try self.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM log WHERE account_id = ?", arguments: [Int64(accountID)])
                .map(UInt64.init) ?? 0
        }
    }

    /// Up to `limit` entries after `position`, in order, stopping early once the bodies read add
    /// up to `maximumBytes` (at least one entry is returned if there is one).
    public func entries(after position: UInt64, accountID: UInt64? = nil, limit: Int, maximumBytes: Int = .max) throws -> [LogEntry] {
        try self.database.read { db in
            let rows: RowCursor
            if let accountID {
                rows = try Row.fetchCursor(
                    db, sql: "SELECT position, account_id, kind, body FROM log WHERE account_id = ? AND position > ? ORDER BY position LIMIT ?",
                    arguments: [Int64(accountID), Int64(position), limit])
            } else {
                rows = try Row.fetchCursor(
                    db, sql: "SELECT position, account_id, kind, body FROM log WHERE position > ? ORDER BY position LIMIT ?",
                    arguments: [Int64(position), limit])
            }
            var entries: [LogEntry] = []
            entries.reserveCapacity(min(limit, 8_192))
            var bytes = 0
            while bytes < maximumBytes, let row = try rows.next() {
                let kind = LogEntry.Kind(rawValue: row[2]) ?? .event
                // One memcpy: `[UInt8](data)` would walk Data's iterator byte by byte.
                let body: [UInt8] = try row.withUnsafeData(atIndex: 3) { data in
                    guard let data else { return [] }
                    return data.withUnsafeBytes { [UInt8]($0) }
                }
                bytes += body.count
                entries.append(LogEntry(position: UInt64(row[0] as Int64), accountID: UInt64(row[1] as Int64), kind: kind, body: body))
            }
            return entries
        }
    }

    /// Returns when the log has an entry after `position` (or the task is cancelled, or the
    /// store is closing).
    public func waitForEntries(after position: UInt64) async {
        await self.notifier.wait(after: position)
    }

    /// Ends every following subscription (each delivers what is committed and then finishes), so
    /// a shutdown does not wait its whole grace period for subscribers. Writes still work.
    public func endSubscriptions() {
        self.notifier.close()
    }

    /// True after ``endSubscriptions()``.
    public var subscriptionsEnded: Bool { self.notifier.isClosed }

    /// One event of one account.
    public func event(accountID: UInt64, position: UInt64) throws -> LoggedEvent {
        let row = try self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT account_id, kind, body FROM log WHERE position = ?", arguments: [Int64(position)])
        }
        guard let row, UInt64(row[0] as Int64) == accountID, LogEntry.Kind(rawValue: row[1]) == .event else {
            throw IngestError.eventNotFound(position)
        }
        return try WireDecoder().decode(LoggedEvent.self, from: row[2] as Data)
    }
}

/// State only the writer thread touches (inside jobs and the commit callbacks, which the
/// ``GroupCommitWriter`` runs one at a time on its queue): the next log position and a bounded
/// cache of identity → profile lookups.
final class WriterMemory: @unchecked Sendable {
    var nextPosition: UInt64
    /// Set after a failed transaction: `nextPosition` must be read from the database again.
    var needsReload = false
    var identities: [IdentityKey: UInt64] = [:]
    /// Entries kept before the cache is dropped and refilled (about 100 bytes each).
    static let identityCacheLimit = 400_000

    init(nextPosition: UInt64) { self.nextPosition = nextPosition }

    /// Takes the next position.
    func takePosition() -> UInt64 {
        defer { self.nextPosition += 1 }
        return self.nextPosition
    }

    func remember(_ key: IdentityKey, profile: UInt64) {
        if self.identities.count >= Self.identityCacheLimit { self.identities.removeAll(keepingCapacity: true) }
        self.identities[key] = profile
    }

    static func storedHead(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM log") ?? 0)
    }
}

/// An identifier of a profile as the identity table keys it.
struct IdentityKey: Hashable, Sendable {
    var accountID: UInt64
    var kind: IdentityKind
    var value: String
}

extension Database {
    /// Appends one entry to the log at the writer's next position.
    @discardableResult
    func appendLog(_ memory: WriterMemory, accountID: UInt64, kind: LogEntry.Kind, body: [UInt8]) throws -> UInt64 {
        let position = memory.takePosition()
        let statement = RawStatement(try self.cachedStatement(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (?, ?, ?, ?)"))
        try statement.run { binder in
            binder.bind(1, position)
            binder.bind(2, accountID)
            binder.bind(3, Int64(kind.rawValue))
            binder.bind(4, blob: body)
        }
        return position
    }
}
