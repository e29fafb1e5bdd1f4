public import Foundation
public import GRDB
public import SextantContracts
public import SextantLogFollower
public import SextantStore
import SextantWire

/// billing-service's state: accounts, plan changes and profile activity, built from the ingest
/// log (`LogApplier`) and queried by the handlers (see `BillingStore+Queries.swift`).
///
/// **Activity.** Only `event` entries count (profile upserts do not). Each event adds its local
/// month (account time zone) to the profile's `profile_months` row set, widening that month's
/// earliest/latest event instants: max/min and set semantics, so late and out-of-order events
/// (historic imports) give the same state as in-order ones. Merges move the merged profile's
/// months to the survivor, and later events naming the merged profile go to the survivor.
///
/// **Accounts and plans.** An account entry registers the account; its first appearance also
/// records the starting plan from `Account.plan` (Marketing Analytics: the smallest tier of the
/// configured table; email: the email plan alone), effective from the start of the creation day.
/// Later account entries update the time zone and currency, never the plan: billing owns it.
public final class BillingStore: LogApplier, Sendable {
    public let database: DatabasePool
    public let prices: PriceList
    /// Months of the look-back window (default 12).
    public let lookBackMonths: Int
    /// The clock; tests inject one.
    public let now: @Sendable () -> Date
    private let writer = WriterState()

