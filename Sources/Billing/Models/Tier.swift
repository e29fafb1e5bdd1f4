/// One row of the Marketing Analytics tier table: up to `activeProfileLimit` active profiles for
/// `monthlyPrice` a month.
public struct Tier: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The most active profiles the tier covers (inclusive: 13,500 is within a 13,500 tier).
    public let activeProfileLimit: Int
    public let monthlyPrice: Money

    public init(activeProfileLimit: Int, monthlyPrice: Money) {
        self.activeProfileLimit = activeProfileLimit
        self.monthlyPrice = monthlyPrice
    }

    /// Whether the tier covers this many active profiles.
    public func covers(activeProfiles: Int) -> Bool {
        activeProfiles <= self.activeProfileLimit
    }

    /// `"up to 13,500 active profiles"`: how invoices and messages name a tier.
    public var name: String {
        "up to \(self.activeProfileLimit.grouped) active profiles"
    }

    /// `"up to 13,500 active profiles, 100.00/month"`.
    public var description: String {
        "\(self.name), \(self.monthlyPrice)/month"
    }
}
