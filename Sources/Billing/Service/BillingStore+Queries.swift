import Foundation
public import SextantContracts
import Synchronization

/// An account as billing knows it, with its plan changes in schedule order.
struct BillingAccount: Sendable {
    struct Change: Sendable {
        var effective: Date
        var tier: Tier?
        var requestedAt: Date
    }

    var id: UInt64
    var timeZone: TimeZone
    var currency: String
    var createdAt: Date
    /// By effective instant, then by the order they were recorded (a later one wins on the same instant).
    var changes: [Change]

    /// The changes as a `PlanSchedule`: each row sets the plan, so it becomes the model's action
    /// from the plan before it (add, remove or change tier; nothing when it sets the email plan again).
    var schedule: PlanSchedule {
        var plan = Plan.emailOnly
        var actions: [PlanChange] = []
        for change in self.changes {
            switch (plan.marketingAnalytics, change.tier) {
            case (nil, nil): break
            case (nil, let tier?): actions.append(PlanChange(effective: change.effective, action: .addMarketingAnalytics(tier)))
            case (_?, nil): actions.append(PlanChange(effective: change.effective, action: .removeMarketingAnalytics))
            case (_?, let tier?): actions.append(PlanChange(effective: change.effective, action: .changeTier(tier)))
            }
            plan = Plan(marketingAnalytics: change.tier)
        }
        // Built in order from the plan each action applies to, so it is always consistent.
        return try! PlanSchedule(initialPlan: .emailOnly, changes: actions)
    }

    func plan(at instant: Date) -> Plan { self.schedule.plan(at: instant) }

    func month(of instant: Date) -> CalendarMonth { CalendarMonth.containing(instant, in: self.timeZone) }

    /// From stored columns: instants in seconds since 2001-01-01, a time zone's name.
    init(id: UInt64, timeZone: String, currency: String, createdAt: Double, changes: [Change]) {
        self.id = id
        self.timeZone = BillingStore.timeZone(named: timeZone)
        self.currency = currency
        self.createdAt = Date(timeIntervalSinceReferenceDate: createdAt)
        self.changes = changes
    }
}

extension BillingAccount.Change {
    /// From a stored `plan_changes` row (limit and price are both set or both absent).
    init(effective: Double, tierLimit: Int64?, tierPriceMinor: Int64?, requestedAt: Double) {
        self.effective = Date(timeIntervalSinceReferenceDate: effective)
        self.tier = tierLimit.flatMap { limit in tierPriceMinor.map { Tier(activeProfileLimit: Int(limit), monthlyPrice: Money(minorUnits: $0)) } }
        self.requestedAt = Date(timeIntervalSinceReferenceDate: requestedAt)
    }
}

extension BillingStore {
    // MARK: Counting windows

    /// Events in `[asOf − lookBackMonths calendar months, asOf]` (both ends inclusive, months in
    /// the account's time zone).
    func window(_ account: BillingAccount, asOf: Date) -> ActiveWindow {
        let calendar = Calendar.gregorian(in: account.timeZone)
        let start = calendar.date(byAdding: .month, value: -self.lookBackMonths, to: asOf)!
        return ActiveWindow(
            months: account.month(of: start).index...account.month(of: asOf).index, since: start.timeIntervalSinceReferenceDate,
            until: asOf.timeIntervalSinceReferenceDate)
    }

    /// The look-back window ending with `month`: that month and the `lookBackMonths − 1` before
    /// it, whole months. The count a month's invoice uses.
    func window(endingWith month: CalendarMonth) -> ActiveWindow {
        ActiveWindow(months: (month.index - self.lookBackMonths + 1)...month.index)
    }

    // MARK: The contract's answers

    /// `GetPlan`.
    public func plan(accountID: UInt64) async throws -> AccountPlan {
        self.accountPlan(try await self.backend.account(accountID))
    }

