public import Foundation
public import SextantRPC

/// insights-service: the Customer Hub dashboard (PRODUCT.md 5.1). proto-spec/insights.md is the
/// normative description of each method.
///
/// insights-service follows the ingest log and keeps per-day aggregates; the dashboard reads
/// those aggregates (never the events) and asks attribution-service for the Hub-attributed
/// revenue (`sextant.attribution.v1.Attribution` / `RevenueByDay`).
public enum InsightsService {
    public static let serviceName = "sextant.insights.v1.Insights"

    /// Who may read reports: the gateway and the admin tool.
    static let readers = CallerPolicy.only(.gateway, .admin)

    /// The Customer Hub dashboard of one account for a period and a comparison period.
    public static let customerHubDashboard = RPCMethod<CustomerHubDashboardRequest, CustomerHubDashboard>(
        service: serviceName, method: "CustomerHubDashboard", kind: .unary, allowedCallers: readers)
    /// The local days a dashboard request covers (its period and comparison period), without
    /// the numbers: what the gateway uses to give the "View report" list the dashboard's period.
    public static let resolvePeriod = RPCMethod<CustomerHubDashboardRequest, ResolvedPeriod>(
        service: serviceName, method: "ResolvePeriod", kind: .unary, allowedCallers: readers)
    /// How far insights-service has read the ingest log.
    public static let progress = LogConsumerProgress.method(service: serviceName)
}

/// The days a ``CustomerHubDashboardRequest`` stands for, as of now, in the account's time zone.
public struct ResolvedPeriod: Codable, Sendable, Hashable {
    public var period: DateRange
    /// Absent for `ComparisonMode.none`.
    public var comparisonPeriod: DateRange?
    /// The account's IANA time zone.
    public var timeZone: String

    public init(period: DateRange, comparisonPeriod: DateRange?, timeZone: String) {
        self.period = period
        self.comparisonPeriod = comparisonPeriod
        self.timeZone = timeZone
    }

    enum CodingKeys: Int, CodingKey { case period = 1, comparisonPeriod, timeZone }
}

/// A calendar date (a day in the account's time zone). Proleptic Gregorian.
public struct LocalDate: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int32
    /// 1...12
    public var month: UInt8
    /// 1...31
    public var day: UInt8

    public init(year: Int32, month: UInt8, day: UInt8) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(self.year)
        let m = self.month < 10 ? "0\(self.month)" : "\(self.month)"
        let d = self.day < 10 ? "0\(self.day)" : "\(self.day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    enum CodingKeys: Int, CodingKey { case year = 1, month, day }
}

/// Local days `first` through `last`, both inclusive.
public struct DateRange: Codable, Sendable, Hashable {
    public var first: LocalDate
    public var last: LocalDate

    public init(first: LocalDate, last: LocalDate) {
        self.first = first
        self.last = last
    }

    enum CodingKeys: Int, CodingKey { case first = 1, last }
}

/// The period presets of the time period selector. "Last N days" is today and the N−1 days
/// before; "this month" is month to date; "last month" is the whole previous month.
public enum PeriodPreset: UInt8, Codable, Sendable, Hashable, CaseIterable {
    case today = 1
    case last7Days = 2
    case last30Days = 3
    case last90Days = 4
    case last365Days = 5
    case thisMonth = 6
    case lastMonth = 7
}

/// What the period is compared with.
public enum ComparisonMode: UInt8, Codable, Sendable, Hashable, CaseIterable {
    /// No comparison: previous values and percent changes are absent.
    case none = 1
    /// The period of equal length that ends the day before the period starts.
    case previousPeriod = 2
    /// The same dates one year earlier (Feb 29 becomes Feb 28).
    case yearAgo = 3
}

/// The width of one point of the dashboard's time series.
public enum SeriesBucket: UInt8, Codable, Sendable, Hashable {
    case day = 1
    /// Weeks Monday to Sunday (ISO 8601), the first and last clipped to the period.
    case week = 2
    /// Calendar months, the first and last clipped to the period.
    case month = 3
}

/// The Customer Hub service interactions (PRODUCT.md 5.1), each one metric.
public enum HubInteraction: UInt8, Codable, Sendable, Hashable, CaseIterable {
    /// `Hub Tracked Order`
    case trackedOrder = 1
    /// `Hub Started Return`
    case startedReturn = 2
    /// `Hub Applied Coupon`
    case appliedCoupon = 3
    /// `Hub Clicked Help`
    case clickedHelp = 4
    /// `Hub Started Chat`
    case startedChat = 5

    /// The metric name that counts as this interaction.
    public var metric: String {
        switch self {
        case .trackedOrder: "Hub Tracked Order"
        case .startedReturn: "Hub Started Return"
        case .appliedCoupon: "Hub Applied Coupon"
        case .clickedHelp: "Hub Clicked Help"
        case .startedChat: "Hub Started Chat"
        }
    }
}

/// Asks for one account's Customer Hub dashboard. Exactly one of `preset` or the custom range
/// (`firstDay` and `lastDay`, both inclusive) is given.
public struct CustomerHubDashboardRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var preset: PeriodPreset?
    public var firstDay: LocalDate?
    public var lastDay: LocalDate?
    public var comparison: ComparisonMode

    public init(accountID: UInt64, preset: PeriodPreset, comparison: ComparisonMode = .previousPeriod) {
        self.accountID = accountID
        self.preset = preset
        self.comparison = comparison
    }

    public init(accountID: UInt64, firstDay: LocalDate, lastDay: LocalDate, comparison: ComparisonMode = .previousPeriod) {
        self.accountID = accountID
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.comparison = comparison
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, preset, firstDay, lastDay, comparison }
}

