import Billing
import Testing

@Suite struct UsageTests {
    let plan = Plan.withMarketingAnalytics(defaultTier(13_500))

    @Test func belowNinetyPercentNoWarning() {
        let usage = Usage(activeProfiles: 12_149, plan: self.plan, tiers: .defaults)
        #expect(usage.limit == 13_500)
        #expect(usage.headroom == 1_351)
        #expect(usage.warning == nil)
        #expect(usage.tierNeeded == nil)
    }

    @Test func atNinetyPercentWarns() {
        // 90% of 13,500 is exactly 12,150.
        let usage = Usage(activeProfiles: 12_150, plan: self.plan, tiers: .defaults)
        #expect(usage.warning == .approachingLimit)
        #expect(usage.headroom == 1_350)
        #expect(usage.summary == "12,150 of 13,500 active profiles: at or above 90% of the tier's limit; 1,350 to spare")
    }

    @Test func atTheLimitStillFits() {
        let usage = Usage(activeProfiles: 13_500, plan: self.plan, tiers: .defaults)
        #expect(usage.warning == .approachingLimit)
        #expect(usage.headroom == 0)
        #expect(usage.tierNeeded == nil)
    }

    @Test func oneOverTheLimitNeedsTheNextTier() {
        let usage = Usage(activeProfiles: 13_501, plan: self.plan, tiers: .defaults)
        #expect(usage.warning == .overLimit)
        #expect(usage.headroom == -1)
        #expect(usage.tierNeeded == defaultTier(25_000))
        #expect(!usage.exceedsLargestTier)
        #expect(usage.summary == "13,501 of 13,500 active profiles: over the limit by 1; the tier needed is up to 25,000 active profiles")
    }

    @Test func beyondTheLargestTier() {
        let usage = Usage(activeProfiles: 5_000_001, plan: self.plan, tiers: .defaults)
        #expect(usage.warning == .overLimit)
        #expect(usage.tierNeeded == nil)
        #expect(usage.exceedsLargestTier)
    }

    @Test func withoutTheAddOnThereIsNoLimit() {
        let usage = Usage(activeProfiles: 20_000, plan: .emailOnly, tiers: .defaults)
        #expect(usage.limit == nil)
        #expect(usage.headroom == nil)
        #expect(usage.warning == nil)
        #expect(usage.tierNeeded == nil)
    }
}
