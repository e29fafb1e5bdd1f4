/// Why a tier table (from code or configuration) was refused. Each message names the offending
/// tier or line, so an operator can fix the configuration without reading code.
public enum TierTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No tiers at all: Marketing Analytics could not be sold.
    case empty
    /// A tier limit of zero or less (tier numbers count from 1).
    case nonPositiveLimit(tier: Int, limit: Int)
    /// A price of zero or less.
    case nonPositivePrice(tier: Int, price: Money)
    /// Limits must strictly increase, so every count has exactly one smallest covering tier.
    case limitsNotAscending(tier: Int, limit: Int, previousLimit: Int)
    /// A larger tier cheaper than a smaller one would make being over the limit cheaper than
    /// staying within it.
    case priceDecreases(tier: Int, price: Money, previousPrice: Money)
    /// A configuration line that is not `<limit> <price>` (lines count from 1).
    case malformedLine(line: Int, text: String)
    /// JSON configuration that does not have the documented shape.
    case malformedJSON(reason: String)

    public var description: String {
        switch self {
        case .empty:
            return "the tier table has no tiers; at least one is needed"
        case .nonPositiveLimit(let tier, let limit):
            return "tier \(tier): the active-profile limit must be positive, got \(limit)"
        case .nonPositivePrice(let tier, let price):
            return "tier \(tier): the monthly price must be positive, got \(price)"
        case .limitsNotAscending(let tier, let limit, let previousLimit):
            return "tier \(tier): limits must increase from tier to tier, but \(limit.grouped) follows \(previousLimit.grouped)"
        case .priceDecreases(let tier, let price, let previousPrice):
            return "tier \(tier): a larger tier cannot cost less than a smaller one, but \(price) follows \(previousPrice)"
        case .malformedLine(let line, let text):
            return "line \(line): expected '<active-profile limit> <monthly price>', e.g. '13500 100.00', got '\(text)'"
        case .malformedJSON(let reason):
            return "tier table JSON: \(reason); expected {\"tiers\": [{\"activeProfiles\": 13500, \"monthlyPrice\": \"100.00\"}, …]}"
        }
    }
}