    /// `ChangePlan`: validated, rounded to the start of the local day, and recorded.
    public func changePlan(_ request: ChangePlanRequest) async throws -> AccountPlan {
        // Read inside the transaction (which holds the account), once: concurrent changes of an
        // account are recorded in the order of their request times.
        let clock = ReadOnce(self.now)
        let account = try await self.backend.changePlan(accountID: request.accountID) { account, active in
            let now = clock.value
            let tier: Tier?
            if request.marketingAnalytics {
                let tiers = self.prices.marketingAnalyticsTiers
                if let limit = request.tierActiveProfileLimit {
                    guard let found = Int(exactly: limit).flatMap({ tiers.tier(withLimit: $0) }) else {
                        let limits = tiers.tiers.map { $0.activeProfileLimit.grouped }.joined(separator: ", ")
                        throw BillingError.invalid("tierActiveProfileLimit: \(limit) is not a tier; the tiers are \(limits)")
                    }
                    tier = found
                } else {
                    guard let active else { return .countActiveProfiles(self.window(account, asOf: now)) }
                    guard let covering = tiers.tier(covering: active) else {
                        throw BillingError.failedPrecondition(
                            "account \(request.accountID) has \(active.grouped) active profiles, more than the largest tier (\(tiers.largest.name)); name a tier explicitly")
                    }
                    tier = covering
                }
            } else {
                guard request.tierActiveProfileLimit == nil else {
                    throw BillingError.invalid("tierActiveProfileLimit: must be absent when marketingAnalytics is false")
                }
                tier = nil
            }
            if let requested = request.effective, !EventFields.plausibleTimes.contains(requested.timeIntervalSinceReferenceDate) {
                throw BillingError.invalid("effective: \(requested.timeIntervalSinceReferenceDate) is not a date Sextant can bill from")
            }
            let effective = Self.startOfDay(request.effective ?? now, in: account.timeZone)
            let creationDay = Self.startOfDay(account.createdAt, in: account.timeZone)
            guard effective >= creationDay else {
                throw BillingError.invalid(
                    "effective: \(Self.localDate(effective, in: account.timeZone)) is before the account's creation on \(Self.localDate(account.createdAt, in: account.timeZone)) (\(account.timeZone.identifier))")
            }
            return .record(PlanChangeRow(
                effective: effective.timeIntervalSinceReferenceDate, tierLimit: tier.map { Int64($0.activeProfileLimit) },
                tierPriceMinor: tier?.monthlyPrice.minorUnits, requestedAt: now.timeIntervalSinceReferenceDate))
        }
        return self.accountPlan(account)
    }

    /// `GetUsage`.
    public func usage(_ request: UsageRequest) async throws -> UsageReport {
        let asOf = request.asOf ?? self.now()
        guard EventFields.plausibleTimes.contains(asOf.timeIntervalSinceReferenceDate) else {
            throw BillingError.invalid("asOf: \(asOf.timeIntervalSinceReferenceDate) is not a time Sextant can count at")
        }
        let (account, active, position) = try await self.backend.usage(accountID: request.accountID) { self.window($0, asOf: asOf) }
        let tiers = self.prices.marketingAnalyticsTiers
        let usage = Usage(activeProfiles: active, plan: account.plan(at: asOf), tiers: tiers)
        return UsageReport(
            accountID: account.id, asOf: asOf, lookBackMonths: UInt32(self.lookBackMonths), activeProfiles: Int64(active),
            tier: usage.purchasedTier.map(Self.tierInfo), headroom: usage.headroom.map(Int64.init),
            usedBasisPoints: usage.limit.map { Int64(active) * 10_000 / Int64($0) },
            warning: usage.warning != nil, overLimit: usage.warning == .overLimit,
            tierNeeded: tiers.tier(covering: active).map(Self.tierInfo), logPosition: position)
    }

    /// The longest series `GetMonthlyUsage` answers: 20 years.
    public static let maximumMonths = 240

    /// `GetMonthlyUsage`.
    public func monthlyUsage(_ request: MonthlyUsageRequest) async throws -> MonthlyUsage {
        let now = self.now()
        let lookBack = self.lookBackMonths
        let (account, answer) = try await self.backend.accountWithActivity(accountID: request.accountID) { account in
            let to = try request.to.map { try Self.month(parsing: $0, field: "to") } ?? account.month(of: now)
            let from = try request.from.map { try Self.month(parsing: $0, field: "from") } ?? to.advanced(by: -11)
            guard from <= to else { throw BillingError.invalid("from: \(from) is after to: \(to)") }
            guard to.index - from.index < Self.maximumMonths else {
                throw BillingError.invalid("from ... to spans \(to.index - from.index + 1) months; at most \(Self.maximumMonths)")
            }
            return .series(ActiveProfileSeries(months: from.index...to.index, lookBackMonths: lookBack))
        }
        let series = Self.series(answer)
        let from = CalendarMonth(index: series.months.lowerBound)
        return MonthlyUsage(
            accountID: account.id,
            months: series.counts.enumerated().map { MonthUsage(month: from.advanced(by: $0.offset).description, activeProfiles: Int64($0.element)) })
    }

    /// `GetInvoice`.
    public func invoice(_ request: InvoiceRequest) async throws -> InvoiceView {
        let month = try Self.month(parsing: request.month, field: "month")
        let now = self.now()
        let window = self.window(endingWith: month)
        let (account, answer) = try await self.backend.accountWithActivity(accountID: request.accountID) { account in
            let current = account.month(of: now)
            let created = account.month(of: account.createdAt)
            guard month >= created else {
                throw BillingError.invalid("month: account \(account.id) was created in \(created); there is no invoice for \(month)")
            }
            guard month <= current else {
                throw BillingError.failedPrecondition("month \(month) has not begun in the account's time zone (the current month is \(current))")
            }
            return .activeProfiles(window)
        }
        guard case .activeProfiles(let active) = answer else { preconditionFailure("asked for a count") }
        return self.invoiceView(account, month: month, activeProfiles: active, current: account.month(of: now))
    }

