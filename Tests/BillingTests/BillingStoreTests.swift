import Billing
import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import Testing

@Suite struct BillingStoreTests {
    // MARK: Usage against the first tier

    @Test(arguments: StoreBackend.available) func usageAtExactlyTheFirstTierLimitAndOneMore(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        var entries = [log.account(1, plan: .marketingAnalytics, createdAt: instant("2025-01-10T09:00:00Z"))]
        for profile in 1...13_500 as ClosedRange<UInt64> {
            entries.append(log.event(1, profile: profile, at: instant("2025-06-01T00:00:00Z").addingTimeInterval(Double(profile))))
        }
        try await store.apply(entries, batchSize: 5_000)

        let atLimit = try await store.usage(UsageRequest(accountID: 1))
        #expect(atLimit.activeProfiles == 13_500)
        #expect(atLimit.tier == TierInfo(activeProfileLimit: 13_500, monthlyPriceMinor: 10_000))
        #expect(atLimit.headroom == 0)
        #expect(atLimit.usedBasisPoints == 10_000)
        #expect(atLimit.warning)
        #expect(!atLimit.overLimit)
        #expect(atLimit.tierNeeded == TierInfo(activeProfileLimit: 13_500, monthlyPriceMinor: 10_000))
        #expect(atLimit.logPosition == log.position)
        #expect(atLimit.lookBackMonths == 12)

        try await store.apply([log.event(1, profile: 13_501, at: instant("2025-06-14T08:00:00Z"))])
        let over = try await store.usage(UsageRequest(accountID: 1))
        #expect(over.activeProfiles == 13_501)
        #expect(over.headroom == -1)
        #expect(over.usedBasisPoints == 10_000)  // 100.007%, floored
        #expect(over.warning)
        #expect(over.overLimit)
        #expect(over.tierNeeded == TierInfo(activeProfileLimit: 25_000, monthlyPriceMinor: 15_000))

        // The June invoice bills the tier needed for the whole month (purchased tier since January).
        let june = try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-06"))
        #expect(june.activeProfiles == 13_501)
        #expect(!june.final)
        #expect(june.lines.count == 2)
        #expect(june.lines[1].amountMinor == 15_000)
        #expect(june.lines[1].description.contains("tier needed"))
        #expect(june.totalMinor == 15_000)
        // May: nobody active yet, the purchased tier as bought.
        let may = try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-05"))
        #expect(may.activeProfiles == 0 && may.totalMinor == 10_000 && may.final)
    }

    @Test(arguments: StoreBackend.available) func usageWarnsFromNinetyPercent(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        var entries = [log.account(1, plan: .marketingAnalytics, createdAt: instant("2025-01-10T09:00:00Z"))]
        for profile in 1...12_149 as ClosedRange<UInt64> {
            entries.append(log.event(1, profile: profile, at: instant("2025-06-02T00:00:00Z")))
        }
        try await store.apply(entries, batchSize: 4_000)
        let below = try await store.usage(UsageRequest(accountID: 1))
        #expect(below.activeProfiles == 12_149 && !below.warning && below.headroom == 1_351 && below.usedBasisPoints == 8_999)
        try await store.apply([log.event(1, profile: 12_150, at: instant("2025-06-02T00:00:00Z"))])
        let at = try await store.usage(UsageRequest(accountID: 1))
        #expect(at.activeProfiles == 12_150 && at.warning && !at.overLimit && at.usedBasisPoints == 9_000)
    }

