public import Foundation

/// A Marketing Analytics tier: up to `activeProfileLimit` active profiles for `monthlyPriceMinor`
/// (minor units of the price list's currency) a month.
public struct TierInfo: Codable, Sendable, Hashable {
    public var activeProfileLimit: Int64
    public var monthlyPriceMinor: Int64

    public init(activeProfileLimit: Int64, monthlyPriceMinor: Int64) {
        self.activeProfileLimit = activeProfileLimit
        self.monthlyPriceMinor = monthlyPriceMinor
    }

    enum CodingKeys: Int, CodingKey { case activeProfileLimit = 1, monthlyPriceMinor }
}

/// What an account pays for on one day: the email plan, with or without the Marketing Analytics
/// add-on at one tier.
public struct PlanView: Codable, Sendable, Hashable {
    /// The add-on's tier; nil on the email plan alone.
    public var marketingAnalytics: TierInfo?

    public init(marketingAnalytics: TierInfo? = nil) {
        self.marketingAnalytics = marketingAnalytics
    }

    enum CodingKeys: Int, CodingKey { case marketingAnalytics = 1 }
}

/// A plan change taking effect at `effective` (the start of that day in the account's time zone).
public struct ScheduledPlanChange: Codable, Sendable, Hashable {
    public var effective: Date
    public var plan: PlanView
    public var requestedAt: Date

    public init(effective: Date, plan: PlanView, requestedAt: Date) {
        self.effective = effective
        self.plan = plan
        self.requestedAt = requestedAt
    }

    enum CodingKeys: Int, CodingKey { case effective = 1, plan, requestedAt }
}

/// An account's plan now and every change on record (past and scheduled), oldest first.
public struct AccountPlan: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var current: PlanView
    public var changes: [ScheduledPlanChange]
    public var currency: String

    public init(accountID: UInt64, current: PlanView, changes: [ScheduledPlanChange], currency: String) {
        self.accountID = accountID
        self.current = current
        self.changes = changes
        self.currency = currency
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, current, changes, currency }
}

public struct ChangePlanRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// True for the Marketing Analytics add-on (then `tierActiveProfileLimit` picks the tier).
    public var marketingAnalytics: Bool
    /// The tier's active-profile limit; it must be a tier of the table. Absent: the smallest tier
    /// that covers the account's current active profiles.
    public var tierActiveProfileLimit: Int64?
    /// When the change takes effect; absent: now. Rounded down to the start of that day in the
    /// account's time zone. Dates before the account's creation are refused.
    public var effective: Date?

    public init(accountID: UInt64, marketingAnalytics: Bool, tierActiveProfileLimit: Int64? = nil, effective: Date? = nil) {
        self.accountID = accountID
        self.marketingAnalytics = marketingAnalytics
        self.tierActiveProfileLimit = tierActiveProfileLimit
        self.effective = effective
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, marketingAnalytics, tierActiveProfileLimit, effective }
}

public struct UsageRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// The instant to count at; absent: now.
    public var asOf: Date?

    public init(accountID: UInt64, asOf: Date? = nil) {
        self.accountID = accountID
        self.asOf = asOf
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, asOf }
}

/// Active profiles against the plan's tier (PRODUCT.md 3): a profile is active when it has at
/// least one event in the `lookBackMonths` before `asOf`.
public struct UsageReport: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var asOf: Date
    public var lookBackMonths: UInt32
    public var activeProfiles: Int64
    /// The current tier; nil on the email plan alone.
    public var tier: TierInfo?
    /// limit − active (negative when over); nil without a tier.
    public var headroom: Int64?
    /// active ÷ limit in basis points (10,000 = 100%); nil without a tier.
    public var usedBasisPoints: Int64?
    /// True from 90% of the tier's limit on.
    public var warning: Bool
    /// True when active profiles exceed the tier's limit.
    public var overLimit: Bool
    /// The smallest tier that covers the active profiles (nil when they exceed the largest tier).
    public var tierNeeded: TierInfo?
    /// How far the log has been read: usage counts every event up to this position.
    public var logPosition: UInt64

    public init(
        accountID: UInt64, asOf: Date, lookBackMonths: UInt32, activeProfiles: Int64, tier: TierInfo?, headroom: Int64?,
        usedBasisPoints: Int64?, warning: Bool, overLimit: Bool, tierNeeded: TierInfo?, logPosition: UInt64
    ) {
        self.accountID = accountID
        self.asOf = asOf
        self.lookBackMonths = lookBackMonths
        self.activeProfiles = activeProfiles
        self.tier = tier
        self.headroom = headroom
        self.usedBasisPoints = usedBasisPoints
        self.warning = warning
        self.overLimit = overLimit
        self.tierNeeded = tierNeeded
        self.logPosition = logPosition
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, asOf, lookBackMonths, activeProfiles, tier, headroom, usedBasisPoints, warning, overLimit
        case tierNeeded, logPosition
    }
}