    /// Wraps an open database (migrated with ``BillingSchema/migrations``).
    public init(database: DatabasePool, prices: PriceList = .defaults, lookBackMonths: Int = 12, now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(lookBackMonths >= 1, "the look-back window is at least one month")
        self.database = database
        self.prices = prices
        self.lookBackMonths = lookBackMonths
        self.now = now
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public convenience init(
        path: String, durability: Durability = .full, prices: PriceList = .defaults, lookBackMonths: Int = 12,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let database = try SQLiteStore.open(path: path, durability: durability, migrations: BillingSchema.migrations)
        self.init(database: database, prices: prices, lookBackMonths: lookBackMonths, now: now)
    }

    // MARK: LogApplier

    public func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    /// Applies `entries` in one write transaction with the cursor. Entries at or before the
    /// stored position are ignored (an overlapping resubscription never counts anything twice);
    /// positions within a batch must increase.
    public func apply(_ entries: [LogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let writer = self.writer
        let prices = self.prices
        try await self.database.write { db in
            try writer.apply(entries, db: db, prices: prices)
        }
    }
}

/// What the writer keeps in memory between batches: account time zones (with their month
/// indexers) and profile merges, both also in the database. Touched only inside write
/// transactions, which GRDB runs one at a time; a transaction that rolls back marks it stale and
/// the next one reloads it from the database.
private final class WriterState: @unchecked Sendable {
    private var loaded = false
    private var timeZones: [UInt64: MonthIndexer] = [:]
    private var survivors: [UInt64: [UInt64: UInt64]] = [:]
    private var utc = MonthIndexer(timeZone: TimeZone(identifier: "UTC")!)
    private let decoder = WireDecoder()

    private struct ActivityKey: Hashable {
        var account: UInt64
        var profile: UInt64
        var month: Int
    }
    private var pending: [ActivityKey: (first: Double, last: Double)] = [:]

    func apply(_ entries: [LogEntry], db: Database, prices: PriceList) throws {
        if !self.loaded { try self.reload(db) }
        self.loaded = false
        self.pending.removeAll(keepingCapacity: true)
        db.afterNextTransaction(onCommit: { _ in self.loaded = true }, onRollback: { _ in self.loaded = false })

        let applied = try LogCursor.read(db)
        var previous = applied
        var last = applied
        for entry in entries where entry.position > applied {
            guard entry.position > previous else {
                throw BillingError.invalid("log entry \(entry.position) follows \(previous): positions must increase")
            }
            previous = entry.position
            last = entry.position
            switch entry.kind {
            case .event:
                let fields = try EventFields.of(entry, decoder: self.decoder)
                guard EventFields.plausibleTimes.contains(fields.time) else {
                    throw BillingError.invalid("log entry \(entry.position): event time \(fields.time) s after 2001-01-01 is outside the years 1 to 9999")
                }
                let profile = self.survivor(of: fields.profileID, account: entry.accountID)
                let indexer = self.timeZones[entry.accountID] ?? self.utc
                let key = ActivityKey(account: entry.accountID, profile: profile, month: indexer.monthIndex(of: fields.time))
                if let span = self.pending[key] {
                    self.pending[key] = (min(span.first, fields.time), max(span.last, fields.time))
                } else {
                    self.pending[key] = (fields.time, fields.time)
                }
            case .merge:
                let merge = try self.decoder.decode(ProfileMerge.self, from: entry.body)
                try self.flush(db)
                try self.merge(merge.merged, into: merge.survivor, account: entry.accountID, db: db)
            case .account:
                let account = try self.decoder.decode(Account.self, from: entry.body)
                try self.register(account, accountID: entry.accountID, db: db, prices: prices)
            case .profile, .customMetric:
                break
            }
        }
        try self.flush(db)
        if last > applied { try LogCursor.advance(db, to: last) }
    }

    private func reload(_ db: Database) throws {
        self.timeZones = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, time_zone FROM accounts") {
            let id = UInt64(bitPattern: row[0] as Int64)
            self.timeZones[id] = MonthIndexer(timeZone: BillingStore.timeZone(named: row[1]))
        }
        self.survivors = [:]
        for row in try Row.fetchAll(db, sql: "SELECT account_id, merged, survivor FROM profile_merges") {
            let account = UInt64(bitPattern: row[0] as Int64)
            self.survivors[account, default: [:]][UInt64(bitPattern: row[1] as Int64)] = UInt64(bitPattern: row[2] as Int64)
        }
    }

    private func survivor(of profile: UInt64, account: UInt64) -> UInt64 {
        guard let merges = self.survivors[account] else { return profile }
        var current = profile
        while let next = merges[current] { current = next }
        return current
    }

    /// Writes the batch's accumulated activity: one upsert per (account, profile, month).
    private func flush(_ db: Database) throws {
        guard !self.pending.isEmpty else { return }
        let upsert = RawStatement(try db.cachedStatement(sql: """
            INSERT INTO profile_months (account_id, profile_id, month, first_event, last_event) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_id, month, profile_id) DO UPDATE SET
                first_event = min(first_event, excluded.first_event),
                last_event = max(last_event, excluded.last_event)
            """))
        // In key order: neighbouring rows share pages.
        let ordered = self.pending.sorted { ($0.key.account, $0.key.month, $0.key.profile) < ($1.key.account, $1.key.month, $1.key.profile) }
        for (key, span) in ordered {
            try upsert.run { row in
                row.bind(1, key.account)
                row.bind(2, key.profile)
                row.bind(3, Int64(key.month))
                row.bind(4, span.first)
                row.bind(5, span.last)
            }
        }
        self.pending.removeAll(keepingCapacity: true)
    }

    private func merge(_ merged: UInt64, into survivor: UInt64, account: UInt64, db: Database) throws {
        let mergedRoot = self.survivor(of: merged, account: account)
        let survivorRoot = self.survivor(of: survivor, account: account)
        guard mergedRoot != survivorRoot else { return }
        let accountID = Int64(bitPattern: account)
        let from = Int64(bitPattern: mergedRoot)
        let to = Int64(bitPattern: survivorRoot)
        try db.execute(
            sql: "INSERT OR REPLACE INTO profile_merges (account_id, merged, survivor) VALUES (?, ?, ?)",
            arguments: [accountID, from, to])
        // The merged profile's months, one primary-key lookup per month of the account's range.
        if let range = try Row.fetchOne(db, sql: "SELECT min(month), max(month) FROM profile_months WHERE account_id = ?", arguments: [accountID]),
            let first = range[0] as Int?, let last = range[1] as Int?
        {
            let find = try db.cachedStatement(
                sql: "SELECT first_event, last_event FROM profile_months WHERE account_id = ? AND month = ? AND profile_id = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO profile_months (account_id, profile_id, month, first_event, last_event) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id, month, profile_id) DO UPDATE SET
                    first_event = min(first_event, excluded.first_event),
                    last_event = max(last_event, excluded.last_event)
                """)
            let delete = try db.cachedStatement(sql: "DELETE FROM profile_months WHERE account_id = ? AND month = ? AND profile_id = ?")
            for month in first...last {
                guard let row = try Row.fetchOne(find, arguments: [accountID, month, from]) else { continue }
                let firstEvent: Double = row[0]
                let lastEvent: Double = row[1]
                try upsert.execute(arguments: [accountID, to, month, firstEvent, lastEvent])
                try delete.execute(arguments: [accountID, month, from])
            }
        }
        self.survivors[account, default: [:]][mergedRoot] = survivorRoot
    }

    private func register(_ account: Account, accountID: UInt64, db: Database, prices: PriceList) throws {
        let id = Int64(bitPattern: accountID)
        let timeZone = BillingStore.timeZone(named: account.timeZone)
        let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM accounts WHERE id = ?", arguments: [id]) ?? false
        if known {
            try db.execute(
                sql: "UPDATE accounts SET time_zone = ?, currency = ? WHERE id = ?",
                arguments: [account.timeZone, account.currency, id])
        } else {
            let createdAt = account.createdAt.timeIntervalSinceReferenceDate
            try db.execute(
                sql: "INSERT INTO accounts (id, time_zone, currency, created_at) VALUES (?, ?, ?, ?)",
                arguments: [id, account.timeZone, account.currency, createdAt])
            let tier: Tier? = account.plan == .marketingAnalytics ? prices.marketingAnalyticsTiers.smallest : nil
            let effective = BillingStore.startOfDay(account.createdAt, in: timeZone)
            try db.execute(
                sql: """
                    INSERT INTO plan_changes (account_id, effective, tier_limit, tier_price_minor, requested_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, effective.timeIntervalSinceReferenceDate, tier.map { Int64($0.activeProfileLimit) },
                    tier?.monthlyPrice.minorUnits, createdAt,
                ])
        }
        if self.timeZones[accountID]?.timeZone != timeZone {
            self.timeZones[accountID] = MonthIndexer(timeZone: timeZone)
        }
    }
}

extension BillingStore {
    /// The account's zone; an unknown name (ingest validates them, so only old data) is UTC.
    static func timeZone(named name: String) -> TimeZone {
        TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")!
    }

    static func startOfDay(_ instant: Date, in timeZone: TimeZone) -> Date {
        Calendar.gregorian(in: timeZone).startOfDay(for: instant)
    }
}
