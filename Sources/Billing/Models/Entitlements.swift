/// What an account may use on its plan: a pure function of the plan, so every service answers the
/// same way.
///
/// **Custom metrics and atomicity.** `canCreateCustomMetric(existing:plan:)` only decides; it
/// cannot stop two concurrent creations from both seeing 49 existing metrics. The service must make
/// the count and the insert one step per account: in one write transaction (SQLite's single writer
/// serialises them: count, decide, insert, commit) or inside the account's actor, and must read the
/// plan in the same step, so a downgrade racing a creation cannot let the creation through.
public struct Entitlements: Hashable, Sendable {
    public static let customMetricLimitWithoutMarketingAnalytics = 1
    public static let customMetricLimitWithMarketingAnalytics = 50

    public let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
    }

    /// Everything the plan allows.
    public var features: Set<Feature> {
        Set(Feature.allCases.filter(self.allows))
    }

    public func allows(_ feature: Feature) -> Bool {
        !feature.requiresMarketingAnalytics || self.plan.hasMarketingAnalytics
    }

    /// Throws `.requiresMarketingAnalytics` when the plan does not include `feature`.
    public func require(_ feature: Feature) throws(EntitlementError) {
        guard self.allows(feature) else { throw .requiresMarketingAnalytics(feature) }
    }

    /// 1 without Marketing Analytics, 50 with it.
    public var customMetricLimit: Int {
        Self.customMetricLimit(for: self.plan)
    }

    public static func customMetricLimit(for plan: Plan) -> Int {
        plan.hasMarketingAnalytics
            ? Self.customMetricLimitWithMarketingAnalytics : Self.customMetricLimitWithoutMarketingAnalytics
    }

    /// Whether an account with `existing` custom metrics may create one more: `.success` or the
    /// refusal naming the limit and the plan. Pure; see the type's note on doing this atomically.
    public static func canCreateCustomMetric(existing: Int, plan: Plan) -> Result<Void, EntitlementError> {
        let limit = Self.customMetricLimit(for: plan)
        return existing < limit ? .success(()) : .failure(.customMetricLimitReached(limit: limit, plan: plan))
    }
}
