import Foundation
import GRDB
import Insights
import SextantContracts
import SextantStore
import SextantWire
import Testing

/// The dashboard reads aggregates whose size does not depend on how many events there are.
@Suite struct AggregateSizeTests {
    @Test func manyEventsOnADayAreAFewRows() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        var entries = [log.account(1, timeZone: "Europe/Berlin")]
        for i in 0..<3_000 {
            let at = instant("2026-06-10T08:00:00Z").addingTimeInterval(Double(i))
            entries.append(log.event(1, profile: UInt64(i % 3 + 1), "Hub Opened", at: at))
            entries.append(log.event(1, profile: UInt64(i % 3 + 1), HubInteraction.allCases[i % 5].metric, at: at))
            entries.append(log.order(1, profile: 1, at: at, value: "1.01", loggedIn: .bool(true)))
        }
        for start in stride(from: 0, to: entries.count, by: 1_000) {
            try await store.apply(Array(entries[start..<min(start + 1_000, entries.count)]))
        }
        let rows = try await store.database.read { db in
            try ["hub_openers", "hub_interactions", "logged_in_orders", "hub_accounts"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)")!
            }
        }
        #expect(rows == [3, 5, 1, 3])
        let board = try await store.dashboard(
            CustomerHubDashboardRequest(accountID: 1, firstDay: date(2026, 6, 10), lastDay: date(2026, 6, 10), comparison: .none),
            now: instant("2026-07-01T00:00:00Z"), revenue: noRevenue)
        #expect(board.serviceInteractions.value == 3_000)
        #expect(board.activeAccounts.value == 3)
        #expect(board.averageOrderValue.period == OrderValuePoint(orders: 3_000, revenueMinor: 303_000, averageMinor: 101))
    }

    @Test func rangeQueriesSearchAnIndex() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let queries = [
            "SELECT day, interaction, count FROM hub_interactions WHERE account_id = 1 AND day BETWEEN 1 AND 9",
            "SELECT day, orders, value FROM logged_in_orders WHERE account_id = 1 AND day BETWEEN 1 AND 9",
            "SELECT coalesce(sum(count), 0) FROM hub_account_days WHERE account_id = 1 AND day <= 9",
        ]
        for query in queries {
            let plan = try await store.database.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query).map { $0["detail"] as String }.joined(separator: "; ")
            }
            #expect(plan.contains("SEARCH"), "\(query): \(plan)")
            #expect(!plan.contains("SCAN"), "\(query): \(plan)")
        }
    }
}

/// A database made by the executable before the dashboard existed (a cursor, nothing else).
@Suite struct SchemaUpgradeTests {
    @Test func aCursorOnlyDatabaseReplaysTheLog() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var old = Migrations()
        old.register(1, "log-cursor", LogCursor.createTable)
        let database = try SQLiteStore.open(path: fixture.path, durability: .normal, migrations: old)
        try await database.write { try LogCursor.advance($0, to: 3) }
        try database.close()

        let store = try fixture.open()
        #expect(try await store.appliedPosition() == 0)
        var log = LogBuilder()
        try await store.apply([
            log.account(1),
            log.event(1, profile: 1, "Hub Opened", at: instant("2026-06-10T08:00:00Z")),
            log.event(1, profile: 1, "Hub Clicked Help", at: instant("2026-06-10T08:00:00Z")),
        ])
        let board = try await store.dashboard(
            CustomerHubDashboardRequest(accountID: 1, preset: .today, comparison: .none),
            now: instant("2026-06-10T12:00:00Z"), revenue: noRevenue)
        #expect(board.activeAccounts.value == 1)
        #expect(board.serviceInteractions.value == 1)
    }
}
