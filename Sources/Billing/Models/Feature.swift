/// What an account can use, for entitlement checks. The gateway and the services ask
/// `Entitlements` before serving a feature.
public enum Feature: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    // On every plan.
    case customerHubDashboard
    case messageAttribution
    case segmentsAndLists
    case customMetrics

    // Marketing Analytics (PRODUCT.md 5.2–5.8 and 6).
    case funnels
    case conversionOverview
    case rfmAnalysis
    case audiencePerformance
    case cohorts
    case catalogInsights
    case predictiveCLV

    /// The Marketing Analytics reports and predictive CLV need the add-on; everything else comes
    /// with the email plan.
    public var requiresMarketingAnalytics: Bool {
        switch self {
        case .customerHubDashboard, .messageAttribution, .segmentsAndLists, .customMetrics:
            return false
        case .funnels, .conversionOverview, .rfmAnalysis, .audiencePerformance, .cohorts, .catalogInsights,
            .predictiveCLV:
            return true
        }
    }

    /// The name users see in messages.
    public var description: String {
        switch self {
        case .customerHubDashboard: return "The Customer Hub dashboard"
        case .messageAttribution: return "Message attribution"
        case .segmentsAndLists: return "Segments and lists"
        case .customMetrics: return "Custom metrics"
        case .funnels: return "Funnel analysis"
        case .conversionOverview: return "The conversion overview"
        case .rfmAnalysis: return "RFM analysis"
        case .audiencePerformance: return "The audience performance summary"
        case .cohorts: return "Cohort analysis"
        case .catalogInsights: return "Catalog insights"
        case .predictiveCLV: return "Predictive CLV"
        }
    }
}
