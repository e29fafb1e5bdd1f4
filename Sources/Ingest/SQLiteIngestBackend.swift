import Foundation
import GRDB
import SextantContracts
import SextantStore
import SextantWire

/// ingest's storage in one SQLite database (WAL). Every write goes through one
/// ``GroupCommitWriter``: concurrent requests share transactions, and each returns only after its
/// transaction committed. Reads use the pool's WAL snapshots and never wait for the writer.
final class SQLiteIngestBackend: IngestBackend {
    let database: DatabasePool
    let writer: GroupCommitWriter
    let memory: WriterMemory
    let notifier: LogNotifier

    init(database: DatabasePool) throws {
        let head = try database.read { db in try WriterMemory.storedHead(db) }
        let memory = WriterMemory(nextPosition: head + 1)
        let notifier = LogNotifier(head: head)
        self.database = database
        self.memory = memory
        self.notifier = notifier
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

    func write<Result: Sendable>(
        hint: WriteHint, _ job: @escaping @Sendable (any IngestTransaction) throws -> Result
    ) async throws -> Result {
        let memory = self.memory
        return try await self.writer.write { db in
            if memory.needsReload {
                memory.nextPosition = try WriterMemory.storedHead(db) + 1
                memory.needsReload = false
            }
            let position = memory.nextPosition
            do {
                return try job(SQLiteIngestTransaction(db: db, memory: memory))
            } catch {
                memory.nextPosition = position
                memory.identities.removeAll()
                throw error
            }
        }
    }

    func accountHead(_ accountID: UInt64) async throws -> UInt64 {
        try await self.database.read { db in try SQLiteIngestTransaction.accountHead(db, accountID) }
    }

    func entries(after position: UInt64, accountID: UInt64?, limit: Int, maximumBytes: Int) async throws -> [LogEntry] {
        try await self.database.read { db in
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

    func logEntry(at position: UInt64) async throws -> LogEntry? {
        try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT account_id, kind, body FROM log WHERE position = ?", arguments: [Int64(position)]).map { row in
                LogEntry(position: position, accountID: UInt64(row[0] as Int64), kind: LogEntry.Kind(rawValue: row[1]) ?? .event, body: [UInt8](row[2] as Data))
            }
        }
    }

    func accountBodies(id: UInt64?) async throws -> [[UInt8]] {
        try await self.database.read { db in
            if let id {
                return try Data.fetchAll(db, sql: "SELECT body FROM account WHERE id = ?", arguments: [Int64(id)]).map { [UInt8]($0) }
            }
            return try Data.fetchAll(db, sql: "SELECT body FROM account ORDER BY id").map { [UInt8]($0) }
        }
    }

    func identityOwner(_ key: IdentityKey) async throws -> UInt64? {
        try await self.database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT profile_id FROM identity WHERE account_id = ? AND kind = ? AND value = ?",
                arguments: [Int64(key.accountID), key.kind.rawValue, key.value]
            ).map(UInt64.init)
        }
    }

    func profile(accountID: UInt64, id: UInt64) async throws -> Profile {
        try await self.database.read { db in
            // Reads only: the transaction's read methods run on the snapshot.
            try SQLiteIngestTransaction(db: db, memory: WriterMemory(nextPosition: 0)).profile(accountID: accountID, id: id)
        }
    }

    func customMetricBodies(accountID: UInt64) async throws -> [[UInt8]] {
        try await self.database.read { db in
            try Data.fetchAll(
                db, sql: "SELECT body FROM custom_metric WHERE account_id = ? ORDER BY id", arguments: [Int64(accountID)]
            ).map { [UInt8]($0) }
        }
    }

    func close() async {
        try? self.database.close()
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

    func remember(_ key: IdentityKey, profile: UInt64) {
        if self.identities.count >= Self.identityCacheLimit { self.identities.removeAll(keepingCapacity: true) }
        self.identities[key] = profile
    }

    static func storedHead(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM log") ?? 0)
    }
}

