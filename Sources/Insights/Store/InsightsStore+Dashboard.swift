public import Foundation
import GRDB
public import SextantContracts

/// What the aggregates hold for one account over one day range, per day.
struct RangeAggregates {
    var interactions: [Int: [HubInteraction: Int64]] = [:]
    var orders: [Int: (count: Int64, value: Decimal)] = [:]
    var activeAccounts: Int64 = 0
}

extension InsightsStore {
    struct AccountRow {
        var timeZone: String
        var currency: String
        var hubActive: Bool
    }

    /// The Customer Hub dashboard of `accountID` for `request`'s period, as of `now`.
    ///
    /// Latency: every number comes from the per-day aggregates. Interaction and order numbers
    /// read at most 5 + 1 rows per day of the period (and of the comparison period); active
    /// accounts is one binary search per day of the range in the in-memory ``OpenerIndex``, and
    /// total accounts a sum over at most one row per day (`hub_account_days`). Nothing reads
    /// events or counts profiles, so the answer's cost grows with the number of days asked for,
    /// not with the number of events or profiles.
    public func dashboard(
        _ request: CustomerHubDashboardRequest, now: Date, revenue: HubRevenueByDay
    ) async throws -> CustomerHubDashboard {
        let accountID = request.accountID
        let a = Int64(bitPattern: accountID)
        let (account, period, comparison) = try await self.resolve(request, now: now)
        let bucket = Periods.bucketSize(for: period)
        let buckets = Periods.buckets(of: period, size: bucket)

        let (current, previous, totalAccounts) = try await self.database.read { db in
            (
                try self.aggregates(db, account: a, range: period),
                try comparison.map { try self.aggregates(db, account: a, range: $0) },
                try Int64.fetchOne(
                    db, sql: "SELECT coalesce(sum(count), 0) FROM hub_account_days WHERE account_id = ? AND day <= ?",
                    arguments: [a, period.last.number]) ?? 0
            )
        }
        let revenueNow = try await revenue(accountID, period)
        var revenuePrevious: [HubRevenueDay]?
        if let comparison { revenuePrevious = try await revenue(accountID, comparison) }

        func sum(_ days: [HubRevenueDay], in range: DayRange) -> Int64 {
            days.reduce(0) { range.contains($1.day) && $1.currency == account.currency ? $0 + $1.minorUnits : $0 }
        }
        func tile(_ value: Int64, _ previous: Int64?) -> DashboardTile {
            DashboardTile(value: value, previous: previous, percentChange: previous.flatMap { Periods.percentChange(current: value, previous: $0) })
        }
        func interactionTotal(_ aggregates: RangeAggregates, _ type: HubInteraction?) -> Int64 {
            aggregates.interactions.values.reduce(0) { total, day in
                total + (type.map { day[$0] ?? 0 } ?? day.values.reduce(0, +))
            }
        }
        func orderPoint(_ count: Int64, _ value: Decimal) -> OrderValuePoint {
            OrderValuePoint(
                orders: count, revenueMinor: MinorUnits.saturating(value, currency: account.currency),
                averageMinor: count == 0 ? nil : MinorUnits.saturating(value / Decimal(count), currency: account.currency))
        }
        func orderTotal(_ aggregates: RangeAggregates, in range: DayRange? = nil) -> (count: Int64, value: Decimal) {
            aggregates.orders.reduce((Int64(0), Decimal(0))) { total, day in
                if let range, !range.contains(LocalDay(number: day.key)) { return total }
                return (total.0 + day.value.count, total.1 + day.value.value)
            }
        }

        let interactions = HubInteraction.allCases.map { type in
            InteractionSeries(
                interaction: type,
                total: tile(interactionTotal(current, type), previous.map { interactionTotal($0, type) }),
                points: buckets.map { b in
                    (b.first.number...b.last.number).reduce(Int64(0)) { $0 + (current.interactions[$1]?[type] ?? 0) }
                })
        }
        let ordersNow = orderTotal(current)
        let ordersBefore = previous.map { orderTotal($0) }
        var aovChange: Decimal?
        if let ordersBefore, ordersNow.count > 0, ordersBefore.count > 0 {
            aovChange = Periods.percentChange(
                current: ordersNow.value / Decimal(ordersNow.count), previous: ordersBefore.value / Decimal(ordersBefore.count))
        }
        let averageOrderValue = AverageOrderValue(
            period: orderPoint(ordersNow.count, ordersNow.value),
            previous: ordersBefore.map { orderPoint($0.count, $0.value) },
            percentChange: aovChange,
            points: buckets.map { b in
                let t = orderTotal(current, in: b)
                return orderPoint(t.count, t.value)
            })

        return CustomerHubDashboard(
            accountID: accountID, currency: account.currency, timeZone: account.timeZone,
            customerHubActive: account.hubActive, period: period.dates, comparisonPeriod: comparison?.dates,
            bucket: bucket, buckets: buckets.map(\.dates), totalAccounts: totalAccounts,
            serviceInteractions: tile(interactionTotal(current, nil), previous.map { interactionTotal($0, nil) }),
            activeAccounts: tile(current.activeAccounts, previous?.activeAccounts),
            revenueGeneratedMinor: tile(
                sum(revenueNow, in: period), zip(comparison, revenuePrevious).map { sum($0.1, in: $0.0) }),
            revenuePoints: buckets.map { sum(revenueNow, in: $0) },
            interactions: interactions,
            averageOrderValue: averageOrderValue)
    }

