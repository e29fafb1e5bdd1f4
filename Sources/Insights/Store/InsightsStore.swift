import Foundation
public import GRDB
public import SextantContracts
public import SextantLogFollower
public import SextantStore
import SextantWire

/// Hub-attributed revenue of one local day in one currency, in minor units.
public struct HubRevenueDay: Sendable, Hashable {
    public var day: LocalDay
    /// ISO 4217.
    public var currency: String
    public var minorUnits: Int64

    public init(day: LocalDay, currency: String, minorUnits: Int64) {
        self.day = day
        self.currency = currency
        self.minorUnits = minorUnits
    }
}

/// Hub-attributed revenue per local day for one account and an inclusive day range:
/// attribution-service's `RevenueByDay` (`sextant.attribution.v1.Attribution`; see
/// ``InsightsService/attributionRevenue(client:options:)``), injected so that the store can be
/// tested without it. The dashboard sums the rows inside the range in the account's currency;
/// days without a row count 0; rows in another currency (from before a currency change) are
/// left out, never converted.
public typealias HubRevenueByDay = @Sendable (_ accountID: UInt64, _ range: DayRange) async throws -> [HubRevenueDay]

/// insights-service's Customer Hub state, built from the ingest log (`LogApplier`) as it arrives
/// and read by ``dashboard(accountID:period:comparison:now:revenue:)``.
///
/// **What is aggregated.** Only `event` and `account`/`merge` entries matter. Each event goes to
/// the local day of its `time` in the account's time zone as known when it is applied:
/// - `Hub Tracked Order`, `Hub Started Return`, `Hub Applied Coupon`, `Hub Clicked Help`,
///   `Hub Started Chat`: +1 on (account, day, type);
/// - `Hub Opened`: the (account, day, profile) row of `hub_openers`, and the profile's Hub account;
/// - `Hub Created Account`: the profile's Hub account (its first day is the earliest such day);
/// - `Placed Order` with the property `logged_in` equal to JSON `true`: +1 order and +value
///   (exact decimal; no value adds 0) on (account, day).
/// Sums and set semantics make late and out-of-order events give the same state as in-order
/// ones. Entries at or before the stored cursor are skipped, so re-applying changes nothing.
///
/// **Merges** move the merged profile's opener days and Hub account (keeping the earlier first
/// day) to the survivor, and later events naming the merged profile go to the survivor: active
/// and total accounts count each customer once. Daily interaction and order counters are not
/// per profile and are unchanged by a merge.
///
/// **Not recounted.** A change of the account's time zone applies to events applied after it;
/// days already aggregated keep the zone they were counted in (rebuild from the log to re-bucket).
public final class InsightsStore: LogApplier, Sendable {
    public let database: DatabasePool
    /// Active accounts by range, in memory, derived from `hub_openers` (see ``OpenerIndex``).
    let openers = OpenerIndex()

    /// Wraps an open database (migrated with ``InsightsSchema/migrations``) and builds the
    /// in-memory opener index from it (one ordered read of `hub_openers`).
    public init(database: DatabasePool) throws {
        self.database = database
        try database.read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT account_id, profile_id, day FROM hub_openers ORDER BY account_id, profile_id, day")
            var all: [(account: UInt64, profile: UInt64, day: Int32)] = []
            while let row = try rows.next() {
                all.append((UInt64(bitPattern: row[0]), UInt64(bitPattern: row[1]), Int32(clamping: row[2] as Int64)))
            }
            self.openers.rebuild(all)
        }
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public convenience init(path: String, durability: Durability = .full) throws {
        try self.init(database: try SQLiteStore.open(path: path, durability: durability, migrations: InsightsSchema.migrations))
    }

    // MARK: LogApplier

