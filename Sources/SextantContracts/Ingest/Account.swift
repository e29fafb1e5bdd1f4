public import Foundation

/// A tenant: one shop or brand. Every record and request belongs to exactly one account.
public struct Account: Codable, Sendable, Hashable {
    /// Assigned by ingest-service when the account is created; never reused.
    public var id: UInt64
    public var name: String
    /// IANA time zone, e.g. "Europe/Berlin". Reports use the account's local days.
    public var timeZone: String
    /// ISO 4217 code, e.g. "USD". Event values are in this currency.
    public var currency: String
    /// The plan recorded on the account at creation (or by `UpdateAccount`). billing-service
    /// starts the account on this plan and owns it from then on (plan changes, entitlements);
    /// ingest uses it for the custom-metric limit only until billing has read the account, or
    /// when it runs on its own.
    public var plan: Plan
    /// While false, Customer Hub events are not collected.
    public var customerHubActive: Bool
    public var attributionWindows: AttributionWindows
    /// True once the account has sent an `Ordered Product` event itself; from the next batch on,
    /// ingest stops deriving them from `Placed Order` items (no double counting; see
    /// proto-spec/ingest.md). Within the batch that first carries one, only orders whose own
    /// `Ordered Product` events are in that batch skip derivation.
    public var sendsOrderedProducts: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UInt64, name: String, timeZone: String, currency: String, plan: Plan, customerHubActive: Bool,
        attributionWindows: AttributionWindows, sendsOrderedProducts: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.plan = plan
        self.customerHubActive = customerHubActive
        self.attributionWindows = attributionWindows
        self.sendsOrderedProducts = sendsOrderedProducts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, name, timeZone, currency, plan, customerHubActive, attributionWindows, sendsOrderedProducts
        case createdAt, updatedAt
    }
}

/// What an account has bought.
public enum Plan: UInt8, Codable, Sendable, Hashable, CaseIterable {
    /// The base email plan.
    case email = 1
    /// The email plan plus the Marketing Analytics add-on.
    case marketingAnalytics = 2
}

/// How long after a message interaction a conversion is still attributed to it (PRODUCT.md 4),
/// in whole seconds. Defaults are Klaviyo's.
public struct AttributionWindows: Codable, Sendable, Hashable {
    public var emailClickSeconds: UInt32
    public var emailOpenSeconds: UInt32
    public var smsClickSeconds: UInt32
    public var smsOpenSeconds: UInt32
    public var smsDeliverySeconds: UInt32
    public var pushOpenSeconds: UInt32
    public var activeOnSiteSeconds: UInt32

    public static let day: UInt32 = 86_400

    /// Email click or open 5 days, SMS click 5 days, SMS open 1 day, SMS delivery 12 hours,
    /// push open 24 hours, Active on Site 1 day.
    public static let defaults = AttributionWindows(
        emailClickSeconds: 5 * day, emailOpenSeconds: 5 * day, smsClickSeconds: 5 * day, smsOpenSeconds: day,
        smsDeliverySeconds: day / 2, pushOpenSeconds: day, activeOnSiteSeconds: day
    )

    /// The longest window accepted: 90 days.
    public static let maximumSeconds: UInt32 = 90 * day

    public init(
        emailClickSeconds: UInt32, emailOpenSeconds: UInt32, smsClickSeconds: UInt32, smsOpenSeconds: UInt32,
        smsDeliverySeconds: UInt32, pushOpenSeconds: UInt32, activeOnSiteSeconds: UInt32
    ) {
        self.emailClickSeconds = emailClickSeconds
        self.emailOpenSeconds = emailOpenSeconds
        self.smsClickSeconds = smsClickSeconds
        self.smsOpenSeconds = smsOpenSeconds
        self.smsDeliverySeconds = smsDeliverySeconds
        self.pushOpenSeconds = pushOpenSeconds
        self.activeOnSiteSeconds = activeOnSiteSeconds
    }

    /// Every window with its name, for validation messages.
    public var named: [(name: String, seconds: UInt32)] {
        [
            ("emailClickSeconds", self.emailClickSeconds), ("emailOpenSeconds", self.emailOpenSeconds),
            ("smsClickSeconds", self.smsClickSeconds), ("smsOpenSeconds", self.smsOpenSeconds),
            ("smsDeliverySeconds", self.smsDeliverySeconds), ("pushOpenSeconds", self.pushOpenSeconds),
            ("activeOnSiteSeconds", self.activeOnSiteSeconds),
        ]
    }

    enum CodingKeys: Int, CodingKey {
        case emailClickSeconds = 1, emailOpenSeconds, smsClickSeconds, smsOpenSeconds, smsDeliverySeconds
        case pushOpenSeconds, activeOnSiteSeconds
    }
}

/// Creates an account.
public struct CreateAccountRequest: Codable, Sendable, Hashable {
    public var name: String
    public var timeZone: String
    public var currency: String
    public var plan: Plan
    public var customerHubActive: Bool
    /// Nil: the defaults.
    public var attributionWindows: AttributionWindows?

    public init(
        name: String, timeZone: String = "UTC", currency: String = "USD", plan: Plan = .email,
        customerHubActive: Bool = false, attributionWindows: AttributionWindows? = nil
    ) {
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.plan = plan
        self.customerHubActive = customerHubActive
        self.attributionWindows = attributionWindows
    }

    enum CodingKeys: Int, CodingKey {
        case name = 1, timeZone, currency, plan, customerHubActive, attributionWindows
    }
}

/// Changes an account's settings; nil fields stay as they are.
public struct UpdateAccountRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var name: String?
    public var timeZone: String?
    public var currency: String?
    public var plan: Plan?
    public var customerHubActive: Bool?
    public var attributionWindows: AttributionWindows?

    public init(
        accountID: UInt64, name: String? = nil, timeZone: String? = nil, currency: String? = nil, plan: Plan? = nil,
        customerHubActive: Bool? = nil, attributionWindows: AttributionWindows? = nil
    ) {
        self.accountID = accountID
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.plan = plan
        self.customerHubActive = customerHubActive
        self.attributionWindows = attributionWindows
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, name, timeZone, currency, plan, customerHubActive, attributionWindows
    }
}

/// Names one account.
public struct AccountRef: Codable, Sendable, Hashable {
    public var accountID: UInt64

    public init(accountID: UInt64) { self.accountID = accountID }

    enum CodingKeys: Int, CodingKey { case accountID = 1 }
}

/// Every account, in id order.
public struct AccountList: Codable, Sendable, Hashable {
    public var accounts: [Account]

    public init(accounts: [Account]) { self.accounts = accounts }

    enum CodingKeys: Int, CodingKey { case accounts = 1 }
}
