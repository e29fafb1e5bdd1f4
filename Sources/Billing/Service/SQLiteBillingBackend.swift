import Foundation
import GRDB
import SextantContracts
import SextantStore

/// billing's state in SQLite (``BillingSchema/migrations``): one write transaction per batch or
/// plan change (GRDB runs them one at a time), reads from WAL snapshots.
final class SQLiteBillingBackend: BillingBackend {
    let database: DatabasePool

    init(database: DatabasePool) {
        self.database = database
    }

    func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    func apply(_ entries: [LogEntry], planner: BillingApplyPlanner) async throws {
        try await self.database.write { db in
            if !planner.loaded { try Self.load(planner, db) }
            // The planner's memory runs ahead of the database until the commit.
            db.afterNextTransaction(onCommit: { _ in }, onRollback: { _ in planner.invalidate() })
            let applied = try LogCursor.read(db)
            let (operations, last) = try planner.plan(entries, after: applied)
            for operation in operations { try Self.execute(operation, db) }
            if last > applied { try LogCursor.advance(db, to: last) }
        }
    }

    private static func load(_ planner: BillingApplyPlanner, _ db: Database) throws {
        let zones = try Row.fetchAll(db, sql: "SELECT id, time_zone FROM accounts").map {
            (account: UInt64(bitPattern: $0[0] as Int64), timeZone: $0[1] as String)
        }
        let merges = try Row.fetchAll(db, sql: "SELECT account_id, merged, survivor FROM profile_merges").map {
            (account: UInt64(bitPattern: $0[0] as Int64), merged: UInt64(bitPattern: $0[1] as Int64), survivor: UInt64(bitPattern: $0[2] as Int64))
        }
        planner.load(timeZones: zones, merges: merges)
    }

    private static let widen = """
        INSERT INTO profile_months (account_id, profile_id, month, first_event, last_event) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (account_id, month, profile_id) DO UPDATE SET
            first_event = min(first_event, excluded.first_event),
            last_event = max(last_event, excluded.last_event)
        """

    private static func execute(_ operation: BillingOperation, _ db: Database) throws {
        switch operation {
        case .activity(let rows):
            let upsert = RawStatement(try db.cachedStatement(sql: Self.widen))
            for row in rows {
                try upsert.run { statement in
                    statement.bind(1, row.account)
                    statement.bind(2, row.profile)
                    statement.bind(3, Int64(row.month))
                    statement.bind(4, row.first)
                    statement.bind(5, row.last)
                }
            }
        case .merge(let account, let merged, let survivor):
            let accountID = Int64(bitPattern: account)
            let from = Int64(bitPattern: merged)
            let to = Int64(bitPattern: survivor)
            try db.execute(
                sql: "INSERT OR REPLACE INTO profile_merges (account_id, merged, survivor) VALUES (?, ?, ?)", arguments: [accountID, from, to])
            // The merged profile's months, one primary-key lookup per month of the account's range.
            guard let range = try Row.fetchOne(db, sql: "SELECT min(month), max(month) FROM profile_months WHERE account_id = ?", arguments: [accountID]),
                let first = range[0] as Int?, let last = range[1] as Int?
            else { return }
            let find = try db.cachedStatement(
                sql: "SELECT first_event, last_event FROM profile_months WHERE account_id = ? AND month = ? AND profile_id = ?")
            let upsert = try db.cachedStatement(sql: Self.widen)
            let delete = try db.cachedStatement(sql: "DELETE FROM profile_months WHERE account_id = ? AND month = ? AND profile_id = ?")
            for month in first...last {
                guard let row = try Row.fetchOne(find, arguments: [accountID, month, from]) else { continue }
                let firstEvent: Double = row[0]
                let lastEvent: Double = row[1]
                try upsert.execute(arguments: [accountID, to, month, firstEvent, lastEvent])
                try delete.execute(arguments: [accountID, month, from])
            }
        case .account(let account, let startingPlan):
            let id = Int64(bitPattern: account.id)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM accounts WHERE id = ?", arguments: [id]) ?? false {
                try db.execute(sql: "UPDATE accounts SET time_zone = ?, currency = ? WHERE id = ?", arguments: [account.timeZone, account.currency, id])
            } else {
                try db.execute(
                    sql: "INSERT INTO accounts (id, time_zone, currency, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, account.timeZone, account.currency, account.createdAt])
                try Self.record(startingPlan, accountID: id, db)
            }
        }
    }

