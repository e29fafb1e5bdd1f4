/// What an account has bought at one moment: the email plan, which every account has, and
/// optionally the Marketing Analytics add-on at a purchased tier.
///
/// The plan keeps the purchased `Tier` itself (limit and price), not just its limit, so the price an
/// account agreed to stays attached to the purchase even if the configured table changes later.
public struct Plan: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The purchased Marketing Analytics tier, or nil for the email plan alone.
    public var marketingAnalytics: Tier?

    public init(marketingAnalytics: Tier? = nil) {
        self.marketingAnalytics = marketingAnalytics
    }

    /// The email plan without the add-on: what a new account starts with.
    public static let emailOnly = Plan()

    public static func withMarketingAnalytics(_ tier: Tier) -> Plan {
        Plan(marketingAnalytics: tier)
    }

    public var hasMarketingAnalytics: Bool { self.marketingAnalytics != nil }

    /// How messages name the plan: `"the email plan without Marketing Analytics"` or
    /// `"the email plan with Marketing Analytics (up to 13,500 active profiles)"`.
    public var description: String {
        guard let tier = self.marketingAnalytics else { return "the email plan without Marketing Analytics" }
        return "the email plan with Marketing Analytics (\(tier.name))"
    }
}
