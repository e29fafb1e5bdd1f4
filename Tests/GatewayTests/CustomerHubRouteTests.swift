import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import Testing

/// `GET /api/v1/customer-hub/dashboard` and `/attributed-products` over real in-process
/// ingest-, insights- and attribution-services: events sent through the API come back as the
/// dashboard's numbers, formatted as proto-spec/gateway.md §12 says.
@Suite struct CustomerHubRouteTests {
    /// 2026-11-27 12:00 UTC: "last 30 days" is 2026-10-29 … 2026-11-27, the previous period
    /// 2026-09-29 … 2026-10-28.
    static let now = Date(timeIntervalSince1970: 1_795_780_800)

    static func event(_ metric: String, _ email: String, _ time: String, value: String? = nil, unique: String, properties: JSONValue = [:]) -> JSONValue {
        var fields: [String: JSONValue] = ["metric": .string(metric), "profile": ["email": .string(email)], "time": .string(time), "unique_id": .string(unique), "properties": properties]
        if let value { fields["value"] = .string(value) }
        return .object(fields)
    }

    /// The shop: two customers opened the Hub in the period, one in the previous period; four
    /// service interactions now and none before; two logged-in orders (30.00 and 20.00); one
    /// product clicked in the Hub 2 hours before it was ordered (2 × 12.50 attributed), another
    /// item in the same order not clicked.
    static let events: [JSONValue] = [
        event("Hub Opened", "ada@example.com", "2026-10-25T09:00:00Z", unique: "o1"),
        event("Hub Opened", "ada@example.com", "2026-11-20T09:00:00Z", unique: "o2"),
        event("Hub Opened", "bob@example.com", "2026-11-20T09:30:00Z", unique: "o3"),
        event("Hub Tracked Order", "ada@example.com", "2026-11-20T09:05:00Z", unique: "t1"),
        event("Hub Tracked Order", "ada@example.com", "2026-11-20T09:06:00Z", unique: "t2"),
        event("Hub Tracked Order", "bob@example.com", "2026-11-20T09:31:00Z", unique: "t3"),
        event("Hub Clicked Help", "bob@example.com", "2026-11-21T10:00:00Z", unique: "h1"),
        event("Hub Clicked Product", "ada@example.com", "2026-11-20T10:00:00Z", unique: "c1", properties: ["product_id": "SKU-1"]),
        event("Placed Order", "ada@example.com", "2026-11-20T12:00:00Z", value: "30.00", unique: "A-1", properties: [
            "order_id": "A-1", "logged_in": true,
            "items": [["product_id": "SKU-1", "product_name": "Lamp", "price": "12.50", "quantity": 2], ["product_id": "SKU-2", "price": "5.00", "quantity": 1]],
        ]),
        event("Placed Order", "bob@example.com", "2026-11-22T12:00:00Z", value: "20.00", unique: "B-1", properties: ["order_id": "B-1", "logged_in": true]),
    ]

    static func seeded() async throws -> (GatewayHarness, World, admin: String, reader: String) {
        let harness = try GatewayHarness(now: Self.now)
        let world = try await World.make(harness)
        let admin = try harness.key(.admin, account: world.a.id)
        let reader = try harness.key(.readOnly, account: world.a.id)
        try await harness.test { client in
            let hub = try await client.send(.patch, "/api/v1/accounts/\(world.a.id)", key: admin, json: ["customer_hub_active": true])
            #expect(hub.status == .ok, "\(hub.json)")
            let sent = try await client.send(.post, "/api/v1/accounts/\(world.a.id)/events/batch", key: admin, json: ["events": .array(Self.events)])
            #expect(sent.status == .ok && sent.json["stored"]?.numberValue == Decimal(Self.events.count), "\(sent.json)")
        }
        try await harness.syncReports()
        return (harness, world, admin, reader)
    }