    private static func record(_ change: PlanChangeRow, accountID: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO plan_changes (account_id, effective, tier_limit, tier_price_minor, requested_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [accountID, change.effective, change.tierLimit, change.tierPriceMinor, change.requestedAt])
    }

    // MARK: Reading

    func account(_ id: UInt64) async throws -> BillingAccount {
        try await self.database.read { try Self.account(id, $0) }
    }

    private static func account(_ id: UInt64, _ db: Database) throws -> BillingAccount {
        let key = Int64(bitPattern: id)
        guard let row = try Row.fetchOne(db, sql: "SELECT time_zone, currency, created_at FROM accounts WHERE id = ?", arguments: [key]) else {
            throw BillingError.accountNotFound(id)
        }
        let changes = try Row.fetchAll(
            db, sql: "SELECT effective, tier_limit, tier_price_minor, requested_at FROM plan_changes WHERE account_id = ? ORDER BY effective, id",
            arguments: [key]
        ).map { row in
            BillingAccount.Change(effective: row[0], tierLimit: row[1], tierPriceMinor: row[2], requestedAt: row[3])
        }
        return BillingAccount(id: id, timeZone: row[0], currency: row[1], createdAt: row[2], changes: changes)
    }

    func accountWithActivity(
        accountID: UInt64, _ request: @escaping @Sendable (BillingAccount) throws -> ActivityRequest
    ) async throws -> (BillingAccount, ActivityAnswer) {
        try await self.database.read { db in
            let account = try Self.account(accountID, db)
            switch try request(account) {
            case .activeProfiles(let window):
                return (account, .activeProfiles(try Self.activeProfiles(accountID: accountID, in: window, db)))
            case .series(let series):
                return (account, .series(try Self.activity(accountID: accountID, into: series, db)))
            }
        }
    }

    private static func activeProfiles(accountID: UInt64, in window: ActiveWindow, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(DISTINCT profile_id) FROM profile_months
                WHERE account_id = ?1 AND month BETWEEN ?2 AND ?3
                  AND (month > ?2 OR last_event >= ?4) AND (month < ?3 OR first_event <= ?5)
                """,
            arguments: [
                Int64(bitPattern: accountID), window.months.lowerBound, window.months.upperBound, window.since ?? -Double.infinity,
                window.until ?? Double.infinity,
            ]) ?? 0
    }

    private static func activity(accountID: UInt64, into series: ActiveProfileSeries, _ db: Database) throws -> ActiveProfileSeries {
        var series = series
        let months = series.rowMonths
        let rows = try Row.fetchCursor(
            db, sql: "SELECT profile_id, month FROM profile_months WHERE account_id = ? AND month BETWEEN ? AND ? ORDER BY month",
            arguments: [Int64(bitPattern: accountID), months.lowerBound, months.upperBound])
        while let row = try rows.next() { series.add(profile: row[0], month: row[1]) }
        return series
    }

    func usage(accountID: UInt64, window: @escaping @Sendable (BillingAccount) -> ActiveWindow) async throws -> (BillingAccount, Int, UInt64) {
        try await self.database.read { db in
            let account = try Self.account(accountID, db)
            return (account, try Self.activeProfiles(accountID: accountID, in: window(account), db), try LogCursor.read(db))
        }
    }

    func changePlan(accountID: UInt64, decide: @escaping @Sendable (BillingAccount, Int?) throws -> PlanDecision) async throws -> BillingAccount {
        try await self.database.write { db in
            let account = try Self.account(accountID, db)
            var decision = try decide(account, nil)
            if case .countActiveProfiles(let window) = decision {
                decision = try decide(account, try Self.activeProfiles(accountID: accountID, in: window, db))
            }
            guard case .record(let change) = decision else { preconditionFailure("a plan decision with the count must record a change") }
            try Self.record(change, accountID: Int64(bitPattern: accountID), db)
            return try Self.account(accountID, db)
        }
    }

    func close() async {
        try? self.database.close()
    }
}