    /// `ListInvoices`: from the account's creation month to the current one, newest first.
    public func invoices(accountID: UInt64) async throws -> InvoiceList {
        let now = self.now()
        let lookBack = self.lookBackMonths
        let (account, answer) = try await self.backend.accountWithActivity(accountID: accountID) { account in
            let current = account.month(of: now)
            let created = min(account.month(of: account.createdAt), current)
            return .series(ActiveProfileSeries(months: created.index...current.index, lookBackMonths: lookBack))
        }
        let series = Self.series(answer)
        let created = CalendarMonth(index: series.months.lowerBound)
        let current = account.month(of: now)
        let invoices = series.counts.enumerated().reversed().map { offset, active in
            self.invoiceView(account, month: created.advanced(by: offset), activeProfiles: active, current: current)
        }
        return InvoiceList(invoices: invoices)
    }

    private static func series(_ answer: ActivityAnswer) -> ActiveProfileSeries {
        guard case .series(let series) = answer else { preconditionFailure("asked for a series") }
        return series
    }

    /// `GetEntitlements`.
    public func entitlements(accountID: UInt64) async throws -> EntitlementsView {
        let account = try await self.backend.account(accountID)
        let entitlements = Entitlements(plan: account.plan(at: self.now()))
        return EntitlementsView(
            accountID: accountID, marketingAnalytics: entitlements.plan.hasMarketingAnalytics,
            features: entitlements.features.map(\.rawValue).sorted(), customMetricLimit: UInt32(entitlements.customMetricLimit))
    }

    /// `ListTiers`.
    public func tiers() -> TierList {
        TierList(
            currency: self.prices.currency, emailPlanMonthlyPriceMinor: self.prices.emailPlanMonthlyPrice.minorUnits,
            tiers: self.prices.marketingAnalyticsTiers.tiers.map(Self.tierInfo))
    }

    /// The last applied log position.
    public func position() async throws -> UInt64 {
        try await self.backend.appliedPosition()
    }

    // MARK: Building answers

    private func accountPlan(_ account: BillingAccount) -> AccountPlan {
        AccountPlan(
            accountID: account.id, current: Self.planView(account.plan(at: self.now())),
            changes: account.changes.map {
                ScheduledPlanChange(effective: $0.effective, plan: PlanView(marketingAnalytics: $0.tier.map(Self.tierInfo)), requestedAt: $0.requestedAt)
            },
            currency: self.prices.currency)
    }

    private func invoiceView(_ account: BillingAccount, month: CalendarMonth, activeProfiles: Int, current: CalendarMonth) -> InvoiceView {
        let invoice = Invoice(month: month, timeZone: account.timeZone, schedule: account.schedule, activeProfiles: activeProfiles, prices: self.prices)
        return InvoiceView(
            accountID: account.id, month: month.description, currency: invoice.currency, activeProfiles: Int64(activeProfiles),
            lines: invoice.lines.map(Self.lineView), totalMinor: invoice.total.minorUnits, final: month < current)
    }

    static func lineView(_ line: InvoiceLine) -> InvoiceLineView {
        let description: String
        switch line.item {
        case .emailPlan:
            description = "Email plan"
        case .marketingAnalytics(let purchased, let billed):
            if line.exceedsLargestTier {
                description = "Marketing Analytics, \(billed.name) (active profiles exceed the largest tier; purchased: \(purchased.name))"
            } else if billed != purchased {
                description = "Marketing Analytics, \(billed.name) (tier needed; purchased: \(purchased.name))"
            } else {
                description = "Marketing Analytics, \(billed.name)"
            }
        }
        return InvoiceLineView(
            description: description, firstDay: UInt32(line.firstDay), lastDay: UInt32(line.lastDay), daysInMonth: UInt32(line.daysInMonth),
            amountMinor: line.amount.minorUnits, exceedsLargestTier: line.exceedsLargestTier)
    }

    static func tierInfo(_ tier: Tier) -> TierInfo {
        TierInfo(activeProfileLimit: Int64(tier.activeProfileLimit), monthlyPriceMinor: tier.monthlyPrice.minorUnits)
    }

    static func planView(_ plan: Plan) -> PlanView {
        PlanView(marketingAnalytics: plan.marketingAnalytics.map(Self.tierInfo))
    }

    /// "YYYY-MM", strictly: four-digit year, two-digit month 01–12.
    static func month(parsing text: String, field: String) throws -> CalendarMonth {
        let utf8 = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in utf8[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard utf8.count == 7, utf8[4] == UInt8(ascii: "-"), let year = digits(0..<4), let month = digits(5..<7), (1...12).contains(month) else {
            throw BillingError.invalid("\(field): \"\(text)\" is not a month (YYYY-MM)")
        }
        return CalendarMonth(year: year, month: month)
    }

    /// "2025-03-05": the local date of an instant.
    static func localDate(_ instant: Date, in timeZone: TimeZone) -> String {
        let parts = Calendar.gregorian(in: timeZone).dateComponents([.year, .month, .day], from: instant)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))"
    }
}

/// A clock read on first use and the same afterwards.
private final class ReadOnce: Sendable {
    private let read: @Sendable () -> Date
    private let stored = Mutex<Date?>(nil)

    init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    var value: Date {
        self.stored.withLock { stored in
            if let stored { return stored }
            let now = self.read()
            stored = now
            return now
        }
    }
}
