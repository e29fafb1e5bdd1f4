public import Foundation

/// One dated change to an account's plan. Changes are stored, never edited, so any month's plan can
/// be recomputed from the list (see `PlanSchedule`).
public struct PlanChange: Hashable, Sendable, Codable {
    public enum Action: Hashable, Sendable, Codable {
        /// Turn the add-on on at a tier. Refused when it is already on (use `changeTier`).
        case addMarketingAnalytics(Tier)
        /// Turn the add-on off. Refused when it is off.
        case removeMarketingAnalytics
        /// Move to another tier, up or down. Refused when the add-on is off.
        case changeTier(Tier)
    }

    /// The instant from which the change applies.
    public let effective: Date
    public let action: Action

    public init(effective: Date, action: Action) {
        self.effective = effective
        self.action = action
    }

    /// The plan after this change, or nil when the change makes no sense on `plan`.
    func applied(to plan: Plan) -> Plan? {
        switch self.action {
        case .addMarketingAnalytics(let tier):
            return plan.hasMarketingAnalytics ? nil : .withMarketingAnalytics(tier)
        case .removeMarketingAnalytics:
            return plan.hasMarketingAnalytics ? .emailOnly : nil
        case .changeTier(let tier):
            return plan.hasMarketingAnalytics ? .withMarketingAnalytics(tier) : nil
        }
    }
}