/// ``IngestTransaction`` as statements on the writer's SQLite connection. The statements run for
/// every event go through SQLite's C interface (see `RawStatement`).
final class SQLiteIngestTransaction: IngestTransaction {
    let db: Database
    let memory: WriterMemory

    init(db: Database, memory: WriterMemory) {
        self.db = db
        self.memory = memory
    }

    var nextPosition: UInt64 { self.memory.nextPosition }

    func appendLog(accountID: UInt64, kind: LogEntry.Kind, body: [UInt8]) throws -> UInt64 {
        let position = self.memory.nextPosition
        let statement = RawStatement(try self.db.cachedStatement(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (?, ?, ?, ?)"))
        try statement.run { binder in
            binder.bind(1, position)
            binder.bind(2, accountID)
            binder.bind(3, Int64(kind.rawValue))
            binder.bind(4, blob: body)
        }
        self.memory.nextPosition += 1
        return position
    }

    func accountHead(_ accountID: UInt64) throws -> UInt64 { try Self.accountHead(self.db, accountID) }

    static func accountHead(_ db: Database, _ accountID: UInt64) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM log WHERE account_id = ?", arguments: [Int64(accountID)]) ?? 0)
    }

    func storedAccount(_ id: UInt64) throws -> Account? {
        try Data.fetchOne(self.db, sql: "SELECT body FROM account WHERE id = ?", arguments: [Int64(id)]).map {
            try WireDecoder().decode(Account.self, from: $0)
        }
    }

    func nextAccountID() throws -> UInt64 {
        UInt64(try Int64.fetchOne(self.db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM account") ?? 1)
    }

    func putAccount(_ account: Account, body: [UInt8], isNew: Bool) throws {
        try self.db.execute(
            sql: isNew ? "INSERT INTO account (body, id) VALUES (?, ?)" : "UPDATE account SET body = ? WHERE id = ?",
            arguments: [Data(body), Int64(account.id)])
    }

    func identityOwner(_ key: IdentityKey) throws -> UInt64? {
        if let cached = self.memory.identities[key] { return cached }
        let select = try self.db.cachedStatement(sql: "SELECT profile_id FROM identity WHERE account_id = ? AND kind = ? AND value = ?")
        guard let owner = try Int64.fetchOne(select, arguments: [Int64(key.accountID), key.kind.rawValue, key.value]) else {
            return nil
        }
        self.memory.remember(key, profile: UInt64(owner))
        return UInt64(owner)
    }

    func insertIdentity(_ key: IdentityKey, profile: UInt64) throws {
        let insert = try self.db.cachedStatement(sql: "INSERT INTO identity (account_id, kind, value, profile_id) VALUES (?, ?, ?, ?)")
        try insert.execute(arguments: [Int64(key.accountID), key.kind.rawValue, key.value, Int64(profile)])
        self.memory.remember(key, profile: profile)
    }

    func identities(accountID: UInt64, profile: UInt64) throws -> [IdentityKey] {
        try Row.fetchAll(
            self.db, sql: "SELECT kind, value FROM identity WHERE account_id = ? AND profile_id = ?",
            arguments: [Int64(accountID), Int64(profile)]
        ).compactMap { row in
            IdentityKind(rawValue: row[0]).map { IdentityKey(accountID: accountID, kind: $0, value: row[1]) }
        }
    }

    func moveIdentities(accountID: UInt64, from merged: UInt64, to survivor: UInt64) throws {
        let moved = try self.identities(accountID: accountID, profile: merged)
        try self.db.execute(
            sql: "UPDATE identity SET profile_id = ? WHERE account_id = ? AND profile_id = ?",
            arguments: [Int64(survivor), Int64(accountID), Int64(merged)])
        for key in moved { self.memory.remember(key, profile: survivor) }
    }

    func createProfile(accountID: UInt64, at now: Date) throws -> UInt64 {
        let insert = try self.db.cachedStatement(
            sql: "INSERT INTO profile (account_id, properties, merged_into, created_at, updated_at) VALUES (?, ?, 0, ?, ?)")
        let time = now.timeIntervalSince1970
        try insert.execute(arguments: [Int64(accountID), Data(ProfileProperties.emptyEncoding), time, time])
        return UInt64(self.db.lastInsertedRowID)
    }

    func profileRecord(accountID: UInt64, id: UInt64) throws -> ProfileRecord? {
        try Row.fetchOne(
            self.db, sql: "SELECT merged_into, properties, created_at, updated_at FROM profile WHERE id = ? AND account_id = ?",
            arguments: [Int64(id), Int64(accountID)]
        ).map { row in
            ProfileRecord(
                mergedInto: UInt64(row[0] as Int64), properties: [UInt8](row[1] as Data),
                createdAt: Date(timeIntervalSince1970: row[2]), updatedAt: Date(timeIntervalSince1970: row[3]))
        }
    }

    func setProperties(accountID: UInt64, profile: UInt64, properties: [UInt8], at now: Date) throws {
        try self.db.execute(
            sql: "UPDATE profile SET properties = ?, updated_at = ? WHERE id = ? AND account_id = ?",
            arguments: [Data(properties), now.timeIntervalSince1970, Int64(profile), Int64(accountID)])
    }

    func markMerged(accountID: UInt64, merged: UInt64, into survivor: UInt64, at now: Date) throws {
        try self.db.execute(
            sql: "UPDATE profile SET merged_into = ?, updated_at = ? WHERE account_id = ? AND (id = ? OR merged_into = ?)",
            arguments: [Int64(survivor), now.timeIntervalSince1970, Int64(accountID), Int64(merged), Int64(merged)])
    }

    func profilesMerged(accountID: UInt64, into profile: UInt64) throws -> [UInt64] {
        let select = RawStatement(try self.db.cachedStatement(
            sql: "SELECT id FROM profile WHERE merged_into = ? AND merged_into != 0 AND account_id = ? ORDER BY id"))
        var merged: [UInt64] = []
        try select.run { binder in
            binder.bind(1, profile)
            binder.bind(2, accountID)
        } row: { merged.append($0.uint64(0)) }
        return merged
    }

    func insertMerge(accountID: UInt64, survivor: UInt64, merged: UInt64, position: UInt64, at now: Date) throws {
        try self.db.execute(
            sql: "INSERT INTO merge (account_id, survivor, merged, position, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [Int64(accountID), Int64(survivor), Int64(merged), Int64(position), now.timeIntervalSince1970])
    }

    func storedEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64) throws -> UInt64? {
        let select = RawStatement(try self.db.cachedStatement(
            sql: "SELECT position FROM event_key WHERE account_id = ? AND unique_key = ? AND metric = ? AND profile_id = ?"))
        var position: UInt64?
        try select.run { binder in
            binder.bind(1, accountID)
            binder.bind(2, uniqueKey)
            binder.bind(3, metric)
            binder.bind(4, profile)
        } row: { position = $0.uint64(0) }
        return position
    }

    func insertEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64, position: UInt64) throws {
        let insert = RawStatement(try self.db.cachedStatement(
            sql: "INSERT INTO event_key (account_id, unique_key, metric, profile_id, position) VALUES (?, ?, ?, ?, ?)"))
        try insert.run { binder in
            binder.bind(1, accountID)
            binder.bind(2, uniqueKey)
            binder.bind(3, metric)
            binder.bind(4, profile)
            binder.bind(5, position)
        }
    }

    func customMetricNames(accountID: UInt64) throws -> [String] {
        try String.fetchAll(self.db, sql: "SELECT name FROM custom_metric WHERE account_id = ?", arguments: [Int64(accountID)])
    }

    func nextCustomMetricID() throws -> UInt64 {
        UInt64(try Int64.fetchOne(self.db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM custom_metric") ?? 1)
    }

    func insertCustomMetric(_ metric: CustomMetric, body: [UInt8]) throws {
        try self.db.execute(
            sql: "INSERT INTO custom_metric (id, account_id, name, body) VALUES (?, ?, ?, ?)",
            arguments: [Int64(metric.id), Int64(metric.accountID), metric.name, Data(body)])
    }
}
