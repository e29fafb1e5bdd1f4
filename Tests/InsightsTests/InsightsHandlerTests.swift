import Insights
import Foundation
import SextantContracts
import SextantRPC
import Synchronization
import SextantTesting
import Testing

@Suite struct InsightsHandlerTests {
    @Test func dashboardAndProgressThroughTheRouter() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(3, timeZone: "America/New_York"),
            log.event(3, profile: 1, "Hub Opened", at: instant("2026-11-27T15:00:00Z")),
            log.event(3, profile: 1, "Hub Started Chat", at: instant("2026-11-27T15:01:00Z")),
        ])
        let asked = Mutex<[DayRange]>([])
        let router = InsightsService.router(
            store: store,
            progress: { ProgressResponse(appliedPosition: 3, knownHead: 3, following: true, lastAppliedAt: nil) },
            revenue: { account, range in
                asked.withLock { $0.append(range) }
                return [HubRevenueDay(day: LocalDay(year: 2026, month: 11, day: 27), currency: "USD", minorUnits: 4_200)]
            },
            now: { instant("2026-11-28T03:00:00Z") })  // still Nov 27 in New York
        let caller = RouterCaller(server: RPCServer(router: router))

        let board = try await caller.call(
            InsightsService.customerHubDashboard, CustomerHubDashboardRequest(accountID: 3, preset: .last7Days))
        #expect(board.period == DateRange(first: date(2026, 11, 21), last: date(2026, 11, 27)))
        #expect(board.comparisonPeriod == DateRange(first: date(2026, 11, 14), last: date(2026, 11, 20)))
        #expect(board.activeAccounts.value == 1)
        #expect(board.serviceInteractions == DashboardTile(value: 1, previous: 0, percentChange: nil))
        #expect(board.revenueGeneratedMinor == DashboardTile(value: 4_200, previous: 0, percentChange: nil))
        #expect(board.interactions.map(\.interaction) == HubInteraction.allCases)
        #expect(asked.withLock { $0 } == [
            DayRange(first: day(2026, 11, 21), last: day(2026, 11, 27)), DayRange(first: day(2026, 11, 14), last: day(2026, 11, 20)),
        ])

        #expect(try await caller.call(InsightsService.progress, ProgressRequest()).appliedPosition == 3)
        #expect(await caller.code(InsightsService.customerHubDashboard, CustomerHubDashboardRequest(accountID: 9, preset: .today)) == .notFound)
        #expect(await caller.code(
            InsightsService.customerHubDashboard,
            CustomerHubDashboardRequest(accountID: 3, firstDay: date(2026, 11, 2), lastDay: date(2026, 11, 1))) == .invalidArgument)
        #expect(await caller.code(
            InsightsService.customerHubDashboard, CustomerHubDashboardRequest(accountID: 3, preset: .today), as: .ingestService)
            == .permissionDenied)
    }
}
