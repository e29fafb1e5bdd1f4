import Foundation
import Logging
import PostgresNIO
import SextantContracts
import SextantPostgres

/// Fetches what a run of ``PostgresIngestTransaction`` missed: one query per kind of fact, each
/// joining the keys (sent as arrays) to the table by its primary key or an index.
enum PostgresIngestFetch {
    static func fetch(_ transaction: PostgresIngestTransaction, connection: DedicatedConnection, logger: Logger) async throws {
        let misses = transaction.misses
        transaction.misses = .init()

        if !misses.owners.isEmpty {
            let keys = Array(misses.owners)
            for key in keys { transaction.fetched.owners[key] = .some(nil) }
            let rows = try await connection.query("""
                SELECT k.account_id, k.kind, k.value, i.profile_id
                FROM unnest(\(keys.map { Int64($0.accountID) }), \(keys.map { Int16($0.kind.rawValue) }), \(keys.map(\.value)))
                    AS k(account_id, kind, value)
                JOIN identity i ON i.account_id = k.account_id AND i.kind = k.kind AND i.value = k.value
                """, logger: logger)
            for try await (account, kind, value, profile) in rows.decode((Int64, Int16, String, Int64).self) {
                guard let kind = IdentityKind(rawValue: Int(kind)) else { continue }
                transaction.fetched.owners[IdentityKey(accountID: UInt64(account), kind: kind, value: value)] = UInt64(profile)
            }
        }

        if !misses.eventKeys.isEmpty {
            let keys = Array(misses.eventKeys)
            for key in keys { transaction.fetched.eventKeys[key] = .some(nil) }
            let rows = try await connection.query("""
                SELECT k.account_id, k.unique_key, k.metric, k.profile_id, e.position
                FROM unnest(\(keys.map { Int64($0.accountID) }), \(keys.map(\.uniqueKey)), \(keys.map(\.metric)), \(keys.map { Int64($0.profile) }))
                    AS k(account_id, unique_key, metric, profile_id)
                JOIN event_key e ON e.account_id = k.account_id AND e.unique_key = k.unique_key AND e.metric = k.metric
                    AND e.profile_id = k.profile_id
                """, logger: logger)
            for try await (account, uniqueKey, metric, profile, position) in rows.decode((Int64, String, String, Int64, Int64).self) {
                let key = EventKey(accountID: UInt64(account), uniqueKey: uniqueKey, metric: metric, profile: UInt64(profile))
                transaction.fetched.eventKeys[key] = UInt64(position)
            }
        }

        if !misses.records.isEmpty {
            let keys = Array(misses.records)
            for key in keys { transaction.fetched.records[key] = .some(nil) }
            let rows = try await connection.query("""
                SELECT p.account_id, p.id, p.merged_into, p.properties, p.created_at, p.updated_at
                FROM unnest(\(keys.map { Int64($0.accountID) }), \(keys.map { Int64($0.id) })) AS k(account_id, id)
                JOIN profile p ON p.account_id = k.account_id AND p.id = k.id
                """, logger: logger)
            for try await (account, id, mergedInto, properties, created, updated) in rows.decode((Int64, Int64, Int64, ByteBuffer, Double, Double).self) {
                transaction.fetched.records[ProfileKey(accountID: UInt64(account), id: UInt64(id))] = ProfileRecord(
                    mergedInto: UInt64(mergedInto), properties: Array(properties.readableBytesView),
                    createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated))
            }
        }

        if !misses.identities.isEmpty {
            let keys = Array(misses.identities)
            for key in keys { transaction.fetched.identities[key] = [] }
            let rows = try await connection.query("""
                SELECT i.account_id, i.profile_id, i.kind, i.value
                FROM unnest(\(keys.map { Int64($0.accountID) }), \(keys.map { Int64($0.id) })) AS k(account_id, profile_id)
                JOIN identity i ON i.account_id = k.account_id AND i.profile_id = k.profile_id
                """, logger: logger)
            for try await (account, profile, kind, value) in rows.decode((Int64, Int64, Int16, String).self) {
                guard let kind = IdentityKind(rawValue: Int(kind)) else { continue }
                transaction.fetched.identities[ProfileKey(accountID: UInt64(account), id: UInt64(profile)), default: []]
                    .append(IdentityKey(accountID: UInt64(account), kind: kind, value: value))
            }
        }

        if !misses.accountHeads.isEmpty {
            let accounts = misses.accountHeads.map { Int64($0) }
            let rows = try await connection.query("""
                SELECT a, (SELECT COALESCE(MAX(position), 0) FROM log WHERE account_id = a) FROM unnest(\(accounts)) AS a
                """, logger: logger)
            for try await (account, head) in rows.decode((Int64, Int64).self) {
                transaction.fetched.accountHeads[UInt64(account)] = UInt64(head)
            }
        }
    }
}

/// Writes the changes of a group's last run: one statement per table (rows sent as arrays and
/// expanded with `unnest`), inside the group's transaction. Tables are independent (no foreign
/// keys), and each row appears once with its final values, so the order between tables does not
/// matter.
enum PostgresIngestFlush {
    /// Inserts the run's idempotency keys, first in the transaction. Returns false if one of
    /// them was stored already (the run assumed it new: a retry): the transaction is then
    /// aborted, and the caller rolls back, fetches the keys and runs the group again.
    ///
    /// A plain insert, not `ON CONFLICT DO NOTHING`: conflicts are rare (retries), and the
    /// speculative insertion that clause needs cost twice as much per row here.
    static func insertEventKeys(_ transaction: PostgresIngestTransaction, connection: DedicatedConnection, logger: Logger) async throws -> Bool {
        let keys = transaction.writes.eventKeys
        guard !keys.isEmpty else { return true }
        do {
            try await connection.query("""
                INSERT INTO event_key (account_id, unique_key, metric, profile_id, position)
                SELECT * FROM unnest(\(keys.map { Int64($0.0.accountID) }), \(keys.map(\.0.uniqueKey)), \(keys.map(\.0.metric)),
                    \(keys.map { Int64($0.0.profile) }), \(keys.map { Int64($0.position) }))
                """, logger: logger)
            return true
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            return false
        }
    }