/// One overview number: its value in the period, in the comparison period (absent without a
/// comparison) and the percent change (absent without a comparison or when the previous value
/// is 0), rounded half away from zero to one decimal place.
public struct DashboardTile: Codable, Sendable, Hashable {
    public var value: Int64
    public var previous: Int64?
    public var percentChange: Decimal?

    public init(value: Int64, previous: Int64?, percentChange: Decimal?) {
        self.value = value
        self.previous = previous
        self.percentChange = percentChange
    }

    enum CodingKeys: Int, CodingKey { case value = 1, previous, percentChange }
}

/// One interaction type: its total in the period (a tile) and one count per bucket.
public struct InteractionSeries: Codable, Sendable, Hashable {
    public var interaction: HubInteraction
    public var total: DashboardTile
    /// One count per entry of ``CustomerHubDashboard/buckets``.
    public var points: [Int64]

    public init(interaction: HubInteraction, total: DashboardTile, points: [Int64]) {
        self.interaction = interaction
        self.total = total
        self.points = points
    }

    enum CodingKeys: Int, CodingKey { case interaction = 1, total, points }
}

/// The logged-in orders of one bucket (or of a whole period).
public struct OrderValuePoint: Codable, Sendable, Hashable {
    /// `Placed Order` events with `logged_in` true.
    public var orders: Int64
    /// Their summed `value` in minor units of the account currency (rounded half away from zero
    /// from the exact sum).
    public var revenueMinor: Int64
    /// revenue / orders in minor units, rounded half away from zero; absent with no orders.
    public var averageMinor: Int64?

    public init(orders: Int64, revenueMinor: Int64, averageMinor: Int64?) {
        self.orders = orders
        self.revenueMinor = revenueMinor
        self.averageMinor = averageMinor
    }

    enum CodingKeys: Int, CodingKey { case orders = 1, revenueMinor, averageMinor }
}

/// The average order value of orders placed while signed in to the Customer Hub.
public struct AverageOrderValue: Codable, Sendable, Hashable {
    public var period: OrderValuePoint
    /// Absent without a comparison.
    public var previous: OrderValuePoint?
    /// From the exact averages; absent without a comparison or when either period has no
    /// logged-in order (a previous average of 0 also gives none).
    public var percentChange: Decimal?
    /// One point per entry of ``CustomerHubDashboard/buckets``.
    public var points: [OrderValuePoint]

    public init(period: OrderValuePoint, previous: OrderValuePoint?, percentChange: Decimal?, points: [OrderValuePoint]) {
        self.period = period
        self.previous = previous
        self.percentChange = percentChange
        self.points = points
    }

    enum CodingKeys: Int, CodingKey { case period = 1, previous, percentChange, points }
}

/// The Customer Hub dashboard (PRODUCT.md 5.1).
public struct CustomerHubDashboard: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// ISO 4217; every `…Minor` amount is in minor units of it.
    public var currency: String
    /// The IANA time zone whose local days the periods are made of.
    public var timeZone: String
    /// False while the account's Customer Hub is inactive: nothing new is collected, the data
    /// collected before is still shown.
    public var customerHubActive: Bool
    /// The resolved period (both ends inclusive).
    public var period: DateRange
    /// The resolved comparison period; absent for `ComparisonMode.none`.
    public var comparisonPeriod: DateRange?
    public var bucket: SeriesBucket
    /// The series' buckets, in order, covering the period exactly.
    public var buckets: [DateRange]
    /// Profiles with a Customer Hub account by the period's last day (no comparison).
    public var totalAccounts: Int64
    /// The five interaction types together.
    public var serviceInteractions: DashboardTile
    /// Distinct profiles that opened the Hub in the period.
    public var activeAccounts: DashboardTile
    /// Hub-attributed revenue in minor units, from attribution-service's `RevenueByDay` for the
    /// period (and the comparison period); insights-service stores none of it.
    public var revenueGeneratedMinor: DashboardTile
    /// Revenue generated per bucket, minor units.
    public var revenuePoints: [Int64]
    /// One entry per ``HubInteraction``, in its order.
    public var interactions: [InteractionSeries]
    public var averageOrderValue: AverageOrderValue

    public init(
        accountID: UInt64, currency: String, timeZone: String, customerHubActive: Bool, period: DateRange,
        comparisonPeriod: DateRange?, bucket: SeriesBucket, buckets: [DateRange], totalAccounts: Int64,
        serviceInteractions: DashboardTile, activeAccounts: DashboardTile, revenueGeneratedMinor: DashboardTile,
        revenuePoints: [Int64], interactions: [InteractionSeries], averageOrderValue: AverageOrderValue
    ) {
        self.accountID = accountID
        self.currency = currency
        self.timeZone = timeZone
        self.customerHubActive = customerHubActive
        self.period = period
        self.comparisonPeriod = comparisonPeriod
        self.bucket = bucket
        self.buckets = buckets
        self.totalAccounts = totalAccounts
        self.serviceInteractions = serviceInteractions
        self.activeAccounts = activeAccounts
        self.revenueGeneratedMinor = revenueGeneratedMinor
        self.revenuePoints = revenuePoints
        self.interactions = interactions
        self.averageOrderValue = averageOrderValue
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, currency, timeZone, customerHubActive, period, comparisonPeriod, bucket, buckets
        case totalAccounts, serviceInteractions, activeAccounts, revenueGeneratedMinor, revenuePoints, interactions
        case averageOrderValue
    }
}
