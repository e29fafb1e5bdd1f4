/// The five example profiles on the model card (PRODUCT.md 6), chosen by fixed rules so the card
/// always shows the same kinds of customers: frequent and recent, two-time, new, lapsed
/// frequent, and lapsed one-time.
public enum ExampleProfileRule: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// (1) More than 3 orders, the last within 90 days.
    case frequentRecent = 1
    /// (2) Exactly 2 orders, the last within 90 days.
    case twoOrdersRecent = 2
    /// (3) Exactly 1 order, within the last 60 days.
    case oneOrderRecent = 3
    /// (4) More than 3 orders, the last more than 180 days ago.
    case frequentLapsed = 4
    /// (5) Exactly 1 order, more than 60 days ago.
    case oneOrderLapsed = 5

    /// Whether a profile with `orders` historic orders, the last `daysSinceLastOrder` days ago, fits.
    public func matches(orders: Int, daysSinceLastOrder: Int) -> Bool {
        switch self {
        case .frequentRecent: orders > 3 && daysSinceLastOrder <= 90
        case .twoOrdersRecent: orders == 2 && daysSinceLastOrder <= 90
        case .oneOrderRecent: orders == 1 && daysSinceLastOrder <= 60
        case .frequentLapsed: orders > 3 && daysSinceLastOrder > 180
        case .oneOrderLapsed: orders == 1 && daysSinceLastOrder > 60
        }
    }

    public var description: String {
        switch self {
        case .frequentRecent: "more than 3 orders, last within 90 days"
        case .twoOrdersRecent: "2 orders, last within 90 days"
        case .oneOrderRecent: "1 order, within the last 60 days"
        case .frequentLapsed: "more than 3 orders, last more than 180 days ago"
        case .oneOrderLapsed: "1 order, more than 60 days ago"
        }
    }
}

/// A profile that may serve as an example.
public struct ExampleCandidate: Sendable, Hashable {
    public var profileID: String
    public var orders: Int
    public var daysSinceLastOrder: Int

    public init(profileID: String, orders: Int, daysSinceLastOrder: Int) {
        self.profileID = profileID
        self.orders = orders
        self.daysSinceLastOrder = daysSinceLastOrder
    }
}

public enum ExampleProfiles {
    /// For each rule, the first candidate (in the given order) that matches it; rules no candidate
    /// matches are absent. Pass candidates in the order the card should prefer (e.g. by profile id
    /// for stability); a profile serves at most one rule, since the rules are disjoint.
    public static func select(from candidates: [ExampleCandidate]) -> [ExampleProfileRule: String] {
        var chosen: [ExampleProfileRule: String] = [:]
        for candidate in candidates {
            for rule in ExampleProfileRule.allCases where chosen[rule] == nil {
                if rule.matches(orders: candidate.orders, daysSinceLastOrder: candidate.daysSinceLastOrder) {
                    chosen[rule] = candidate.profileID
                }
            }
            if chosen.count == ExampleProfileRule.allCases.count { break }
        }
        return chosen
    }
}