    public func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    /// Applies `entries` in one write transaction with the cursor; entries at or before the
    /// cursor are ignored; positions within a batch must increase.
    public func apply(_ entries: [LogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let changes = try await self.database.write { db in
            var batch = Batch()
            try batch.apply(entries, db: db)
            return batch.openerChanges
        }
        // After the commit: the index never shows what the database does not hold.
        self.openers.apply(changes)
    }
}

/// One batch's work inside its write transaction.
private struct Batch {
    struct DayKey: Hashable { var account: UInt64; var day: Int }
    struct InteractionKey: Hashable { var account: UInt64; var day: Int; var interaction: UInt8 }

    let decoder = WireDecoder()
    var zones: [UInt64: TimeZone] = [:]
    var interactions: [InteractionKey: Int64] = [:]
    var orders: [DayKey: (count: Int64, value: Decimal)] = [:]
    struct OpenerKey: Hashable { var account: UInt64; var day: Int; var profile: UInt64 }
    struct ProfileKey: Hashable { var account: UInt64; var profile: UInt64 }
    var openers: Set<OpenerKey> = []
    var hubAccounts: [ProfileKey: Int] = [:]
    var survivors: [ProfileKey: UInt64] = [:]
    /// What the committed batch changes in the in-memory ``OpenerIndex``, in order.
    var openerChanges: [OpenerIndex.Change] = []
    static let utc = TimeZone(identifier: "UTC")!
    static let interactionByMetric: [String: HubInteraction] = Dictionary(
        uniqueKeysWithValues: HubInteraction.allCases.map { ($0.metric, $0) })
    /// The metrics ``event(_:account:db:)`` uses; events of any other metric are skipped unread.
    static let usedMetrics: Set<String> = Set(HubInteraction.allCases.map(\.metric)).union(["Hub Opened", "Hub Created Account", "Placed Order"])

    mutating func apply(_ entries: [LogEntry], db: Database) throws {
        let applied = try LogCursor.read(db)
        for row in try Row.fetchAll(db, sql: "SELECT id, time_zone FROM accounts") {
            self.zones[UInt64(bitPattern: row[0] as Int64)] = TimeZone(identifier: row[1] as String) ?? Self.utc
        }
        var previous = applied
        for entry in entries where entry.position > applied {
            guard entry.position > previous else {
                throw InsightsError.badEntry("log entry \(entry.position) follows \(previous): positions must increase")
            }
            previous = entry.position
            switch entry.kind {
            case .event:
                // Most events are not Hub events or orders: read their metric only.
                let metric = try LoggedEvent.metric(ofBody: entry.body)
                guard Self.usedMetrics.contains(metric) else { continue }
                try self.event(try self.decoder.decode(LoggedEvent.self, from: entry.body), account: entry.accountID, db: db)
            case .account:
                let account = try self.decoder.decode(Account.self, from: entry.body)
                try db.execute(
                    sql: """
                        INSERT INTO accounts (id, time_zone, currency, hub_active) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, currency = excluded.currency,
                            hub_active = excluded.hub_active
                        """,
                    arguments: [Int64(bitPattern: entry.accountID), account.timeZone, account.currency, account.customerHubActive])
                self.zones[entry.accountID] = TimeZone(identifier: account.timeZone) ?? Self.utc
            case .merge:
                let merge = try self.decoder.decode(ProfileMerge.self, from: entry.body)
                try self.merge(merge.merged, into: merge.survivor, account: entry.accountID, db: db)
            case .profile, .customMetric:
                break
            }
        }
        try self.flush(db)
        if previous > applied { try LogCursor.advance(db, to: previous) }
    }

