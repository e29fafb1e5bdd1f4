import Billing
import Foundation
import Testing

@Suite struct PlanScheduleTests {
    @Test func planAtAnInstantAppliesChangesInEffectiveOrder() throws {
        let schedule = try PlanSchedule(changes: [
            // Given out of order on purpose.
            PlanChange(effective: instant("2025-03-20T00:00:00Z"), action: .changeTier(defaultTier(25_000))),
            PlanChange(effective: instant("2025-03-10T14:00:00Z"), action: .addMarketingAnalytics(defaultTier(13_500))),
        ])
        #expect(schedule.plan(at: instant("2025-03-10T13:59:59Z")) == .emailOnly)
        #expect(schedule.plan(at: instant("2025-03-10T14:00:00Z")) == .withMarketingAnalytics(defaultTier(13_500)))
        #expect(schedule.plan(at: instant("2025-03-20T00:00:00Z")) == .withMarketingAnalytics(defaultTier(25_000)))
    }

    @Test func eachLocalDayIsBilledAtThePlanInForceAtItsEnd() throws {
        // Removal at 00:30 on the 10th in Berlin, which is still the 9th in UTC.
        let schedule = try PlanSchedule(
            initialPlan: .withMarketingAnalytics(defaultTier(13_500)),
            changes: [PlanChange(effective: instant("2025-03-09T23:30:00Z"), action: .removeMarketingAnalytics)])
        let berlinDays = schedule.dailyPlans(in: month(2025, 3), timeZone: berlin)
        let utcDays = schedule.dailyPlans(in: month(2025, 3), timeZone: utc)
        #expect(berlinDays.count == 31)
        #expect(berlinDays.prefix(9).allSatisfy { $0.hasMarketingAnalytics })
        #expect(berlinDays.dropFirst(9).allSatisfy { !$0.hasMarketingAnalytics })
        #expect(utcDays.prefix(8).allSatisfy { $0.hasMarketingAnalytics })
        #expect(utcDays.dropFirst(8).allSatisfy { !$0.hasMarketingAnalytics })
    }

    @Test func changesThatDoNotFitThePlanAreRefused() {
        let at = instant("2025-03-01T00:00:00Z")
        #expect(throws: PlanScheduleError.addOnAlreadyActive(effective: at)) {
            try PlanSchedule(
                initialPlan: .withMarketingAnalytics(defaultTier(13_500)),
                changes: [PlanChange(effective: at, action: .addMarketingAnalytics(defaultTier(25_000)))])
        }
        #expect(throws: PlanScheduleError.addOnNotActive(effective: at, action: .removeMarketingAnalytics)) {
            try PlanSchedule(changes: [PlanChange(effective: at, action: .removeMarketingAnalytics)])
        }
        let error = #expect(throws: PlanScheduleError.self) {
            try PlanSchedule(changes: [PlanChange(effective: at, action: .changeTier(defaultTier(25_000)))])
        }
        #expect(error?.description.contains("changes the tier of Marketing Analytics, which is off") == true)
    }

    @Test func changesAtTheSameInstantApplyInTheOrderGiven() throws {
        let at = instant("2025-03-01T00:00:00Z")
        let schedule = try PlanSchedule(changes: [
            PlanChange(effective: at, action: .addMarketingAnalytics(defaultTier(13_500))),
            PlanChange(effective: at, action: .changeTier(defaultTier(50_000))),
        ])
        #expect(schedule.plan(at: at) == .withMarketingAnalytics(defaultTier(50_000)))
    }
}
