import Foundation
public import SextantContracts
import SextantWire

/// The month-end active-profile counts of a run of months, from the account's (profile, month)
/// rows in month order: a profile active in month m counts in months m ... m + lookBack − 1.
struct ActiveProfileSeries: Sendable {
    let months: ClosedRange<Int>
    let lookBackMonths: Int
    private var difference: [Int]
    /// Rows come month by month, so each profile's months arrive in ascending order: counting a
    /// profile in months low...high only past the last month it was counted in counts it once.
    private var coveredThrough: [Int64: Int] = [:]

    init(months: ClosedRange<Int>, lookBackMonths: Int) {
        self.months = months
        self.lookBackMonths = lookBackMonths
        self.difference = [Int](repeating: 0, count: months.count + 1)
    }

    /// The months whose rows the counts need.
    var rowMonths: ClosedRange<Int> { (self.months.lowerBound - self.lookBackMonths + 1)...self.months.upperBound }

    mutating func add(profile: Int64, month: Int) {
        let low = max(month, (self.coveredThrough[profile] ?? self.months.lowerBound - 1) + 1)
        let high = min(month + self.lookBackMonths - 1, self.months.upperBound)
        guard low <= high else { return }
        self.difference[low - self.months.lowerBound] += 1
        self.difference[high - self.months.lowerBound + 1] -= 1
        self.coveredThrough[profile] = high
    }

    /// One count per month of ``months``.
    var counts: [Int] {
        var counts: [Int] = []
        counts.reserveCapacity(self.months.count)
        var running = 0
        for offset in 0..<self.months.count {
            running += self.difference[offset]
            counts.append(running)
        }
        return counts
    }
}

/// What applying log entries does to billing's tables, worked out in memory so that the rules
/// are written once and each database only executes the result (``BillingBackend``).
enum BillingOperation {
    /// Widen (or create) each row's span: first = min, last = max.
    case activity([ActivityRow])
    /// Record `merged` → `survivor` (both roots) and move the merged profile's months to the
    /// survivor, widening the survivor's rows where both have a month.
    case merge(account: UInt64, merged: UInt64, survivor: UInt64)
    /// Register the account, or update its time zone and currency; `startingPlan` is recorded
    /// only when the account is new (billing owns the plan afterwards).
    case account(AccountRow, startingPlan: PlanChangeRow)
}

/// One `profile_months` row: the earliest and latest event instant of a profile in a local month.
struct ActivityRow: Sendable {
    var account: UInt64
    var profile: UInt64
    var month: Int
    /// Seconds since 2001-01-01T00:00:00Z.
    var first: Double
    var last: Double
}

struct AccountRow: Sendable {
    var id: UInt64
    var timeZone: String
    var currency: String
    /// Seconds since 2001-01-01T00:00:00Z.
    var createdAt: Double
}

/// One `plan_changes` row. `tier` nil: the email plan alone.
struct PlanChangeRow: Sendable {
    var effective: Double
    var tierLimit: Int64?
    var tierPriceMinor: Int64?
    var requestedAt: Double
}

/// The counting window of an active-profile count: months `months` (indexes in the account's
/// time zone), where the first month counts only events at or after `since` and the last only
/// those at or before `until` (seconds since 2001-01-01; the whole months when absent).
struct ActiveWindow: Sendable {
    var months: ClosedRange<Int>
    var since: Double?
    var until: Double?
}

/// What an answer needs of an account's activity.
enum ActivityRequest: Sendable {
    /// Distinct profiles with an event in the window.
    case activeProfiles(ActiveWindow)
    /// The series, with every (profile, month) row it needs added in month order.
    case series(ActiveProfileSeries)
}

enum ActivityAnswer: Sendable {
    case activeProfiles(Int)
    case series(ActiveProfileSeries)
}

/// What `ChangePlan` asks of the account it read: the active profiles first, or a row to record.
enum PlanDecision: Sendable {
    case countActiveProfiles(ActiveWindow)
    case record(PlanChangeRow)
}

/// The apply rules and what they keep in memory between batches: account time zones (with
/// their month indexers) and profile merges, both also in the database. Used by one writer at a
/// time (the backend's write transaction); after a transaction that did not commit the backend
/// calls ``invalidate()`` and loads it again before the next.
final class BillingApplyPlanner: @unchecked Sendable {
    private(set) var loaded = false
    private var timeZones: [UInt64: MonthIndexer] = [:]
    private var survivors: [UInt64: [UInt64: UInt64]] = [:]
    private let utc = MonthIndexer(timeZone: TimeZone(identifier: "UTC")!)
    private let decoder = WireDecoder()
    let prices: PriceList

    private struct ActivityKey: Hashable {
        var account: UInt64
        var profile: UInt64
        var month: Int
    }

    init(prices: PriceList) {
        self.prices = prices
    }

    /// Replaces the memory with what the database holds.
    func load(timeZones: [(account: UInt64, timeZone: String)], merges: [(account: UInt64, merged: UInt64, survivor: UInt64)]) {
        self.timeZones = [:]
        for (account, name) in timeZones { self.timeZones[account] = MonthIndexer(timeZone: BillingStore.timeZone(named: name)) }
        self.survivors = [:]
        for (account, merged, survivor) in merges { self.survivors[account, default: [:]][merged] = survivor }
        self.loaded = true
    }