    @Test func theDashboardShowsWhatTheEventsSay() async throws {
        let (harness, world, _, reader) = try await Self.seeded()
        try await harness.test { client in
            let answer = try await client.send(.get, "/api/v1/customer-hub/dashboard?period=last_30_days&compare=previous_period", key: reader)
            #expect(answer.status == .ok, "\(answer.json)")
            let board = answer.json
            #expect(board["account_id"]?.numberValue == Decimal(world.a.id))
            #expect(board["period"] == ["start": "2026-10-29", "end": "2026-11-27"])
            #expect(board["comparison_period"] == ["start": "2026-09-29", "end": "2026-10-28"])
            #expect(board["compare"] == "previous_period" && board["bucket"] == "day")
            #expect(board["buckets"]?.arrayValue.count == 30)
            let overview = try #require(board["overview"])
            #expect(overview["total_accounts"] == 2)
            #expect(overview["active_accounts"] == ["value": 2, "previous": 1, "percent_change": "100.0"])
            // No interaction in the previous period: no percent change.
            #expect(overview["service_interactions"] == ["value": 4, "previous": 0, "percent_change": .null])
            #expect(overview["revenue_generated"]?["value"] == ["amount_minor": 2_500, "currency": "USD", "amount": "25.00"])
            #expect(overview["revenue_generated"]?["percent_change"] == .null)
            let series = try #require(board["service_interactions"]).arrayValue
            #expect(series.map { $0["type"]?.stringValue ?? "" } == ["tracked_orders", "started_returns", "applied_coupons", "help_clicks", "started_chats"])
            #expect(series[0]["total"]?["value"] == 3 && series[3]["total"]?["value"] == 1)
            // 2026-11-20 is the 23rd day of the period.
            #expect(series[0]["points"]?[22] == 3 && series[3]["points"]?[23] == 1)
            #expect(series[0]["points"]?.arrayValue.count == 30)
            let aov = try #require(board["average_order_value"])
            #expect(aov["period"] == ["orders": 2, "revenue": ["amount_minor": 5_000, "currency": "USD", "amount": "50.00"], "average": ["amount_minor": 2_500, "currency": "USD", "amount": "25.00"]])
            #expect(aov["percent_change"] == .null)
            #expect(board["revenue_points"]?[22]?["amount_minor"] == 2_500)

            // Without a comparison: no previous values anywhere.
            let alone = try await client.send(.get, "/api/v1/customer-hub/dashboard?period=last_30_days&compare=none", key: reader).json
            #expect(alone["comparison_period"] == .null)
            #expect(alone["overview"]?["active_accounts"] == ["value": 2, "previous": .null, "percent_change": .null])

            // A custom range, both ends inclusive.
            let day = try await client.send(.get, "/api/v1/customer-hub/dashboard?start=2026-11-20&end=2026-11-20", key: reader).json
            #expect(day["period"] == ["start": "2026-11-20", "end": "2026-11-20"])
            #expect(day["comparison_period"] == ["start": "2026-11-19", "end": "2026-11-19"])
            #expect(day["overview"]?["service_interactions"]?["value"] == 3)
            #expect(day["overview"]?["active_accounts"]?["value"] == 2)
            let year = try await client.send(.get, "/api/v1/customer-hub/dashboard?period=last_365_days&compare=year_ago", key: reader).json
            #expect(year["bucket"] == "week" && year["comparison_period"]?["start"] == "2024-11-28", "\(year)")
        }
    }

    @Test func theViewReportListsTheAttributedItemsAndPages() async throws {
        let (harness, _, _, reader) = try await Self.seeded()
        try await harness.test { client in
            let page = try await client.send(.get, "/api/v1/customer-hub/attributed-products?period=last_7_days", key: reader)
            #expect(page.status == .ok, "\(page.json)")
            #expect(page.json["period"] == ["start": "2026-11-21", "end": "2026-11-27"])
            // The order of 2026-11-20 is outside the last 7 days.
            #expect(page.json["products"]?.arrayValue.isEmpty == true)
            let month = try await client.send(.get, "/api/v1/customer-hub/attributed-products?period=last_30_days&page_size=1", key: reader).json
            let rows = month["products"]?.arrayValue ?? []
            #expect(rows.count == 1, "\(month)")
            #expect(rows.first?["product_id"] == "SKU-1" && rows.first?["order_id"] == "A-1" && rows.first?["rule"] == "clicked_product")
            #expect(rows.first?["revenue"] == ["amount_minor": 2_500, "currency": "USD", "amount": "25.00"])
            #expect(rows.first?["product_name"] == "Lamp" && rows.first?["quantity"] == 2)
            // SKU-2 was not clicked: one row only, no next page.
            #expect(month["next_page_token"] == .null)
        }
    }

