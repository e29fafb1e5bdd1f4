public import Foundation
public import SextantRPC

/// attribution-service: Customer Hub revenue (PRODUCT.md 4), built from the ingest log.
/// proto-spec/attribution.md is the normative description of each method.
///
/// Days are calendar days in the account's time zone, written `YYYY-MM-DD`; both ends of a
/// range are inclusive. Money is exact: integer minor units of the named currency.
public enum AttributionService {
    public static let serviceName = "sextant.attribution.v1.Attribution"

    /// Who may read: every authenticated suite service.
    static let readers = CallerPolicy.anyAuthenticated

    /// Hub-attributed revenue per local day of a range, and its total.
    public static let revenueByDay = RPCMethod<RevenueByDayRequest, RevenueByDayResponse>(
        service: serviceName, method: "RevenueByDay", kind: .unary, allowedCallers: readers)
    /// The attributed ordered products behind the revenue (the dashboard's "View report"), newest
    /// first, paged.
    public static let attributedProducts = RPCMethod<AttributedProductsRequest, AttributedProductsPage>(
        service: serviceName, method: "AttributedProducts", kind: .unary, allowedCallers: readers)
    /// How far attribution-service has read the ingest log.
    public static let progress = LogConsumerProgress.method(service: serviceName)

    /// Longest range of one request, in days (10 years).
    public static let maximumDays = 3_660
    /// Rows of one `AttributedProducts` page when the request gives no size.
    public static let defaultPageSize: UInt32 = 100
    /// Largest page size.
    public static let maximumPageSize: UInt32 = 1_000
}

/// Which Customer Hub interaction attributed an item.
public enum HubAttributionRuleKind: UInt8, Codable, Sendable, Hashable, CaseIterable {
    /// `Hub Clicked Product` on the same product.
    case clickedProduct = 1
    /// `Hub Added to Cart` of the same product.
    case addedToCart = 2
    /// `Hub Clicked Buy Again` on an earlier order that contained the product.
    case clickedBuyAgain = 3
}

public struct RevenueByDayRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// First local day, `YYYY-MM-DD`.
    public var firstDay: String
    /// Last local day, `YYYY-MM-DD` (inclusive).
    public var lastDay: String

    public init(accountID: UInt64, firstDay: String, lastDay: String) {
        self.accountID = accountID
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, firstDay, lastDay }
}

/// An amount of money in minor units of `currency` (cents for USD).
public struct MinorAmount: Codable, Sendable, Hashable {
    public var currency: String
    public var minorUnits: Int64

    public init(currency: String, minorUnits: Int64) {
        self.currency = currency
        self.minorUnits = minorUnits
    }

    enum CodingKeys: Int, CodingKey { case currency = 1, minorUnits }
}

public struct DayRevenue: Codable, Sendable, Hashable {
    /// Local day, `YYYY-MM-DD`.
    public var day: String
    /// Attributed revenue of the items ordered that day, in minor units of `currency`.
    public var revenueMinorUnits: Int64
    public var currency: String
    /// Attributed items ordered that day.
    public var items: UInt64

    public init(day: String, revenueMinorUnits: Int64, currency: String, items: UInt64) {
        self.day = day
        self.revenueMinorUnits = revenueMinorUnits
        self.currency = currency
        self.items = items
    }

    enum CodingKeys: Int, CodingKey { case day = 1, revenueMinorUnits, currency, items }
}

public struct RevenueByDayResponse: Codable, Sendable, Hashable {
    /// Every day of the range in order: one row per currency with revenue that day, or one row of
    /// 0 in the account's currency.
    public var days: [DayRevenue]
    /// The range's total per currency (the account's currency first; 0 when nothing).
    public var totals: [MinorAmount]
    /// The account's time zone the days are in.
    public var timeZone: String

    public init(days: [DayRevenue], totals: [MinorAmount], timeZone: String) {
        self.days = days
        self.totals = totals
        self.timeZone = timeZone
    }

    enum CodingKeys: Int, CodingKey { case days = 1, totals, timeZone }
}

public struct AttributedProductsRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var firstDay: String
    public var lastDay: String
    /// Empty for the first page, else the previous page's `nextPageToken`.
    public var pageToken: String
    /// Rows per page, 1...``AttributionService/maximumPageSize``; 0: the default.
    public var pageSize: UInt32

    public init(accountID: UInt64, firstDay: String, lastDay: String, pageToken: String = "", pageSize: UInt32 = 0) {
        self.accountID = accountID
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.pageToken = pageToken
        self.pageSize = pageSize
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, firstDay, lastDay, pageToken, pageSize }
}

/// One attributed ordered item and its explanation.
public struct AttributedProduct: Codable, Sendable, Hashable {
    /// Position (event id) of the item's `Ordered Product` event.
    public var itemPosition: UInt64
    /// Position of the `Placed Order` it was derived from (the item's own position when the
    /// client sent the `Ordered Product` itself).
    public var orderPosition: UInt64
    /// The order's `order_id` ("" when the item names none).
    public var orderID: String
    /// The order's time and its local day.
    public var time: Date
    public var day: String
    public var profileID: UInt64
    public var productID: String
    /// `product_name` (or `name`) of the item; "" when absent.
    public var productName: String
    public var quantity: Decimal
    public var price: Decimal
    /// The item's revenue (its `value`, else price × quantity) in minor units of `currency`.
    public var revenueMinorUnits: Int64
    public var currency: String
    public var rule: HubAttributionRuleKind
    /// The interaction that attributed it: its position (event id) and time.
    public var interactionPosition: UInt64
    public var interactionTime: Date

    public init(
        itemPosition: UInt64, orderPosition: UInt64, orderID: String, time: Date, day: String, profileID: UInt64,
        productID: String, productName: String, quantity: Decimal, price: Decimal, revenueMinorUnits: Int64,
        currency: String, rule: HubAttributionRuleKind, interactionPosition: UInt64, interactionTime: Date
    ) {
        self.itemPosition = itemPosition
        self.orderPosition = orderPosition
        self.orderID = orderID
        self.time = time
        self.day = day
        self.profileID = profileID
        self.productID = productID
        self.productName = productName
        self.quantity = quantity
        self.price = price
        self.revenueMinorUnits = revenueMinorUnits
        self.currency = currency
        self.rule = rule
        self.interactionPosition = interactionPosition
        self.interactionTime = interactionTime
    }

    enum CodingKeys: Int, CodingKey {
        case itemPosition = 1, orderPosition, orderID, time, day, profileID, productID, productName, quantity, price
        case revenueMinorUnits, currency, rule, interactionPosition, interactionTime
    }
}

public struct AttributedProductsPage: Codable, Sendable, Hashable {
    /// Newest order first (order time, then item position, both descending).
    public var rows: [AttributedProduct]
    /// Token of the next page; empty on the last page.
    public var nextPageToken: String

    public init(rows: [AttributedProduct], nextPageToken: String) {
        self.rows = rows
        self.nextPageToken = nextPageToken
    }

    enum CodingKeys: Int, CodingKey { case rows = 1, nextPageToken }
}