/// A calendar month, "YYYY-MM", in the account's time zone.
public struct MonthlyUsageRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// First month, "YYYY-MM"; absent: 11 months before `to`.
    public var from: String?
    /// Last month, "YYYY-MM"; absent: the current month.
    public var to: String?

    public init(accountID: UInt64, from: String? = nil, to: String? = nil) {
        self.accountID = accountID
        self.from = from
        self.to = to
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, from, to }
}

public struct MonthUsage: Codable, Sendable, Hashable {
    /// "YYYY-MM".
    public var month: String
    /// Profiles with an event in the look-back window ending with this month (the 12 calendar
    /// months up to and including it, by default).
    public var activeProfiles: Int64

    public init(month: String, activeProfiles: Int64) {
        self.month = month
        self.activeProfiles = activeProfiles
    }

    enum CodingKeys: Int, CodingKey { case month = 1, activeProfiles }
}

public struct MonthlyUsage: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var months: [MonthUsage]

    public init(accountID: UInt64, months: [MonthUsage]) {
        self.accountID = accountID
        self.months = months
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, months }
}

public struct InvoiceRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// "YYYY-MM".
    public var month: String

    public init(accountID: UInt64, month: String) {
        self.accountID = accountID
        self.month = month
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, month }
}

/// One line of an invoice: a plan or add-on tier for a run of days.
public struct InvoiceLineView: Codable, Sendable, Hashable {
    public var description: String
    public var firstDay: UInt32
    public var lastDay: UInt32
    public var daysInMonth: UInt32
    public var amountMinor: Int64
    /// True when the active profiles exceeded the largest tier (billed at the largest).
    public var exceedsLargestTier: Bool

    public init(description: String, firstDay: UInt32, lastDay: UInt32, daysInMonth: UInt32, amountMinor: Int64, exceedsLargestTier: Bool) {
        self.description = description
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.daysInMonth = daysInMonth
        self.amountMinor = amountMinor
        self.exceedsLargestTier = exceedsLargestTier
    }

    enum CodingKeys: Int, CodingKey { case description = 1, firstDay, lastDay, daysInMonth, amountMinor, exceedsLargestTier }
}

/// A month's invoice, computed from stored plans and activity: the same inputs give the same
/// invoice. `final` is false for the current (still open) month.
public struct InvoiceView: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var month: String
    public var currency: String
    public var activeProfiles: Int64
    public var lines: [InvoiceLineView]
    public var totalMinor: Int64
    public var final: Bool

    public init(accountID: UInt64, month: String, currency: String, activeProfiles: Int64, lines: [InvoiceLineView], totalMinor: Int64, final: Bool) {
        self.accountID = accountID
        self.month = month
        self.currency = currency
        self.activeProfiles = activeProfiles
        self.lines = lines
        self.totalMinor = totalMinor
        self.final = final
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, month, currency, activeProfiles, lines, totalMinor, final }
}

public struct InvoiceList: Codable, Sendable, Hashable {
    public var invoices: [InvoiceView]

    public init(invoices: [InvoiceView]) {
        self.invoices = invoices
    }

    enum CodingKeys: Int, CodingKey { case invoices = 1 }
}

/// What an account may use now.
public struct EntitlementsView: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var marketingAnalytics: Bool
    /// Feature names (billing's `Feature` raw values), sorted.
    public var features: [String]
    /// 1 without Marketing Analytics, 50 with it.
    public var customMetricLimit: UInt32

    public init(accountID: UInt64, marketingAnalytics: Bool, features: [String], customMetricLimit: UInt32) {
        self.accountID = accountID
        self.marketingAnalytics = marketingAnalytics
        self.features = features
        self.customMetricLimit = customMetricLimit
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, marketingAnalytics, features, customMetricLimit }
}

public struct ListTiersRequest: Codable, Sendable, Hashable {
    public init() {}
}

public struct TierList: Codable, Sendable, Hashable {
    public var currency: String
    public var emailPlanMonthlyPriceMinor: Int64
    public var tiers: [TierInfo]

    public init(currency: String, emailPlanMonthlyPriceMinor: Int64, tiers: [TierInfo]) {
        self.currency = currency
        self.emailPlanMonthlyPriceMinor = emailPlanMonthlyPriceMinor
        self.tiers = tiers
    }

    enum CodingKeys: Int, CodingKey { case currency = 1, emailPlanMonthlyPriceMinor, tiers }
}
