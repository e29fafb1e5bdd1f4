import Foundation
import Logging
import PostgresNIO
import SextantContracts
import SextantPostgres
import Synchronization

/// billing's state in a PostgreSQL schema (``BillingSchema/postgresMigrations``).
///
/// A batch is applied in one transaction with the cursor, under a transaction-level advisory
/// lock on the schema, so batches apply one at a time even from two processes; the planner's
/// memory (time zones, merges) is read again whenever the cursor is not where this process
/// left it. Reads use the pool; a usage answer reads in one snapshot, and a plan change locks
/// its account's row, so two changes of one account never decide on the same state.
final class PostgresBillingBackend: BillingBackend {
    let store: PostgresStore
    /// The position the planner's memory reflects (nil: not loaded).
    private let plannedThrough = Mutex<UInt64?>(nil)

    init(store: PostgresStore) {
        self.store = store
    }

    private var logger: Logger { self.store.logger }

    func appliedPosition() async throws -> UInt64 {
        // One statement: no transaction needed.
        try await self.store.withConnection { try await PostgresLogCursor.read($0, logger: self.logger) }
    }

    func apply(_ entries: [LogEntry], planner: BillingApplyPlanner) async throws {
        let logger = self.logger
        let lock = "sextant-billing-apply:" + self.store.settings.schema
        do {
            let last = try await self.store.transaction { connection -> UInt64? in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lock)))", logger: logger)
                let applied = try await PostgresLogCursor.read(connection, logger: logger)
                // All applied already (by another process following the same log): nothing to do.
                guard let newest = entries.last?.position, newest > applied else { return nil }
                // Another process may have applied entries since: its effects are not in memory.
                if !planner.loaded || self.plannedThrough.withLock({ $0 }) != applied {
                    try await Self.load(planner, connection, logger: logger)
                }
                self.plannedThrough.withLock { $0 = nil }
                let (operations, last) = try planner.plan(entries, after: applied)
                for operation in operations { try await Self.execute(operation, connection, logger: logger) }
                if last > applied { try await PostgresLogCursor.advance(connection, to: last, logger: logger) }
                return Optional(last)
            }
            if let last { self.plannedThrough.withLock { $0 = last } }
        } catch {
            planner.invalidate()
            throw error
        }
    }

    private static func load(_ planner: BillingApplyPlanner, _ connection: PostgresConnection, logger: Logger) async throws {
        var zones: [(account: UInt64, timeZone: String)] = []
        for try await (id, zone) in try await connection.query("SELECT id, time_zone FROM accounts", logger: logger).decode((Int64, String).self) {
            zones.append((UInt64(bitPattern: id), zone))
        }
        var merges: [(account: UInt64, merged: UInt64, survivor: UInt64)] = []
        for try await (account, merged, survivor) in try await connection.query(
            "SELECT account_id, merged, survivor FROM profile_merges", logger: logger
        ).decode((Int64, Int64, Int64).self) {
            merges.append((UInt64(bitPattern: account), UInt64(bitPattern: merged), UInt64(bitPattern: survivor)))
        }
        planner.load(timeZones: zones, merges: merges)
    }

    private static func execute(_ operation: BillingOperation, _ connection: PostgresConnection, logger: Logger) async throws {
        switch operation {
        case .activity(let rows):
            // One statement for the batch; its keys are distinct (the planner merged them).
            try await connection.query("""
                INSERT INTO profile_months (account_id, profile_id, month, first_event, last_event)
                SELECT * FROM unnest(\(rows.map { Int64(bitPattern: $0.account) }), \(rows.map { Int64(bitPattern: $0.profile) }),
                    \(rows.map { Int32(clamping: $0.month) }), \(rows.map(\.first)), \(rows.map(\.last)))
                ON CONFLICT (account_id, month, profile_id) DO UPDATE SET
                    first_event = LEAST(profile_months.first_event, EXCLUDED.first_event),
                    last_event = GREATEST(profile_months.last_event, EXCLUDED.last_event)
                """, logger: logger)
        case .merge(let account, let merged, let survivor):
            let accountID = Int64(bitPattern: account)
            let from = Int64(bitPattern: merged)
            let to = Int64(bitPattern: survivor)
            try await connection.query("""
                INSERT INTO profile_merges (account_id, merged, survivor) VALUES (\(accountID), \(from), \(to))
                ON CONFLICT (account_id, merged) DO UPDATE SET survivor = EXCLUDED.survivor
                """, logger: logger)
            try await connection.query("""
                INSERT INTO profile_months (account_id, profile_id, month, first_event, last_event)
                SELECT account_id, \(to), month, first_event, last_event FROM profile_months WHERE account_id = \(accountID) AND profile_id = \(from)
                ON CONFLICT (account_id, month, profile_id) DO UPDATE SET
                    first_event = LEAST(profile_months.first_event, EXCLUDED.first_event),
                    last_event = GREATEST(profile_months.last_event, EXCLUDED.last_event)
                """, logger: logger)
            try await connection.query("DELETE FROM profile_months WHERE account_id = \(accountID) AND profile_id = \(from)", logger: logger)
        case .account(let account, let startingPlan):
            let id = Int64(bitPattern: account.id)
            var known = false
            for try await _ in try await connection.query("SELECT 1 FROM accounts WHERE id = \(id)", logger: logger) { known = true }
            if known {
                try await connection.query(
                    "UPDATE accounts SET time_zone = \(account.timeZone), currency = \(account.currency) WHERE id = \(id)", logger: logger)
            } else {
                try await connection.query("""
                    INSERT INTO accounts (id, time_zone, currency, created_at) VALUES (\(id), \(account.timeZone), \(account.currency), \(account.createdAt))
                    """, logger: logger)
                try await Self.record(startingPlan, accountID: id, connection, logger: logger)
            }
        }
    }

    private static func record(_ change: PlanChangeRow, accountID: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO plan_changes (account_id, effective, tier_limit, tier_price_minor, requested_at)
            VALUES (\(accountID), \(change.effective), \(change.tierLimit), \(change.tierPriceMinor), \(change.requestedAt))
            """, logger: logger)
    }

    // MARK: Reading

    func account(_ id: UInt64) async throws -> BillingAccount {
        let logger = self.logger
        return try await self.store.transaction { connection in
            // The account and its plan changes from one snapshot.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            return try await Self.account(id, connection, logger: logger, forUpdate: false)
        }
    }

    private static func account(_ id: UInt64, _ connection: PostgresConnection, logger: Logger, forUpdate: Bool) async throws -> BillingAccount {
        let key = Int64(bitPattern: id)
        var found: (String, String, Double)?
        let locking: PostgresQuery = forUpdate
            ? "SELECT time_zone, currency, created_at FROM accounts WHERE id = \(key) FOR UPDATE"
            : "SELECT time_zone, currency, created_at FROM accounts WHERE id = \(key)"
        for try await row in try await connection.query(locking, logger: logger).decode((String, String, Double).self) { found = row }
        guard let (timeZone, currency, createdAt) = found else { throw BillingError.accountNotFound(id) }
        var changes: [BillingAccount.Change] = []
        for try await (effective, limit, price, requested) in try await connection.query("""
            SELECT effective, tier_limit, tier_price_minor, requested_at FROM plan_changes WHERE account_id = \(key) ORDER BY effective, id
            """, logger: logger).decode((Double, Int64?, Int64?, Double).self) {
            changes.append(BillingAccount.Change(effective: effective, tierLimit: limit, tierPriceMinor: price, requestedAt: requested))
        }
        return BillingAccount(id: id, timeZone: timeZone, currency: currency, createdAt: createdAt, changes: changes)
    }

    func accountWithActivity(
        accountID: UInt64, _ request: @escaping @Sendable (BillingAccount) throws -> ActivityRequest
    ) async throws -> (BillingAccount, ActivityAnswer) {
        let logger = self.logger
        return try await self.store.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let account = try await Self.account(accountID, connection, logger: logger, forUpdate: false)
            switch try request(account) {
            case .activeProfiles(let window):
                return (account, .activeProfiles(try await Self.activeProfiles(accountID: accountID, in: window, connection, logger: logger)))
            case .series(let series):
                return (account, .series(try await Self.activity(accountID: accountID, into: series, connection, logger: logger)))
            }
        }
    }

    private static func activeProfiles(accountID: UInt64, in window: ActiveWindow, _ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let first = Int32(clamping: window.months.lowerBound)
        let last = Int32(clamping: window.months.upperBound)
        let since = window.since ?? -Double.infinity
        let until = window.until ?? Double.infinity
        for try await count in try await connection.query("""
            SELECT COUNT(DISTINCT profile_id) FROM profile_months
            WHERE account_id = \(Int64(bitPattern: accountID)) AND month BETWEEN \(first) AND \(last)
              AND (month > \(first) OR last_event >= \(since)) AND (month < \(last) OR first_event <= \(until))
            """, logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    private static func activity(
        accountID: UInt64, into series: ActiveProfileSeries, _ connection: PostgresConnection, logger: Logger
    ) async throws -> ActiveProfileSeries {
        var series = series
        let months = series.rowMonths
        for try await (profile, month) in try await connection.query("""
            SELECT profile_id, month FROM profile_months
            WHERE account_id = \(Int64(bitPattern: accountID)) AND month BETWEEN \(Int32(clamping: months.lowerBound)) AND \(Int32(clamping: months.upperBound))
            ORDER BY month
            """, logger: logger).decode((Int64, Int32).self) {
            series.add(profile: profile, month: Int(month))
        }
        return series
    }

    func usage(accountID: UInt64, window: @escaping @Sendable (BillingAccount) -> ActiveWindow) async throws -> (BillingAccount, Int, UInt64) {
        let logger = self.logger
        return try await self.store.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let account = try await Self.account(accountID, connection, logger: logger, forUpdate: false)
            let active = try await Self.activeProfiles(accountID: accountID, in: window(account), connection, logger: logger)
            return (account, active, try await PostgresLogCursor.read(connection, logger: logger))
        }
    }

    func changePlan(accountID: UInt64, decide: @escaping @Sendable (BillingAccount, Int?) throws -> PlanDecision) async throws -> BillingAccount {
        let logger = self.logger
        return try await self.store.transaction { connection in
            let account = try await Self.account(accountID, connection, logger: logger, forUpdate: true)
            var decision = try decide(account, nil)
            if case .countActiveProfiles(let window) = decision {
                decision = try decide(account, try await Self.activeProfiles(accountID: accountID, in: window, connection, logger: logger))
            }
            guard case .record(let change) = decision else { preconditionFailure("a plan decision with the count must record a change") }
            try await Self.record(change, accountID: Int64(bitPattern: accountID), connection, logger: logger)
            return try await Self.account(accountID, connection, logger: logger, forUpdate: false)
        }
    }

    func close() async {
        await self.store.close()
    }
}
