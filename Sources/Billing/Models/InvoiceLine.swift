/// One line of a monthly invoice.
public struct InvoiceLine: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Item: Hashable, Sendable, Codable {
        /// The base email plan, always the whole month.
        case emailPlan
        /// The add-on for a run of days with the same purchased tier. `billed` is `purchased`, or the
        /// tier the month's active profiles actually needed when that is larger.
        case marketingAnalytics(purchased: Tier, billed: Tier)
    }

    public let item: Item
    /// Local days of the month the line covers, both inclusive (1-based).
    public let firstDay: Int
    public let lastDay: Int
    public let daysInMonth: Int
    public let amount: Money
    /// The month's active profiles exceeded even the largest tier; billed at the largest tier.
    public let exceedsLargestTier: Bool

    public init(item: Item, firstDay: Int, lastDay: Int, daysInMonth: Int, amount: Money, exceedsLargestTier: Bool = false) {
        self.item = item
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.daysInMonth = daysInMonth
        self.amount = amount
        self.exceedsLargestTier = exceedsLargestTier
    }

    public var days: Int { self.lastDay - self.firstDay + 1 }

    /// `"Marketing Analytics, up to 25,000 active profiles (tier needed; purchased: up to 13,500
    /// active profiles), days 10–31 of 31: 118.55"`.
    public var description: String {
        let period = self.days == self.daysInMonth
            ? "whole month" : "days \(self.firstDay)–\(self.lastDay) of \(self.daysInMonth)"
        switch self.item {
        case .emailPlan:
            return "Email plan, \(period): \(self.amount)"
        case .marketingAnalytics(let purchased, let billed):
            var tier = billed.name
            if self.exceedsLargestTier {
                tier += " (active profiles exceed the largest tier; purchased: \(purchased.name))"
            } else if billed != purchased {
                tier += " (tier needed; purchased: \(purchased.name))"
            }
            return "Marketing Analytics, \(tier), \(period): \(self.amount)"
        }
    }
}