    /// The memory may be ahead of the database (a transaction that did not commit).
    func invalidate() { self.loaded = false }

    /// The operations for `entries` after position `applied`, in order, and the last position
    /// they cover. Updates the memory as it goes (the caller invalidates it if they do not commit).
    /// Entries at or before `applied` are ignored; positions must increase.
    func plan(_ entries: [LogEntry], after applied: UInt64) throws -> (operations: [BillingOperation], last: UInt64) {
        precondition(self.loaded, "load the planner before planning")
        var operations: [BillingOperation] = []
        var pending: [ActivityKey: (first: Double, last: Double)] = [:]
        func flush() {
            guard !pending.isEmpty else { return }
            // In key order: neighbouring rows share pages.
            let rows = pending.map { ActivityRow(account: $0.key.account, profile: $0.key.profile, month: $0.key.month, first: $0.value.first, last: $0.value.last) }
                .sorted { ($0.account, $0.month, $0.profile) < ($1.account, $1.month, $1.profile) }
            operations.append(.activity(rows))
            pending.removeAll(keepingCapacity: true)
        }
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
                if let span = pending[key] {
                    pending[key] = (min(span.first, fields.time), max(span.last, fields.time))
                } else {
                    pending[key] = (fields.time, fields.time)
                }
            case .merge:
                let merge = try self.decoder.decode(ProfileMerge.self, from: entry.body)
                let mergedRoot = self.survivor(of: merge.merged, account: entry.accountID)
                let survivorRoot = self.survivor(of: merge.survivor, account: entry.accountID)
                guard mergedRoot != survivorRoot else { continue }
                // The activity so far lands first, so the merge moves it too.
                flush()
                operations.append(.merge(account: entry.accountID, merged: mergedRoot, survivor: survivorRoot))
                self.survivors[entry.accountID, default: [:]][mergedRoot] = survivorRoot
            case .account:
                let account = try self.decoder.decode(Account.self, from: entry.body)
                operations.append(self.register(account, accountID: entry.accountID))
            case .profile, .customMetric:
                break
            }
        }
        flush()
        return (operations, last)
    }

    private func survivor(of profile: UInt64, account: UInt64) -> UInt64 {
        guard let merges = self.survivors[account] else { return profile }
        var current = profile
        while let next = merges[current] { current = next }
        return current
    }

    /// The account's row, and the plan it starts with if it is new: Marketing Analytics at the
    /// smallest tier of the price list, or the email plan, from the start of its creation day.
    private func register(_ account: Account, accountID: UInt64) -> BillingOperation {
        let timeZone = BillingStore.timeZone(named: account.timeZone)
        let createdAt = account.createdAt.timeIntervalSinceReferenceDate
        let tier: Tier? = account.plan == .marketingAnalytics ? self.prices.marketingAnalyticsTiers.smallest : nil
        let effective = BillingStore.startOfDay(account.createdAt, in: timeZone)
        if self.timeZones[accountID]?.timeZone != timeZone {
            self.timeZones[accountID] = MonthIndexer(timeZone: timeZone)
        }
        return .account(
            AccountRow(id: accountID, timeZone: account.timeZone, currency: account.currency, createdAt: createdAt),
            startingPlan: PlanChangeRow(
                effective: effective.timeIntervalSinceReferenceDate, tierLimit: tier.map { Int64($0.activeProfileLimit) },
                tierPriceMinor: tier?.monthlyPrice.minorUnits, requestedAt: createdAt))
    }
}

/// Where billing's state lives: the reads and writes ``BillingStore`` needs, once per database.
protocol BillingBackend: Sendable {
    /// The last applied log position (0 before any).
    func appliedPosition() async throws -> UInt64
    /// Applies `entries` (those after the stored position) with `planner`, in one transaction
    /// with the position.
    func apply(_ entries: [LogEntry], planner: BillingApplyPlanner) async throws
    /// The account with its plan changes, or `BillingError.accountNotFound`.
    func account(_ id: UInt64) async throws -> BillingAccount
    /// The account and, read from the same snapshot, what `request` asks of its activity once it
    /// has checked the request against the account (it may throw).
    func accountWithActivity(
        accountID: UInt64, _ request: @escaping @Sendable (BillingAccount) throws -> ActivityRequest
    ) async throws -> (BillingAccount, ActivityAnswer)
    /// From one snapshot: the account, its active profiles in the window `window` gives for it,
    /// and the applied position.
    func usage(accountID: UInt64, window: @escaping @Sendable (BillingAccount) -> ActiveWindow) async throws -> (BillingAccount, Int, UInt64)
    /// In one transaction that excludes concurrent plan changes of the account: reads it, asks
    /// `decide` (again with the active-profile count if it asks for one), records the row it
    /// returns, and returns the account as it now is.
    func changePlan(accountID: UInt64, decide: @escaping @Sendable (BillingAccount, Int?) throws -> PlanDecision) async throws -> BillingAccount
    func close() async
}
