/// What an account is told about its active profiles against its plan at one instant.
public struct Usage: Hashable, Sendable, Codable {
    public enum Warning: String, Hashable, Sendable, Codable {
        /// At or above 90% of the purchased tier's limit, and not above it.
        case approachingLimit
        /// Above the purchased tier's limit: `tierNeeded` says which tier covers the profiles.
        case overLimit
    }

    /// The share of the limit from which the account is warned: 90%, as a fraction so the test is
    /// exact integer arithmetic (`active × 10 ≥ limit × 9`).
    public static let warningNumerator = 9
    public static let warningDenominator = 10

    public let activeProfiles: Int
    /// The purchased Marketing Analytics tier; nil without the add-on (then there is no limit and
    /// no warning).
    public let purchasedTier: Tier?
    /// The purchased tier's limit minus the active profiles: how many more profiles fit, negative
    /// when over. Nil without the add-on.
    public let headroom: Int?
    public let warning: Warning?
    /// When over the limit: the smallest tier of the table covering the active profiles, or nil when
    /// none does (`exceedsLargestTier`).
    public let tierNeeded: Tier?
    /// Over the limit and beyond every tier of the table.
    public let exceedsLargestTier: Bool

    public var limit: Int? { self.purchasedTier?.activeProfileLimit }

    public init(activeProfiles: Int, plan: Plan, tiers: TierTable) {
        self.activeProfiles = activeProfiles
        self.purchasedTier = plan.marketingAnalytics
        guard let tier = plan.marketingAnalytics else {
            self.headroom = nil
            self.warning = nil
            self.tierNeeded = nil
            self.exceedsLargestTier = false
            return
        }
        let limit = tier.activeProfileLimit
        self.headroom = limit - activeProfiles
        if activeProfiles > limit {
            self.warning = .overLimit
            self.tierNeeded = tiers.tier(covering: activeProfiles)
            self.exceedsLargestTier = self.tierNeeded == nil
        } else {
            let approaching = activeProfiles * Self.warningDenominator >= limit * Self.warningNumerator
            self.warning = approaching ? .approachingLimit : nil
            self.tierNeeded = nil
            self.exceedsLargestTier = false
        }
    }

    /// One sentence for the CLI and the dashboard.
    public var summary: String {
        guard let tier = self.purchasedTier, let headroom = self.headroom else {
            return "\(self.activeProfiles.grouped) active profiles; no Marketing Analytics tier purchased"
        }
        let base = "\(self.activeProfiles.grouped) of \(tier.activeProfileLimit.grouped) active profiles"
        switch self.warning {
        case nil:
            return "\(base); \(headroom.grouped) to spare"
        case .approachingLimit?:
            return "\(base): at or above 90% of the tier's limit; \(headroom.grouped) to spare"
        case .overLimit?:
            if let needed = self.tierNeeded {
                return "\(base): over the limit by \((-headroom).grouped); the tier needed is \(needed.name)"
            }
            return "\(base): over the limit by \((-headroom).grouped), beyond the largest tier (\(tier.name))"
        }
    }
}
