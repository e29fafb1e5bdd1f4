import Foundation
import Ingest
import Insights
import SextantContracts
import SextantStore
import Testing

/// ingest-service's log, as it really is written, applied to the insights store.
@Suite struct IngestToInsightsTests {
    @Test func aDeactivatedHubCollectsNothingNewAndKeepsWhatItHad() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let ingest = try IngestStore.open(
            path: fixture.directory.appendingPathComponent("ingest.sqlite").path, durability: .normal,
            clock: { instant("2026-06-10T12:00:00Z") })
        let insights = try fixture.open()
        let account = try await ingest.createAccount(CreateAccountRequest(name: "Shop", timeZone: "Europe/Berlin", customerHubActive: true))
        let alice = ProfileIdentifiers(email: "alice@example.com")
        func hub(_ metric: String, _ time: String) -> EventInput {
            EventInput(metric: metric, profile: alice, time: instant(time))
        }
        let first = try await ingest.track(TrackEventsRequest(accountID: account.id, events: [
            hub("Hub Opened", "2026-06-01T09:00:00Z"), hub("Hub Tracked Order", "2026-06-01T09:01:00Z"),
        ]))
        #expect(first.stored == 2)
        _ = try await ingest.updateAccount(UpdateAccountRequest(accountID: account.id, customerHubActive: false))
        let second = try await ingest.track(TrackEventsRequest(accountID: account.id, events: [
            hub("Hub Opened", "2026-06-05T09:00:00Z"), hub("Hub Started Chat", "2026-06-05T09:01:00Z"),
        ]))
        #expect(second.stored == 0)
        #expect(second.outcomes.allSatisfy { $0.status == .notCollected })

        try await insights.apply(try ingest.entries(after: 0, limit: 1_000))
        let board = try await insights.dashboard(
            CustomerHubDashboardRequest(accountID: account.id, preset: .thisMonth, comparison: .none),
            now: instant("2026-06-10T12:00:00Z"), revenue: noRevenue)
        #expect(board.customerHubActive == false)
        #expect(board.period == DateRange(first: date(2026, 6, 1), last: date(2026, 6, 10)))
        #expect(board.activeAccounts.value == 1)
        #expect(board.serviceInteractions.value == 1)
        #expect(board.interactions.first { $0.interaction == .trackedOrder }?.points.first == 1)
        #expect(board.interactions.first { $0.interaction == .startedChat }?.total.value == 0)
        #expect(board.totalAccounts == 1)
    }
}