    mutating func event(_ event: LoggedEvent, account: UInt64, db: Database) throws {
        let metric = event.metric
        let isHubAccount = metric == "Hub Opened" || metric == "Hub Created Account"
        let interaction = Self.interactionByMetric[metric]
        let isLoggedInOrder = metric == "Placed Order" && event.properties["logged_in"] == .bool(true)
        guard isHubAccount || interaction != nil || isLoggedInOrder else { return }
        guard event.time.timeIntervalSinceReferenceDate.isFinite, abs(event.time.timeIntervalSince1970) < 1e11 else {
            throw InsightsError.badEntry("log entry \(event.position): implausible event time")
        }
        let day = LocalDay(instant: event.time, timeZone: self.zones[account] ?? Self.utc).number
        if let interaction {
            self.interactions[InteractionKey(account: account, day: day, interaction: interaction.rawValue), default: 0] += 1
        } else if isLoggedInOrder {
            let key = DayKey(account: account, day: day)
            let current = self.orders[key] ?? (0, 0)
            self.orders[key] = (current.count + 1, current.value + (event.value ?? 0))
        } else {
            let profile = try self.survivor(of: event.profileID, account: account, db: db)
            if metric == "Hub Opened" {
                self.openers.insert(OpenerKey(account: account, day: day, profile: profile))
            }
            let key = ProfileKey(account: account, profile: profile)
            self.hubAccounts[key] = min(self.hubAccounts[key] ?? day, day)
        }
    }

    /// Records that `profile` had a Hub account on `day`: its first day becomes the earlier one, and
    /// `hub_account_days` (new Hub accounts per first day) follows.
    static func upsertHubAccount(account: Int64, profile: Int64, day: Int, db: Database) throws {
        let read = try db.cachedStatement(sql: "SELECT first_day FROM hub_accounts WHERE account_id = ? AND profile_id = ?")
        let known = try Int.fetchOne(read, arguments: [account, profile])
        if let known, known <= day { return }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO hub_accounts (account_id, profile_id, first_day) VALUES (?, ?, ?)")
            .execute(arguments: [account, profile, day])
        if let known { try Self.countHubAccount(account: account, day: known, by: -1, db: db) }
        try Self.countHubAccount(account: account, day: day, by: 1, db: db)
    }

    static func countHubAccount(account: Int64, day: Int, by delta: Int64, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO hub_account_days (account_id, day, count) VALUES (?, ?, ?)
            ON CONFLICT (account_id, day) DO UPDATE SET count = count + excluded.count
            """).execute(arguments: [account, day, delta])
    }

    /// The sorted open days of one profile.
    static func openDays(account: Int64, profile: Int64, db: Database) throws -> [Int32] {
        try Int32.fetchAll(
            db.cachedStatement(sql: "SELECT day FROM hub_openers WHERE account_id = ? AND profile_id = ? ORDER BY day"),
            arguments: [account, profile])
    }

    /// The survivor, cached for the batch (merges in the batch clear the cache).
    mutating func survivor(of profile: UInt64, account: UInt64, db: Database) throws -> UInt64 {
        let key = ProfileKey(account: account, profile: profile)
        if let known = self.survivors[key] { return known }
        let found = try Self.survivor(of: profile, account: account, db: db)
        self.survivors[key] = found
        return found
    }

    static func survivor(of profile: UInt64, account: UInt64, db: Database) throws -> UInt64 {
        var current = Int64(bitPattern: profile)
        let find = try db.cachedStatement(sql: "SELECT survivor FROM profile_merges WHERE account_id = ? AND merged = ?")
        while let next = try Int64.fetchOne(find, arguments: [Int64(bitPattern: account), current]) { current = next }
        return UInt64(bitPattern: current)
    }

    mutating func merge(_ merged: UInt64, into survivor: UInt64, account: UInt64, db: Database) throws {
        try self.flush(db)
        self.survivors.removeAll()
        let from = Int64(bitPattern: try Self.survivor(of: merged, account: account, db: db))
        let to = Int64(bitPattern: try Self.survivor(of: survivor, account: account, db: db))
        guard from != to else { return }
        let a = Int64(bitPattern: account)
        try db.execute(
            sql: "INSERT OR REPLACE INTO profile_merges (account_id, merged, survivor) VALUES (?, ?, ?)", arguments: [a, from, to])
        let mergedDays = try Self.openDays(account: a, profile: from, db: db)
        let survivorDays = try Self.openDays(account: a, profile: to, db: db)
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO hub_openers (account_id, day, profile_id)
                    SELECT account_id, day, ? FROM hub_openers WHERE account_id = ? AND profile_id = ?;
                DELETE FROM hub_openers WHERE account_id = ? AND profile_id = ?;
                """,
            arguments: [to, a, from, a, from])
        if !mergedDays.isEmpty {
            self.openerChanges += OpenerIndex.changes(account: account, from: mergedDays, to: [])
            self.openerChanges += OpenerIndex.changes(
                account: account, from: survivorDays, to: Array(Set(survivorDays).union(mergedDays)).sorted())
        }
        if let firstDay = try Int.fetchOne(
            db, sql: "SELECT first_day FROM hub_accounts WHERE account_id = ? AND profile_id = ?", arguments: [a, from])
        {
            try db.execute(sql: "DELETE FROM hub_accounts WHERE account_id = ? AND profile_id = ?", arguments: [a, from])
            try Self.countHubAccount(account: a, day: firstDay, by: -1, db: db)
            try Self.upsertHubAccount(account: a, profile: to, day: firstDay, db: db)
        }
    }