    /// The period and comparison period of `request` as of `now`: the account's time zone gives
    /// "today". Throws `accountNotFound` for an account not in the log (yet), `invalid` for a
    /// request that gives neither a preset nor a custom range (or both), or a bad range.
    public func resolvePeriod(_ request: CustomerHubDashboardRequest, now: Date) async throws -> ResolvedPeriod {
        let (account, period, comparison) = try await self.resolve(request, now: now)
        return ResolvedPeriod(period: period.dates, comparisonPeriod: comparison?.dates, timeZone: account.timeZone)
    }

    func resolve(_ request: CustomerHubDashboardRequest, now: Date) async throws -> (AccountRow, DayRange, DayRange?) {
        let accountID = request.accountID
        let a = Int64(bitPattern: accountID)
        guard let account = try await self.database.read({ db in
            try Row.fetchOne(db, sql: "SELECT time_zone, currency, hub_active FROM accounts WHERE id = ?", arguments: [a]).map {
                AccountRow(timeZone: $0[0], currency: $0[1], hubActive: $0[2])
            }
        }) else { throw InsightsError.accountNotFound(accountID) }
        let zone = TimeZone(identifier: account.timeZone) ?? TimeZone(identifier: "UTC")!
        let today = Periods.today(now: now, timeZone: zone)

        let period: DayRange
        switch (request.preset, request.firstDay, request.lastDay) {
        case (let preset?, nil, nil):
            period = Periods.resolve(preset, today: today)
        case (nil, let first?, let last?):
            do { period = try Periods.custom(first: first, last: last, today: today) } catch let failure as Periods.Failure {
                throw InsightsError.invalid(failure.description)
            }
        default:
            throw InsightsError.invalid("give either a preset or both firstDay and lastDay")
        }
        return (account, period, Periods.comparison(of: period, mode: request.comparison))
    }

    /// The interaction and order rows of `range`; active accounts from the in-memory index.
    func aggregates(_ db: Database, account: Int64, range: DayRange) throws -> RangeAggregates {
        var result = RangeAggregates()
        let bounds: StatementArguments = [account, range.first.number, range.last.number]
        for row in try Row.fetchAll(
            db, sql: "SELECT day, interaction, count FROM hub_interactions WHERE account_id = ? AND day BETWEEN ? AND ?",
            arguments: bounds)
        {
            guard let type = HubInteraction(rawValue: UInt8(row[1] as Int64)) else { continue }
            result.interactions[row[0], default: [:]][type] = row[2]
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT day, orders, value FROM logged_in_orders WHERE account_id = ? AND day BETWEEN ? AND ?",
            arguments: bounds)
        {
            result.orders[row[0]] = (row[1], DecimalText.parse(row[2]))
        }
        result.activeAccounts = self.openers.activeProfiles(account: UInt64(bitPattern: account), first: range.first.number, last: range.last.number)
        return result
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
