import Billing
import Foundation
import Testing

@Suite struct InvoiceTests {
    /// A $20.00 email plan so its line is visible in the totals.
    let prices = PriceList(emailPlanMonthlyPrice: Money(units: 20), marketingAnalyticsTiers: .defaults)
    let march = month(2025, 3)

    func invoice(_ schedule: PlanSchedule, activeProfiles: Int, timeZone: TimeZone = berlin) -> Invoice {
        Invoice(month: self.march, timeZone: timeZone, schedule: schedule, activeProfiles: activeProfiles, prices: self.prices)
    }

    @Test func wholeMonthWithinTheTier() throws {
        let schedule = try PlanSchedule(initialPlan: .withMarketingAnalytics(defaultTier(13_500)))
        let invoice = self.invoice(schedule, activeProfiles: 13_500)
        #expect(invoice == Invoice(month: self.march, currency: "USD", activeProfiles: 13_500, lines: [
            InvoiceLine(item: .emailPlan, firstDay: 1, lastDay: 31, daysInMonth: 31, amount: Money(units: 20)),
            InvoiceLine(
                item: .marketingAnalytics(purchased: defaultTier(13_500), billed: defaultTier(13_500)),
                firstDay: 1, lastDay: 31, daysInMonth: 31, amount: Money(units: 100)),
        ]))
        #expect(invoice.total == Money(units: 120))
    }

    @Test func overThePurchasedTierBillsTheTierNeeded() throws {
        let schedule = try PlanSchedule(initialPlan: .withMarketingAnalytics(defaultTier(13_500)))
        let invoice = self.invoice(schedule, activeProfiles: 13_501)
        #expect(invoice.lines[1].item == .marketingAnalytics(purchased: defaultTier(13_500), billed: defaultTier(25_000)))
        #expect(invoice.lines[1].amount == Money(units: 150))
        #expect(invoice.total == Money(units: 170))
        #expect(invoice.lines[1].description
            == "Marketing Analytics, up to 25,000 active profiles (tier needed; purchased: up to 13,500 active profiles), whole month: 150.00")
    }

    @Test func aLargerPurchasedTierIsNotDowngraded() throws {
        let schedule = try PlanSchedule(initialPlan: .withMarketingAnalytics(defaultTier(100_000)))
        let invoice = self.invoice(schedule, activeProfiles: 10)
        #expect(invoice.lines[1].amount == Money(units: 400))
    }

    @Test func beyondTheLargestTierBillsTheLargestAndSaysSo() throws {
        let schedule = try PlanSchedule(initialPlan: .withMarketingAnalytics(defaultTier(13_500)))
        let line = self.invoice(schedule, activeProfiles: 6_000_000).lines[1]
        #expect(line.item == .marketingAnalytics(purchased: defaultTier(13_500), billed: defaultTier(5_000_000)))
        #expect(line.amount == Money(units: 7_000))
        #expect(line.exceedsLargestTier)
        #expect(line.description.contains("active profiles exceed the largest tier"))
    }

    /// A tier bought before the table shrank, larger than today's largest: over it, the account keeps
    /// paying its own tier rather than dropping to a smaller one.
    @Test func overAPurchasedTierLargerThanTheTableKeepsThatTier() throws {
        let legacy = Tier(activeProfileLimit: 10_000_000, monthlyPrice: Money(units: 9_000))
        let line = self.invoice(try PlanSchedule(initialPlan: .withMarketingAnalytics(legacy)), activeProfiles: 11_000_000).lines[1]
        #expect(line.item == .marketingAnalytics(purchased: legacy, billed: legacy))
        #expect(line.amount == Money(units: 9_000))
        #expect(line.exceedsLargestTier)
    }

    @Test func emailPlanOnlyHasOneLine() throws {
        let invoice = self.invoice(try PlanSchedule(), activeProfiles: 50_000)
        #expect(invoice.lines.count == 1)
        #expect(invoice.total == Money(units: 20))
    }

    /// Added on the 10th at 14:00 and upgraded from the 20th, Berlin time, in a 31-day month:
    /// 13,500 tier for days 10–19 (10 days): 100 × 10/31 = 32.258… → 32.26;
    /// 25,000 tier for days 20–31 (12 days): 150 × 12/31 = 58.064… → 58.06;
    /// with the 20.00 email plan: 110.32.
    @Test func midMonthAddAndUpgradeAreProratedByLocalDays() throws {
        let schedule = try PlanSchedule(changes: [
            PlanChange(effective: instant("2025-03-10T14:00:00+01:00"), action: .addMarketingAnalytics(defaultTier(13_500))),
            PlanChange(effective: instant("2025-03-20T00:00:00+01:00"), action: .changeTier(defaultTier(25_000))),
        ])
        let invoice = self.invoice(schedule, activeProfiles: 9_000)
        #expect(invoice.lines == [
            InvoiceLine(item: .emailPlan, firstDay: 1, lastDay: 31, daysInMonth: 31, amount: Money(units: 20)),
            InvoiceLine(
                item: .marketingAnalytics(purchased: defaultTier(13_500), billed: defaultTier(13_500)),
                firstDay: 10, lastDay: 19, daysInMonth: 31, amount: Money(minorUnits: 3_226)),
            InvoiceLine(
                item: .marketingAnalytics(purchased: defaultTier(25_000), billed: defaultTier(25_000)),
                firstDay: 20, lastDay: 31, daysInMonth: 31, amount: Money(minorUnits: 5_806)),
        ])
        #expect(invoice.total == Money(minorUnits: 11_032))
        #expect(invoice.lines[1].description
            == "Marketing Analytics, up to 13,500 active profiles, days 10–19 of 31: 32.26")

        // Over both purchased tiers, both runs are billed at the 50,000 tier (250.00):
        // 250 × 10/31 = 80.645… → 80.65 and 250 × 12/31 = 96.774… → 96.77.
        let over = self.invoice(schedule, activeProfiles: 30_000)
        #expect(over.lines.map(\.amount) == [Money(units: 20), Money(minorUnits: 8_065), Money(minorUnits: 9_677)])
        #expect(over.total == Money(minorUnits: 19_742))
    }

    /// The removal falls on the 10th in Berlin but the 9th in UTC: 9 days or 8 days of 100.00/31.
    @Test func removalIsProratedInTheAccountsTimeZone() throws {
        let schedule = try PlanSchedule(
            initialPlan: .withMarketingAnalytics(defaultTier(13_500)),
            changes: [PlanChange(effective: instant("2025-03-09T23:30:00Z"), action: .removeMarketingAnalytics)])
        let inBerlin = self.invoice(schedule, activeProfiles: 100, timeZone: berlin)
        let inUTC = self.invoice(schedule, activeProfiles: 100, timeZone: utc)
        #expect(inBerlin.lines[1].lastDay == 9)
        #expect(inBerlin.lines[1].amount == Money(minorUnits: 2_903))  // 29.032…
        #expect(inUTC.lines[1].lastDay == 8)
        #expect(inUTC.lines[1].amount == Money(minorUnits: 2_581))  // 25.806…
    }

    /// The whole chain from stored data: events and merges → the month's count → the invoice,
    /// computed twice from the same inputs fed in different orders.
    @Test func invoicesAreReproducibleFromStoredData() throws {
        // A tiny table so a handful of profiles crosses a tier.
        let tiers = try TierTable([
            Tier(activeProfileLimit: 2, monthlyPrice: Money(units: 100)),
            Tier(activeProfileLimit: 4, monthlyPrice: Money(units: 150)),
        ])
        let schedule = try PlanSchedule(initialPlan: .withMarketingAnalytics(tiers.smallest))
        let prices = PriceList(emailPlanMonthlyPrice: Money(units: 20), marketingAnalyticsTiers: tiers)
        let events: [(UInt64, Date)] = [
            (1, instant("2024-04-01T00:00:00+02:00")),  // first instant of the window for March 2025
            (2, instant("2024-03-31T23:59:59+02:00")),  // one second too early
            (3, instant("2025-03-31T23:59:59+02:00")),  // last second of March in Berlin
            (4, instant("2025-03-31T22:30:00Z")),  // 00:30 on 1 April in Berlin: too late
            (5, instant("2025-01-15T12:00:00Z")),
            (6, instant("2025-02-15T12:00:00Z")),  // merged into 5
        ]
        func build(_ events: [(UInt64, Date)]) -> Invoice {
            var counter = ActiveProfileCounter(timeZone: berlin)
            for (profile, at) in events { counter.record(profile: profile, at: at) }
            counter.merge(6, into: 5)
            return Invoice(
                month: self.march, timeZone: berlin, schedule: schedule,
                activeProfiles: counter.activeProfiles(in: self.march), prices: prices)
        }
        let first = build(events)
        let second = build(events.reversed())
        #expect(first == second)
        // Profiles 1, 3 and 5 (with 6): 3 active, over the 2-profile tier, billed at the 4-profile tier.
        #expect(first == Invoice(month: self.march, currency: "USD", activeProfiles: 3, lines: [
            InvoiceLine(item: .emailPlan, firstDay: 1, lastDay: 31, daysInMonth: 31, amount: Money(units: 20)),
            InvoiceLine(
                item: .marketingAnalytics(purchased: tiers.tiers[0], billed: tiers.tiers[1]),
                firstDay: 1, lastDay: 31, daysInMonth: 31, amount: Money(units: 150)),
        ]))
        #expect(first.total == Money(units: 170))
        #expect(first.text == """
            Invoice 2025-03, 3 active profiles (USD)
              Email plan, whole month: 20.00
              Marketing Analytics, up to 4 active profiles (tier needed; purchased: up to 2 active profiles), whole month: 150.00
              Total: 170.00

            """)
    }
}
