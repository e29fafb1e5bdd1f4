/// Why an account may not do something on its plan. `code` is stable (for API error bodies);
/// `description` is the message for people.
public enum EntitlementError: Error, Hashable, Sendable, CustomStringConvertible {
    case requiresMarketingAnalytics(Feature)
    case customMetricLimitReached(limit: Int, plan: Plan)

    public var code: String {
        switch self {
        case .requiresMarketingAnalytics: return "requires_marketing_analytics"
        case .customMetricLimitReached: return "custom_metric_limit_reached"
        }
    }

    public var description: String {
        switch self {
        case .requiresMarketingAnalytics(let feature):
            return "\(feature) requires Marketing Analytics; add the Marketing Analytics add-on to use it"
        case .customMetricLimitReached(let limit, let plan):
            let metrics = limit == 1 ? "1 custom metric" : "\(limit) custom metrics"
            var message = "custom metric limit reached: \(plan) allows \(metrics)"
            if !plan.hasMarketingAnalytics {
                message += "; Marketing Analytics raises the limit to \(Entitlements.customMetricLimitWithMarketingAnalytics)"
            }
            return message
        }
    }
}