    /// Writes the batch's pending effects: one upsert per key.
    mutating func flush(_ db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO hub_interactions (account_id, day, interaction, count) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_id, day, interaction) DO UPDATE SET count = count + excluded.count
            """)
        for (key, count) in self.interactions {
            try upsert.execute(arguments: [Int64(bitPattern: key.account), key.day, Int64(key.interaction), count])
        }
        let read = try db.cachedStatement(sql: "SELECT orders, value FROM logged_in_orders WHERE account_id = ? AND day = ?")
        let write = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO logged_in_orders (account_id, day, orders, value) VALUES (?, ?, ?, ?)")
        for (key, add) in self.orders {
            let a = Int64(bitPattern: key.account)
            var count = add.count
            var value = add.value
            if let row = try Row.fetchOne(read, arguments: [a, key.day]) {
                count += row[0] as Int64
                value += Decimal(string: row[1] as String, locale: Locale(identifier: "en_US_POSIX")) ?? 0
            }
            try write.execute(arguments: [a, key.day, count, DecimalText.format(value)])
        }
        let opener = try db.cachedStatement(sql: "INSERT OR IGNORE INTO hub_openers (account_id, day, profile_id) VALUES (?, ?, ?)")
        let before = try db.cachedStatement(sql: """
            SELECT day FROM hub_openers WHERE account_id = ? AND profile_id = ? AND day < ? ORDER BY day DESC LIMIT 1
            """)
        let after = try db.cachedStatement(sql: """
            SELECT day FROM hub_openers WHERE account_id = ? AND profile_id = ? AND day > ? ORDER BY day LIMIT 1
            """)
        for key in self.openers {
            let a = Int64(bitPattern: key.account)
            let p = Int64(bitPattern: key.profile)
            try opener.execute(arguments: [a, key.day, p])
            guard db.changesCount == 1 else { continue }
            // A new (profile, day): it follows the profile's previous open day, and the next one
            // (if any, from a late event) now follows it instead.
            let day = Int32(clamping: key.day)
            let previous = try Int32.fetchOne(before, arguments: [a, p, key.day]) ?? OpenerIndex.none
            self.openerChanges.append(OpenerIndex.Change(account: key.account, day: day, previous: previous, added: true))
            if let next = try Int32.fetchOne(after, arguments: [a, p, key.day]) {
                self.openerChanges.append(OpenerIndex.Change(account: key.account, day: next, previous: previous, added: false))
                self.openerChanges.append(OpenerIndex.Change(account: key.account, day: next, previous: day, added: true))
            }
        }
        for (key, day) in self.hubAccounts {
            try Self.upsertHubAccount(account: Int64(bitPattern: key.account), profile: Int64(bitPattern: key.profile), day: day, db: db)
        }
        self.interactions.removeAll()
        self.orders.removeAll()
        self.openers.removeAll()
        self.hubAccounts.removeAll()
    }
}