    @Test func badQueriesNameTheParameter() async throws {
        let (harness, world, _, reader) = try await Self.seeded()
        try await harness.test { client in
            let cases: [(String, String)] = [
                ("period=last_week", "period"),
                ("compare=last_year", "compare"),
                ("start=2026-11-01", "end"),
                ("end=2026-11-01", "start"),
                ("start=2026-02-30&end=2026-03-01", "start"),
                ("start=2026-11-01&end=11/02/2026", "end"),
                ("period=last_7_days&start=2026-11-01&end=2026-11-02", "period"),
            ]
            for (query, field) in cases {
                let answer = try await client.send(.get, "/api/v1/customer-hub/dashboard?\(query)", key: reader)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_argument", "\(query): \(answer.json)")
                #expect(answer.json["error"]?["details"]?[0]?["field"]?.stringValue == field, "\(query): \(answer.json)")
            }
            // Ranges refused by their dates alone: reversed, before 2000, too long; each names the field.
            for (query, field) in [("start=2026-11-02&end=2026-11-01", "end"), ("start=1999-12-31&end=2000-01-05", "start"), ("start=2000-01-01&end=2026-11-01", "end")] {
                let answer = try await client.send(.get, "/api/v1/customer-hub/dashboard?\(query)", key: reader)
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_argument", "\(query): \(answer.json)")
                #expect(answer.json["error"]?["details"]?[0]?["field"]?.stringValue == field, "\(query): \(answer.json)")
            }
            // The end after today in the account's time zone: insights-service's answer.
            let future = try await client.send(.get, "/api/v1/customer-hub/dashboard?start=2026-11-01&end=2026-12-31", key: reader)
            #expect(future.status == .badRequest && future.errorCode == "invalid_argument", "\(future.json)")
            // The View report has no comparison: compare is not read there.
            let report = try await client.send(.get, "/api/v1/customer-hub/attributed-products?compare=whatever", key: reader)
            #expect(report.status == .ok, "\(report.json)")
            let size = try await client.send(.get, "/api/v1/customer-hub/attributed-products?page_size=1001", key: reader)
            #expect(size.status == .badRequest && size.json["error"]?["details"]?[0]?["field"] == "page_size")
            let token = try await client.send(.get, "/api/v1/customer-hub/attributed-products?page_token=garbage", key: reader)
            #expect(token.status == .badRequest, "\(token.json)")
            // Another account named in the query: as on account paths, it does not exist for this key.
            let other = try await client.send(.get, "/api/v1/customer-hub/dashboard?account_id=\(world.b.id)", key: reader)
            #expect(other.status == .notFound && other.errorCode == "account_not_found")
            let own = try await client.send(.get, "/api/v1/customer-hub/dashboard?account_id=\(world.a.id)", key: reader)
            #expect(own.status == .ok)
        }
    }

    @Test func insightsDownIsAClear503() async throws {
        let harness = try GatewayHarness(insightsTransport: UnavailableTransport())
        let world = try await World.make(harness)
        let reader = try harness.key(.readOnly, account: world.a.id)
        try await harness.test { client in
            let answer = try await client.send(.get, "/api/v1/customer-hub/dashboard", key: reader)
            #expect(answer.status == .serviceUnavailable && answer.errorCode == "service_unavailable", "\(answer.json)")
            #expect(answer.json["error"]?["service"] == "insights-service")
        }
    }

    @Test func thePageIsServedSelfContained() async throws {
        let harness = try GatewayHarness()
        try await harness.test { client in
            let page = try await client.send(.get, "/customer-hub")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let html = String(buffer: page.body)
            for needle in ["\"/api/v1\"", "/customer-hub/dashboard?", "/customer-hub/attributed-products?", "id=\"period\"", "id=\"compare\"", "value-revenue_generated", "interactions-chart", "aov-chart", "id=\"report\""] {
                #expect(html.contains(needle), "the page lacks \(needle)")
            }
            // Nothing from another origin.
            #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
            #expect(!html.contains("https://"))
        }
    }
}