    /// Everything else of the run.
    static func write(_ transaction: PostgresIngestTransaction, connection: DedicatedConnection, logger: Logger) async throws {
        let writes = transaction.writes
        let changes = transaction.changes

        if !writes.accounts.isEmpty {
            let rows = writes.accounts.sorted { $0.key < $1.key }
            try await connection.query("""
                INSERT INTO account (id, body) SELECT * FROM unnest(\(rows.map { Int64($0.key) }), \(rows.map { ByteBuffer(bytes: $0.value.body) }))
                ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body
                """, logger: logger)
        }

        let newProfiles = writes.newProfiles.compactMap { key in changes.records[key].flatMap { $0 }.map { (key, $0) } }
        if !newProfiles.isEmpty {
            try await connection.query("""
                INSERT INTO profile (account_id, id, properties, merged_into, created_at, updated_at)
                SELECT * FROM unnest(\(newProfiles.map { Int64($0.0.accountID) }), \(newProfiles.map { Int64($0.0.id) }),
                    \(newProfiles.map { ByteBuffer(bytes: $0.1.properties) }), \(newProfiles.map { Int64($0.1.mergedInto) }),
                    \(newProfiles.map { $0.1.createdAt.timeIntervalSince1970 }), \(newProfiles.map { $0.1.updatedAt.timeIntervalSince1970 }))
                """, logger: logger)
        }
        let changedProfiles = writes.changedProfiles.compactMap { key in changes.records[key].flatMap { $0 }.map { (key, $0) } }
        if !changedProfiles.isEmpty {
            // An upsert, not an UPDATE: a profile the previous group created may not be committed
            // yet, and an UPDATE would not see it; an insert that conflicts with it waits for
            // that commit and then updates it.
            try await connection.query("""
                INSERT INTO profile (account_id, id, properties, merged_into, created_at, updated_at)
                SELECT * FROM unnest(\(changedProfiles.map { Int64($0.0.accountID) }), \(changedProfiles.map { Int64($0.0.id) }),
                    \(changedProfiles.map { ByteBuffer(bytes: $0.1.properties) }), \(changedProfiles.map { Int64($0.1.mergedInto) }),
                    \(changedProfiles.map { $0.1.createdAt.timeIntervalSince1970 }), \(changedProfiles.map { $0.1.updatedAt.timeIntervalSince1970 }))
                ON CONFLICT (account_id, id) DO UPDATE
                    SET properties = EXCLUDED.properties, merged_into = EXCLUDED.merged_into, updated_at = EXCLUDED.updated_at
                """, logger: logger)
        }

        let newIdentities = writes.newIdentities.compactMap { key in changes.owners[key].flatMap { $0 }.map { (key, $0) } }
        if !newIdentities.isEmpty {
            try await connection.query("""
                INSERT INTO identity (account_id, kind, value, profile_id)
                SELECT * FROM unnest(\(newIdentities.map { Int64($0.0.accountID) }), \(newIdentities.map { Int16($0.0.kind.rawValue) }),
                    \(newIdentities.map(\.0.value)), \(newIdentities.map { Int64($0.1) }))
                """, logger: logger)
        }
        let movedIdentities = writes.movedIdentities.compactMap { key in changes.owners[key].flatMap { $0 }.map { (key, $0) } }
        if !movedIdentities.isEmpty {
            // An upsert for the same reason as profiles: the identifier may be the previous group's.
            try await connection.query("""
                INSERT INTO identity (account_id, kind, value, profile_id)
                SELECT * FROM unnest(\(movedIdentities.map { Int64($0.0.accountID) }), \(movedIdentities.map { Int16($0.0.kind.rawValue) }),
                    \(movedIdentities.map(\.0.value)), \(movedIdentities.map { Int64($0.1) }))
                ON CONFLICT (account_id, kind, value) DO UPDATE SET profile_id = EXCLUDED.profile_id
                """, logger: logger)
        }

        if !writes.merges.isEmpty {
            let merges = writes.merges
            try await connection.query("""
                INSERT INTO merge (account_id, id, survivor, merged, position, at)
                SELECT * FROM unnest(\(merges.map { Int64($0.accountID) }), \(merges.map { Int64($0.id) }), \(merges.map { Int64($0.survivor) }),
                    \(merges.map { Int64($0.merged) }), \(merges.map { Int64($0.position) }), \(merges.map { $0.at.timeIntervalSince1970 }))
                """, logger: logger)
        }

        if !writes.customMetrics.isEmpty {
            let metrics = writes.customMetrics
            try await connection.query("""
                INSERT INTO custom_metric (account_id, id, name, body)
                SELECT * FROM unnest(\(metrics.map { Int64($0.0.accountID) }), \(metrics.map { Int64($0.0.id) }), \(metrics.map(\.0.name)),
                    \(metrics.map { ByteBuffer(bytes: $0.body) }))
                """, logger: logger)
        }

        if !writes.log.isEmpty {
            let log = writes.log
            try await connection.query("""
                INSERT INTO log (account_id, position, kind, body)
                SELECT * FROM unnest(\(log.map { Int64($0.accountID) }), \(log.map { Int64($0.position) }), \(log.map { Int16($0.kind.rawValue) }),
                    \(log.map { ByteBuffer(bytes: $0.body) }))
                """, logger: logger)
        }
    }
}
