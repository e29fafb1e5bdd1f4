import Billing
import Testing

@Suite struct EntitlementsTests {
    let withAddOn = Plan.withMarketingAnalytics(defaultTier(13_500))

    static let marketingAnalyticsFeatures: [Feature] = [
        .funnels, .conversionOverview, .rfmAnalysis, .audiencePerformance, .cohorts, .catalogInsights, .predictiveCLV,
    ]

    @Test(arguments: marketingAnalyticsFeatures)
    func reportsNeedTheAddOn(feature: Feature) {
        let error = #expect(throws: EntitlementError.requiresMarketingAnalytics(feature)) {
            try Entitlements(plan: .emailOnly).require(feature)
        }
        #expect(error?.description.contains("requires Marketing Analytics") == true)
        #expect(error?.code == "requires_marketing_analytics")
        #expect(throws: Never.self) { try Entitlements(plan: self.withAddOn).require(feature) }
    }

    @Test func refusalMessageNamesTheFeature() {
        #expect(EntitlementError.requiresMarketingAnalytics(.funnels).description
            == "Funnel analysis requires Marketing Analytics; add the Marketing Analytics add-on to use it")
    }

    @Test func theEmailPlanKeepsItsOwnFeatures() {
        #expect(Entitlements(plan: .emailOnly).features
            == [.customerHubDashboard, .messageAttribution, .segmentsAndLists, .customMetrics])
        #expect(Entitlements(plan: self.withAddOn).features == Set(Feature.allCases))
    }

    @Test func customMetricLimitIsOneWithoutAndFiftyWith() {
        #expect(Entitlements(plan: .emailOnly).customMetricLimit == 1)
        #expect(Entitlements(plan: self.withAddOn).customMetricLimit == 50)
    }

    @Test func oneCustomMetricWithoutMarketingAnalytics() throws {
        #expect(throws: Never.self) { try Entitlements.canCreateCustomMetric(existing: 0, plan: .emailOnly).get() }
        let error = #expect(throws: EntitlementError.self) {
            try Entitlements.canCreateCustomMetric(existing: 1, plan: .emailOnly).get()
        }
        #expect(error == .customMetricLimitReached(limit: 1, plan: .emailOnly))
        #expect(error?.description == "custom metric limit reached: the email plan without Marketing Analytics allows 1 custom metric; Marketing Analytics raises the limit to 50")
        #expect(error?.code == "custom_metric_limit_reached")
    }

    @Test func fiftyCustomMetricsWithMarketingAnalytics() {
        #expect(throws: Never.self) { try Entitlements.canCreateCustomMetric(existing: 49, plan: self.withAddOn).get() }
        let error = #expect(throws: EntitlementError.self) {
            try Entitlements.canCreateCustomMetric(existing: 50, plan: self.withAddOn).get()
        }
        #expect(error?.description == "custom metric limit reached: the email plan with Marketing Analytics (up to 13,500 active profiles) allows 50 custom metrics")
        // An account over the limit after a downgrade may not create more either.
        #expect(throws: EntitlementError.self) {
            try Entitlements.canCreateCustomMetric(existing: 7, plan: .emailOnly).get()
        }
    }
}
