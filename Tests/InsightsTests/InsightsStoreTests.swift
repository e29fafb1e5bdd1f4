import Foundation
import Insights
import SextantContracts
import SextantWire
import Testing

@Suite struct InsightsStoreTests {
    let shop: UInt64 = 7

    /// A dashboard for a custom range with the previous-period comparison.
    func dashboard(
        _ store: InsightsStore, _ first: LocalDate, _ last: LocalDate, comparison: ComparisonMode = .previousPeriod,
        now: Date = instant("2026-12-01T12:00:00Z"), revenue: @escaping HubRevenueByDay = noRevenue
    ) async throws -> CustomerHubDashboard {
        try await store.dashboard(
            CustomerHubDashboardRequest(accountID: self.shop, firstDay: first, lastDay: last, comparison: comparison),
            now: now, revenue: revenue)
    }

    func points(_ board: CustomerHubDashboard, _ type: HubInteraction) -> [Int64] {
        board.interactions.first { $0.interaction == type }!.points
    }

    @Test func periodEndsAreInclusiveInTheAccountsTimeZone() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        // New York; the period is Mar 8 (the 23-hour DST day) to Mar 9, 2026.
        try await store.apply([
            log.account(self.shop, timeZone: "America/New_York"),
            log.event(self.shop, profile: 1, "Hub Tracked Order", at: instant("2026-03-08T04:59:59Z")),  // Mar 7 23:59:59 EST
            log.event(self.shop, profile: 1, "Hub Tracked Order", at: instant("2026-03-08T05:00:00Z")),  // Mar 8 00:00 EST
            log.event(self.shop, profile: 1, "Hub Tracked Order", at: instant("2026-03-09T03:59:59Z")),  // Mar 8 23:59:59 EDT
            log.event(self.shop, profile: 1, "Hub Started Return", at: instant("2026-03-10T03:59:59Z")),  // Mar 9 23:59:59 EDT
            log.event(self.shop, profile: 1, "Hub Started Return", at: instant("2026-03-10T04:00:00Z")),  // Mar 10 00:00 EDT
        ])
        let board = try await self.dashboard(store, date(2026, 3, 8), date(2026, 3, 9))
        #expect(board.period == DateRange(first: date(2026, 3, 8), last: date(2026, 3, 9)))
        #expect(board.comparisonPeriod == DateRange(first: date(2026, 3, 6), last: date(2026, 3, 7)))
        #expect(board.bucket == .day)
        #expect(self.points(board, .trackedOrder) == [2, 0])
        #expect(self.points(board, .startedReturn) == [0, 1])
        #expect(board.serviceInteractions.value == 3)
        #expect(board.serviceInteractions.previous == 1)
        #expect(board.serviceInteractions.percentChange == Decimal(200))
    }

    @Test func comparisonWithAZeroPreviousValueHasNoChange() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop, timeZone: "Europe/Berlin"),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-10T10:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Clicked Help", at: instant("2026-06-10T10:01:00Z")),
            log.event(self.shop, profile: 2, "Hub Started Chat", at: instant("2026-06-11T10:01:00Z")),
        ])
        let revenue: HubRevenueByDay = { account, range in
            #expect(account == 7)
            return [
                HubRevenueDay(day: day(2026, 6, 10), currency: "USD", minorUnits: 1_250),
                HubRevenueDay(day: day(2026, 6, 10), currency: "EUR", minorUnits: 777),  // not the account's currency
                HubRevenueDay(day: day(2026, 6, 3), currency: "USD", minorUnits: 0),
                HubRevenueDay(day: day(2026, 6, 20), currency: "USD", minorUnits: 99),
            ]
        }
        let board = try await self.dashboard(store, date(2026, 6, 8), date(2026, 6, 14), revenue: revenue)
        #expect(board.serviceInteractions == DashboardTile(value: 2, previous: 0, percentChange: nil))
        #expect(board.activeAccounts == DashboardTile(value: 1, previous: 0, percentChange: nil))
        // Only the days inside each range count.
        #expect(board.revenueGeneratedMinor == DashboardTile(value: 1_250, previous: 0, percentChange: nil))
        #expect(board.revenuePoints == [0, 0, 1_250, 0, 0, 0, 0])
        let none = try await self.dashboard(store, date(2026, 6, 8), date(2026, 6, 14), comparison: .none)
        #expect(none.comparisonPeriod == nil)
        #expect(none.serviceInteractions == DashboardTile(value: 2, previous: nil, percentChange: nil))
        #expect(none.averageOrderValue.previous == nil)
    }

    @Test func activeAccountsAreDistinctOverTheRange() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop),
            log.event(self.shop, profile: 1, "Hub Created Account", at: instant("2026-05-01T09:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T10:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-02T09:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-02T09:00:00Z")),
            log.event(self.shop, profile: 3, "Hub Created Account", at: instant("2026-06-20T09:00:00Z")),
        ])
        let board = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 7))
        #expect(board.activeAccounts.value == 2)  // not 1 + 2 daily distincts
        #expect(board.totalAccounts == 2)  // profile 3's account comes after the period
        let later = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 30))
        #expect(later.totalAccounts == 3)
        let before = try await self.dashboard(store, date(2026, 4, 1), date(2026, 4, 30))
        #expect(before.totalAccounts == 0)
    }

    @Test func averageOrderValueOfLoggedInOrders() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop),
            log.order(self.shop, profile: 1, at: instant("2026-06-01T09:00:00Z"), value: "10.00", loggedIn: .bool(true)),
            log.order(self.shop, profile: 2, at: instant("2026-06-02T09:00:00Z"), value: "25.505", loggedIn: .bool(true)),
            log.order(self.shop, profile: 3, at: instant("2026-06-02T09:00:00Z"), value: "999", loggedIn: .bool(false)),
            log.order(self.shop, profile: 3, at: instant("2026-06-02T09:00:00Z"), value: "999", loggedIn: nil),
            log.order(self.shop, profile: 3, at: instant("2026-06-02T09:00:00Z"), value: "999", loggedIn: .string("true")),
            // The previous period: one order of 20.
            log.order(self.shop, profile: 1, at: instant("2026-05-31T09:00:00Z"), value: "20", loggedIn: .bool(true)),
        ])
        let board = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 2))
        let aov = board.averageOrderValue
        // (10.00 + 25.505) / 2 = 17.7525 → 1775 cents; the exact sum 35.505 → 3551 cents.
        #expect(aov.period == OrderValuePoint(orders: 2, revenueMinor: 3_551, averageMinor: 1_775))
        #expect(aov.previous == OrderValuePoint(orders: 1, revenueMinor: 2_000, averageMinor: 2_000))
        // (17.7525 − 20) / 20 = −11.2375 % → −11.2
        #expect(aov.percentChange == Decimal(string: "-11.2"))
        #expect(aov.points == [
            OrderValuePoint(orders: 1, revenueMinor: 1_000, averageMinor: 1_000),
            OrderValuePoint(orders: 1, revenueMinor: 2_551, averageMinor: 2_551),
        ])
        let empty = try await self.dashboard(store, date(2026, 7, 1), date(2026, 7, 2))
        #expect(empty.averageOrderValue.period == OrderValuePoint(orders: 0, revenueMinor: 0, averageMinor: nil))
        #expect(empty.averageOrderValue.percentChange == nil)
    }

    @Test func reapplyingEntriesChangesNothing() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        let entries = [
            log.account(self.shop),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Applied Coupon", at: instant("2026-06-01T09:00:00Z")),
            log.order(self.shop, profile: 1, at: instant("2026-06-01T09:05:00Z"), value: "12.50", loggedIn: .bool(true)),
        ]
        try await store.apply(Array(entries[0..<3]))
        let before = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 1))
        try await store.apply(Array(entries[0..<3]))
        #expect(try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 1)) == before)
        // An overlapping batch applies only its new entry.
        try await store.apply(entries)
        try await store.apply(entries)
        let after = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 1))
        #expect(after.serviceInteractions.value == 1)
        #expect(after.activeAccounts.value == 1)
        #expect(after.averageOrderValue.period.orders == 1)
        #expect(try await store.appliedPosition() == 4)
        // A reopened store gives the same answer.
        let reopened = try fixture.open()
        #expect(try await self.dashboard(reopened, date(2026, 6, 1), date(2026, 6, 1)) == after)
    }

    @Test func mergesCountACustomerOnce() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-01T10:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-03T10:00:00Z")),
        ])
        #expect(try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 7)).activeAccounts.value == 2)
        try await store.apply([
            log.merge(self.shop, merged: 2, into: 1, at: instant("2026-06-04T00:00:00Z")),
            // A later event naming the merged profile goes to the survivor.
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-05T10:00:00Z")),
        ])
        let board = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 7))
        #expect(board.activeAccounts.value == 1)
        #expect(board.totalAccounts == 1)
        let single = try await self.dashboard(store, date(2026, 6, 3), date(2026, 6, 3))
        #expect(single.activeAccounts.value == 1)  // profile 2's day moved to profile 1
    }

    @Test func aMergeInsideOneBatchMovesThatBatchsOpeners() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Created Account", at: instant("2026-05-01T10:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-02T10:00:00Z")),
            log.merge(self.shop, merged: 2, into: 1, at: instant("2026-06-04T00:00:00Z")),
            log.event(self.shop, profile: 2, "Hub Opened", at: instant("2026-06-05T10:00:00Z")),
        ])
        let board = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 7))
        #expect(board.activeAccounts.value == 1)
        #expect(board.totalAccounts == 1)
        // The survivor's Hub account starts on the merged profile's earlier day.
        #expect(try await self.dashboard(store, date(2026, 5, 1), date(2026, 5, 1)).totalAccounts == 1)
    }

    @Test func inactiveHubKeepsOldDataAndCollectsNothingNew() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop, hubActive: true),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.event(self.shop, profile: 1, "Hub Tracked Order", at: instant("2026-06-01T09:01:00Z")),
            // The Hub is switched off: ingest stores no Hub event from now on (proto-spec/ingest.md §9),
            // so the log carries only non-Hub events for the account.
            log.account(self.shop, hubActive: false, at: instant("2026-06-02T00:00:00Z")),
            log.event(self.shop, profile: 1, "Viewed Product", at: instant("2026-06-03T09:00:00Z")),
        ])
        let board = try await self.dashboard(store, date(2026, 6, 1), date(2026, 6, 30))
        #expect(board.customerHubActive == false)
        #expect(board.activeAccounts.value == 1)
        #expect(board.serviceInteractions.value == 1)
        #expect(board.totalAccounts == 1)
        let later = try await self.dashboard(store, date(2026, 6, 2), date(2026, 6, 30))
        #expect(later.serviceInteractions.value == 0)
        #expect(later.activeAccounts.value == 0)
    }

    @Test func presetsAreResolvedFromNowInTheAccountsTimeZone() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop, timeZone: "Europe/Berlin", currency: "JPY"),
            log.event(self.shop, profile: 1, "Hub Clicked Help", at: instant("2026-01-31T23:30:00Z")),  // Feb 1 in Berlin
            log.order(self.shop, profile: 1, at: instant("2026-01-31T23:40:00Z"), value: "1234.5", loggedIn: .bool(true)),
        ])
        let now = instant("2026-01-31T23:45:00Z")
        let today = try await store.dashboard(
            CustomerHubDashboardRequest(accountID: self.shop, preset: .thisMonth, comparison: .yearAgo), now: now, revenue: noRevenue)
        #expect(today.period == DateRange(first: date(2026, 2, 1), last: date(2026, 2, 1)))
        #expect(today.comparisonPeriod == DateRange(first: date(2025, 2, 1), last: date(2025, 2, 1)))
        #expect(today.serviceInteractions.value == 1)
        #expect(today.currency == "JPY")
        #expect(today.averageOrderValue.period.averageMinor == 1_235)  // yen have no minor units
        let lastMonth = try await store.dashboard(
            CustomerHubDashboardRequest(accountID: self.shop, preset: .lastMonth), now: now, revenue: noRevenue)
        #expect(lastMonth.period == DateRange(first: date(2026, 1, 1), last: date(2026, 1, 31)))
        #expect(lastMonth.serviceInteractions.value == 0)
    }

    @Test func badRequests() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(self.shop)])
        await #expect(throws: InsightsError.accountNotFound(8)) {
            try await store.dashboard(CustomerHubDashboardRequest(accountID: 8, preset: .today), now: Date(), revenue: noRevenue)
        }
        await #expect(throws: InsightsError.self) {
            try await self.dashboard(store, date(2026, 6, 2), date(2026, 6, 1))
        }
        var neither = CustomerHubDashboardRequest(accountID: self.shop, preset: .today)
        neither.preset = nil
        await #expect(throws: InsightsError.self) {
            try await store.dashboard(neither, now: Date(), revenue: noRevenue)
        }
    }

    @Test func dashboardCrossesTheWire() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(self.shop),
            log.event(self.shop, profile: 1, "Hub Opened", at: instant("2026-06-01T09:00:00Z")),
            log.order(self.shop, profile: 1, at: instant("2026-06-01T09:05:00Z"), value: "12.50", loggedIn: .bool(true)),
        ])
        let board = try await self.dashboard(store, date(2025, 6, 1), date(2026, 6, 30))
        #expect(board.bucket == .month)
        #expect(board.buckets.count == 13)
        let bytes = try WireEncoder().encode(board)
        #expect(try WireDecoder().decode(CustomerHubDashboard.self, from: bytes) == board)
        let request = CustomerHubDashboardRequest(accountID: 1, firstDay: date(2026, 1, 1), lastDay: date(2026, 1, 2), comparison: .yearAgo)
        #expect(try WireDecoder().decode(CustomerHubDashboardRequest.self, from: try WireEncoder().encode(request)) == request)
    }
}