    @Test(arguments: StoreBackend.available) func emailPlanUsageHasNoTier(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, createdAt: instant("2025-01-10T09:00:00Z")),
            log.event(1, profile: 1, at: instant("2025-06-02T00:00:00Z")),
        ])
        let usage = try await store.usage(UsageRequest(accountID: 1))
        #expect(usage.activeProfiles == 1)
        #expect(usage.tier == nil && usage.headroom == nil && usage.usedBasisPoints == nil && !usage.warning && !usage.overLimit)
        #expect(usage.tierNeeded?.activeProfileLimit == 13_500)
    }

    // MARK: The look-back window

    @Test(arguments: StoreBackend.available) func lookBackIsTwelveMonthsBothEndsInclusive(_ backend: StoreBackend) async throws {
        let now = instant("2026-03-15T12:00:00Z")
        let fixture = try StoreFixture(backend: backend, now: now)
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, createdAt: instant("2024-01-01T00:00:00Z")),
            log.event(1, profile: 1, at: instant("2025-03-14T12:00:00Z")),  // 12 months + 1 day ago
            log.event(1, profile: 2, at: instant("2025-03-15T12:00:00Z")),  // exactly 12 months ago
            log.event(1, profile: 3, at: instant("2025-03-15T11:59:59Z")),  // a second more
            log.event(1, profile: 4, at: now),  // now
            log.event(1, profile: 5, at: now.addingTimeInterval(1)),  // a second from now
        ])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 2)  // profiles 2 and 4
        // A past instant sees only what had happened by then.
        #expect(try await store.usage(UsageRequest(accountID: 1, asOf: instant("2025-03-15T12:00:00Z"))).activeProfiles == 3)
        #expect(try await store.usage(UsageRequest(accountID: 1, asOf: instant("2025-03-14T11:59:59Z"))).activeProfiles == 0)

        // Months: the window of February 2026 is March 2025 ... February 2026 (profiles 1, 2, 3);
        // March 2026's starts in April 2025 (profiles 4 and 5 only).
        let months = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: "2025-02", to: "2026-03"))
        #expect(months.months.first == MonthUsage(month: "2025-02", activeProfiles: 0))
        #expect(months.months[1] == MonthUsage(month: "2025-03", activeProfiles: 3))
        #expect(months.months[months.months.count - 2] == MonthUsage(month: "2026-02", activeProfiles: 3))
        #expect(months.months.last == MonthUsage(month: "2026-03", activeProfiles: 2))
    }

    @Test(arguments: StoreBackend.available) func monthsAreLocalToTheAccountsTimeZone(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2026-03-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        let lateJanuary = instant("2025-01-31T23:30:00Z")  // 1 February 00:30 in Berlin
        try await store.apply([
            log.account(1, timeZone: "Europe/Berlin", createdAt: instant("2024-01-01T00:00:00Z")),
            log.account(2, timeZone: "UTC", createdAt: instant("2024-01-01T00:00:00Z")),
            log.event(1, profile: 1, at: lateJanuary),
            log.event(2, profile: 1, at: lateJanuary),
        ])
        let berlin = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: "2025-12", to: "2026-01"))
        let utc = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 2, from: "2025-12", to: "2026-01"))
        #expect(berlin.months.map(\.activeProfiles) == [1, 1])  // February 2025 is in both windows
        #expect(utc.months.map(\.activeProfiles) == [1, 0])  // January 2025 left the window in January 2026
    }

    // MARK: Order, merges, what counts

    @Test(arguments: StoreBackend.available) func outOfOrderEventsGiveTheSameCounts(_ backend: StoreBackend) async throws {
        var generator = SeededGenerator(state: 42)
        let base = instant("2024-01-01T00:00:00Z")
        var events: [(UInt64, Date)] = []
        for _ in 0..<3_000 {
            let profile = UInt64.random(in: 1...400, using: &generator)
            let time = base.addingTimeInterval(Double(Int.random(in: 0..<(800 * 86_400), using: &generator)))
            events.append((profile, time))
        }
        var shuffled = events
        shuffled.shuffle(using: &generator)
        let sorted = events.sorted { $0.1 < $1.1 }

        var answers: [MonthlyUsage] = []
        var nowCounts: [Int64] = []
        for order in [sorted, shuffled] {
            let fixture = try StoreFixture(backend: backend, now: instant("2026-02-20T00:00:00Z"))
            defer { fixture.remove() }
            let store = try await fixture.open()
            var log = LogBuilder()
            var entries = [log.account(1, timeZone: "America/New_York", createdAt: base)]
            entries += order.map { log.event(1, profile: $0.0, at: $0.1) }
            try await store.apply(entries, batchSize: 250)
            answers.append(try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: "2024-01", to: "2026-02")))
            nowCounts.append(try await store.usage(UsageRequest(accountID: 1)).activeProfiles)
        }
        #expect(answers[0] == answers[1])
        #expect(nowCounts[0] == nowCounts[1])

        // And both agree with the pure model.
        var counter = ActiveProfileCounter(timeZone: TimeZone(identifier: "America/New_York")!)
        for (profile, time) in events { counter.record(profile: profile, at: time) }
        for usage in answers[0].months {
            let parts = usage.month.split(separator: "-").map { Int($0)! }
            #expect(Int(usage.activeProfiles) == counter.activeProfiles(in: CalendarMonth(year: parts[0], month: parts[1])), "\(usage.month)")
        }
    }

    @Test(arguments: StoreBackend.available) func mergedProfilesCountOnceInPastMonthsToo(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, createdAt: instant("2024-01-01T00:00:00Z")),
            log.event(1, profile: 1, at: instant("2025-02-10T00:00:00Z")),
            log.event(1, profile: 2, at: instant("2025-03-10T00:00:00Z")),
            log.event(1, profile: 3, at: instant("2025-04-10T00:00:00Z")),
        ])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 3)
        try await store.apply([log.merge(1, merged: 2, into: 1, at: instant("2025-05-01T00:00:00Z"))])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 2)
        // March: profile 2's history is profile 1's now (one profile, not two).
        let months = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: "2025-03", to: "2025-04"))
        #expect(months.months.map(\.activeProfiles) == [1, 2])
        // Later events naming the merged profile, and a chain (3 into 2, already in 1), stay one profile.
        try await store.apply([
            log.event(1, profile: 2, at: instant("2025-06-01T00:00:00Z")),
            log.merge(1, merged: 3, into: 2, at: instant("2025-06-02T00:00:00Z")),
            log.event(1, profile: 3, at: instant("2025-06-03T00:00:00Z")),
            log.merge(1, merged: 1, into: 1, at: instant("2025-06-03T00:00:00Z")),
        ])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 1)
        #expect(try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: "2025-04", to: "2025-04")).months[0].activeProfiles == 1)
        // Months only the merged profile had move to the survivor: they still count, once.
        try await store.apply([
            log.account(2, createdAt: instant("2024-01-01T00:00:00Z")),
            log.event(2, profile: 4, at: instant("2024-03-10T00:00:00Z")),
            log.event(2, profile: 5, at: instant("2025-05-20T00:00:00Z")),
            log.merge(2, merged: 4, into: 5, at: instant("2025-05-21T00:00:00Z")),
        ])
        let history = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 2, from: "2024-03", to: "2024-04"))
        #expect(history.months.map(\.activeProfiles) == [1, 1])
    }

    @Test(arguments: StoreBackend.available) func onlyEventsCountAsActivity(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, createdAt: instant("2024-01-01T00:00:00Z")),
            log.profileUpsert(1, profile: 7, at: instant("2025-06-01T00:00:00Z")),
            log.event(1, profile: 8, at: instant("2025-06-01T00:00:00Z")),
        ])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 1)
        #expect(try await store.position() == 3)
    }

    // MARK: Plans and invoices

    @Test(arguments: StoreBackend.available) func planChangesMidMonthProrateByDay(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(
            backend: backend, now: instant("2025-04-02T10:00:00Z"),
            prices: PriceList(emailPlanMonthlyPrice: Money(units: 20), marketingAnalyticsTiers: .defaults))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(1, timeZone: "Europe/Berlin", createdAt: instant("2025-02-03T10:00:00Z"))])

        // Added at 14:00 on 10 March at the 13,500 tier, moved to the 25,000 tier on the 20th.
        let added = try await store.changePlan(
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-03-10T14:00:00+01:00")))
        #expect(added.changes.count == 2)
        #expect(added.changes[1].effective == instant("2025-03-10T00:00:00+01:00"))  // the start of the local day
        #expect(added.changes[1].requestedAt == fixture.clock.now)
        let moved = try await store.changePlan(
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 25_000, effective: instant("2025-03-20T09:00:00+01:00")))
        #expect(moved.current == PlanView(marketingAnalytics: TierInfo(activeProfileLimit: 25_000, monthlyPriceMinor: 15_000)))
        #expect(moved.currency == "USD")

        let march = try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-03"))
        #expect(march.final)
        #expect(march.lines == [
            InvoiceLineView(description: "Email plan", firstDay: 1, lastDay: 31, daysInMonth: 31, amountMinor: 2_000, exceedsLargestTier: false),
            InvoiceLineView(
                description: "Marketing Analytics, up to 13,500 active profiles", firstDay: 10, lastDay: 19, daysInMonth: 31,
                amountMinor: 3_226, exceedsLargestTier: false),  // 100 × 10/31 = 32.258…
            InvoiceLineView(
                description: "Marketing Analytics, up to 25,000 active profiles", firstDay: 20, lastDay: 31, daysInMonth: 31,
                amountMinor: 5_806, exceedsLargestTier: false),  // 150 × 12/31 = 58.064…
        ])
        #expect(march.totalMinor == 11_032)
        // Reproducible: the same stored data gives the same invoice, also through the list.
        #expect(try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-03")) == march)
        let list = try await store.invoices(accountID: 1)
        #expect(list.invoices.map(\.month) == ["2025-04", "2025-03", "2025-02"])
        #expect(list.invoices[1] == march)
        #expect(list.invoices.map(\.final) == [false, true, true])
        #expect(list.invoices[2].totalMinor == 2_000)  // email plan only
        #expect(list.invoices[0].totalMinor == 2_000 + 15_000)
    }

    @Test(arguments: StoreBackend.available) func theStartingPlanComesFromTheAccountOnlyOnce(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        let created = instant("2025-03-05T15:00:00Z")
        try await store.apply([log.account(1, plan: .marketingAnalytics, createdAt: created)])
        var plan = try await store.plan(accountID: 1)
        #expect(plan.current.marketingAnalytics?.activeProfileLimit == 13_500)
        #expect(plan.changes.map(\.effective) == [instant("2025-03-05T00:00:00Z")])
        // The creation month is prorated from the creation day: 27 of 31 days.
        #expect(try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-03")).totalMinor == 8_710)

        // A later account entry changes the time zone, never the plan.
        try await store.apply([log.account(1, timeZone: "Asia/Tokyo", plan: .email, createdAt: created)])
        plan = try await store.plan(accountID: 1)
        #expect(plan.changes.count == 1)
        #expect(plan.current.marketingAnalytics?.activeProfileLimit == 13_500)
        #expect(try await store.entitlements(accountID: 1).customMetricLimit == 50)
    }

    @Test(arguments: StoreBackend.available) func planChangesBeforeCreationAndBadTiersAreRefused(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(1, timeZone: "Europe/Berlin", createdAt: instant("2025-03-05T15:00:00Z"))])

        await #expect(throws: BillingError.self) {
            _ = try await store.changePlan(
                ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-03-04T12:00:00Z")))
        }
        do {
            _ = try await store.changePlan(ChangePlanRequest(accountID: 1, marketingAnalytics: true, effective: instant("2025-01-01T00:00:00Z")))
            Issue.record("a change before the account's creation was accepted")
        } catch let error as BillingError {
            #expect(error.rpcError.code == .invalidArgument)
            #expect(error.description.contains("before the account's creation on 2025-03-05"))
        }
        // Earlier on the creation day is fine: changes count by local day.
        let sameDay = try await store.changePlan(
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-03-05T08:00:00Z")))
        #expect(sameDay.changes.last?.effective == instant("2025-03-05T00:00:00+01:00"))

        for bad in [
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 20_000),
            ChangePlanRequest(accountID: 1, marketingAnalytics: false, tierActiveProfileLimit: 13_500),
        ] {
            do {
                _ = try await store.changePlan(bad)
                Issue.record("accepted \(bad)")
            } catch let error as BillingError {
                #expect(error.rpcError.code == .invalidArgument)
            }
        }
        do {
            _ = try await store.changePlan(ChangePlanRequest(accountID: 9, marketingAnalytics: false))
            Issue.record("accepted a change for an unknown account")
        } catch let error as BillingError {
            #expect(error == .accountNotFound(9))
            #expect(error.rpcError.code == .notFound)
        }
        #expect(try await store.plan(accountID: 1).changes.count == 2)  // only the creation plan and the same-day change
    }

    @Test(arguments: StoreBackend.available) func aChangeWithoutATierPicksTheTierCoveringTheActiveProfiles(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        var entries = [log.account(1, createdAt: instant("2025-01-01T00:00:00Z"))]
        for profile in 1...13_501 as ClosedRange<UInt64> { entries.append(log.event(1, profile: profile, at: instant("2025-03-01T00:00:00Z"))) }
        try await store.apply(entries, batchSize: 5_000)
        let plan = try await store.changePlan(ChangePlanRequest(accountID: 1, marketingAnalytics: true))
        #expect(plan.current.marketingAnalytics?.activeProfileLimit == 25_000)
        #expect(plan.changes.last?.effective == instant("2025-04-02T00:00:00Z"))
    }

    @Test(arguments: StoreBackend.available) func entitlementsFollowThePlan(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(1, createdAt: instant("2025-03-05T15:00:00Z"))])
        let email = try await store.entitlements(accountID: 1)
        #expect(!email.marketingAnalytics)
        #expect(email.customMetricLimit == 1)
        #expect(email.features == ["customMetrics", "customerHubDashboard", "messageAttribution", "segmentsAndLists"])

        // Scheduled for tomorrow: not yet.
        _ = try await store.changePlan(
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-04-03T00:00:00Z")))
        #expect(try await store.entitlements(accountID: 1).customMetricLimit == 1)
        fixture.clock.now = instant("2025-04-03T00:00:00Z")
        let analytics = try await store.entitlements(accountID: 1)
        #expect(analytics.marketingAnalytics)
        #expect(analytics.customMetricLimit == 50)
        #expect(analytics.features.contains("funnels") && analytics.features.contains("predictiveCLV"))
        #expect(analytics.features == analytics.features.sorted())

        // Removed again a week later.
        _ = try await store.changePlan(ChangePlanRequest(accountID: 1, marketingAnalytics: false, effective: instant("2025-04-10T00:00:00Z")))
        fixture.clock.now = instant("2025-04-10T00:00:00Z")
        #expect(try await store.entitlements(accountID: 1).customMetricLimit == 1)
        // April: the add-on from the 3rd to the 9th, 7 of 30 days: 100 × 7/30 = 23.33.
        #expect(try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-04")).totalMinor == 2_333)
    }

    // MARK: Persistence and replays

    @Test(arguments: StoreBackend.available) func reopeningKeepsPositionCountsPlansAndMerges(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        var log = LogBuilder()
        do {
            let store = try await fixture.open()
            try await store.apply([
                log.account(1, timeZone: "Europe/Berlin", plan: .marketingAnalytics, createdAt: instant("2025-01-01T00:00:00Z")),
                log.event(1, profile: 1, at: instant("2025-05-01T00:00:00Z")),
                log.event(1, profile: 2, at: instant("2025-05-02T00:00:00Z")),
                log.merge(1, merged: 2, into: 1, at: instant("2025-05-03T00:00:00Z")),
                log.event(1, profile: 3, at: instant("2025-06-01T00:00:00Z")),
            ])
            _ = try await store.changePlan(ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 25_000))
        }
        let store = try await fixture.open()
        #expect(try await store.appliedPosition() == 5)
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 2)
        #expect(try await store.plan(accountID: 1).current.marketingAnalytics?.activeProfileLimit == 25_000)
        // The merge is remembered: an event naming profile 2 is profile 1's.
        try await store.apply([log.event(1, profile: 2, at: instant("2025-06-02T00:00:00Z"))])
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == 2)
        #expect(try await store.appliedPosition() == 6)
    }

    @Test(arguments: StoreBackend.available) func reapplyingAppliedEntriesChangesNothing(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        let first = [
            log.account(1, plan: .marketingAnalytics, createdAt: instant("2025-01-01T00:00:00Z")),
            log.event(1, profile: 1, at: instant("2025-05-01T00:00:00Z")),
            log.event(1, profile: 2, at: instant("2025-05-02T00:00:00Z")),
        ]
        try await store.apply(first)
        let second = [log.event(1, profile: 3, at: instant("2025-06-01T00:00:00Z"))]
        try await store.apply(second)
        let before = try await store.usage(UsageRequest(accountID: 1))
        let planBefore = try await store.plan(accountID: 1)

        try await store.apply(first)  // entirely applied already
        try await store.apply(first + second + [log.event(1, profile: 4, at: instant("2025-06-02T00:00:00Z"))])  // overlapping
        let after = try await store.usage(UsageRequest(accountID: 1))
        #expect(after.activeProfiles == before.activeProfiles + 1)
        #expect(after.logPosition == 5)
        #expect(try await store.plan(accountID: 1) == planBefore)  // the account entry did not add a second starting plan

        // Positions must increase within a batch.
        var bad = LogBuilder(position: 10)
        let a = bad.event(1, profile: 9, at: instant("2025-06-03T00:00:00Z"))
        let b = LogEntry(position: a.position, accountID: 1, kind: .event, body: a.body)
        await #expect(throws: BillingError.self) { try await store.apply([a, b]) }
        #expect(try await store.appliedPosition() == 5)  // the failed batch left nothing behind
        #expect(try await store.usage(UsageRequest(accountID: 1)).activeProfiles == after.activeProfiles)
    }

    @Test(arguments: StoreBackend.available) func monthlyUsageSeriesAndItsDefaults(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, createdAt: instant("2024-01-01T00:00:00Z")),
            log.event(1, profile: 1, at: instant("2024-03-10T00:00:00Z")),
            log.event(1, profile: 1, at: instant("2024-05-10T00:00:00Z")),
            log.event(1, profile: 2, at: instant("2024-08-10T00:00:00Z")),
            log.event(1, profile: 3, at: instant("2025-06-01T00:00:00Z")),
        ])
        let series = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1))
        #expect(series.months.map(\.month) == [
            "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
            "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
        ])
        // Profile 1 (May 2024) counts through April 2025; profile 2 (August 2024) through July 2025.
        #expect(series.months.map(\.activeProfiles) == [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 2])
        // The same as each month's invoice count.
        for month in series.months {
            #expect(try await store.invoice(InvoiceRequest(accountID: 1, month: month.month)).activeProfiles == month.activeProfiles)
        }
        for (from, to) in [("2025-13", nil), ("2025-1", nil), ("2025-05", "2025-04"), ("1990-01", "2025-01")] as [(String, String?)] {
            await #expect(throws: BillingError.self) { _ = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 1, from: from, to: to)) }
        }
        await #expect(throws: BillingError.accountNotFound(2)) { _ = try await store.monthlyUsage(MonthlyUsageRequest(accountID: 2)) }
        await #expect(throws: BillingError.self) { _ = try await store.invoice(InvoiceRequest(accountID: 1, month: "2025-07")) }
        await #expect(throws: BillingError.self) { _ = try await store.invoice(InvoiceRequest(accountID: 1, month: "2023-12")) }
    }

    @Test func tiersComeFromThePriceList() async throws {
        let table = try TierTable(configurationText: "13,500 100.00\n30,000 175.50\n")
        let fixture = try StoreFixture(
            now: instant("2025-06-15T12:00:00Z"), prices: PriceList(currency: "EUR", emailPlanMonthlyPrice: Money(units: 5), marketingAnalyticsTiers: table))
        defer { fixture.remove() }
        let store = try await fixture.open()
        #expect(store.tiers() == TierList(currency: "EUR", emailPlanMonthlyPriceMinor: 500, tiers: [
            TierInfo(activeProfileLimit: 13_500, monthlyPriceMinor: 10_000), TierInfo(activeProfileLimit: 30_000, monthlyPriceMinor: 17_550),
        ]))
    }
}
