import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import Testing

/// The predicted-CLV routes over a real in-process predictive-service store.
@Suite struct CLVRouteTests {
    /// These tests run beside the CPU-bound ones (scripts/test.sh), where an in-process call to
    /// predictive-service waited more than the gateway's default 5 s once: they check answers,
    /// not latency.
    static let deadline: Duration = .seconds(60)

    static func order(_ email: String, daysAgo: Double, value: String, id: String) -> JSONValue {
        [
            "metric": "Placed Order", "profile": ["email": .string(email)], "value": .string(value), "unique_id": .string(id),
            "time": .string(RFC3339.format(Date().addingTimeInterval(-daysAgo * 86_400))), "properties": ["order_id": .string(id)],
        ]
    }

    @Test func aSmallShopSeesWhatIsMissingAndItsHistoricFigures() async throws {
        let harness = try GatewayHarness(deadline: Self.deadline)
        let world = try await World.make(harness)
        let admin = try harness.key(.admin, account: world.a.id)
        let reader = try harness.key(.readOnly, account: world.a.id)
        let base = "/api/v1/accounts/\(world.a.id)"
        try await harness.test { client in
            let events: [JSONValue] = [
                Self.order("ada@example.com", daysAgo: 40, value: "50.00", id: "A"),
                Self.order("ada@example.com", daysAgo: 20, value: "30.00", id: "B"),
                ["metric": "Refunded Order", "profile": ["email": "ada@example.com"], "value": "10.00", "unique_id": "r1",
                 "properties": ["order_id": "B"]],
            ]
            let sent = try await client.send(.post, "\(base)/events/batch", key: admin, json: ["events": .array(events)])
            #expect(sent.json["stored"] == 3, "\(sent.json)")
            try await harness.syncReports()

            let status = try await client.send(.get, "\(base)/clv", key: reader)
            #expect(status.status == .ok, "\(status.json)")
            #expect(status.json["eligible"] == false && status.json["model"] == .null)
            #expect(status.json["customers_with_orders"] == 1)
            #expect(status.json["missing"]?.arrayValue.contains("1 customers with orders; at least 500 are needed") == true, "\(status.json)")

            let profileID = try #require(sent.json["outcomes"]?[0]?["profile_id"]?.numberValue)
            let clv = try await client.send(.get, "\(base)/profiles/\(profileID)/clv", key: reader)
            #expect(clv.status == .ok, "\(clv.json)")
            #expect(clv.json["historic_orders"] == 2)
            #expect(clv.json["historic_clv"] == ["amount_minor": 7_000, "currency": "USD", "amount": "70.00"])
            #expect(clv.json["predicted"] == false && clv.json["predicted_clv"] == .null && clv.json["churn_band"] == .null)

            // Only an admin key may start a fit; a bad profile id names the parameter.
            #expect(try await client.send(.post, "\(base)/clv/fit", key: reader).status == .forbidden)
            let fit = try await client.send(.post, "\(base)/clv/fit", key: admin)
            #expect(fit.status == .ok && fit.json["eligible"] == false, "\(fit.status) \(fit.json)")
            let bad = try await client.send(.get, "\(base)/profiles/abc/clv", key: reader)
            #expect(bad.status == .badRequest && bad.json["error"]?["details"]?[0]?["field"] == "profileID")
        }
    }

    @Test func withoutMarketingAnalyticsTheRoutesSaySo() async throws {
        let harness = try GatewayHarness(deadline: Self.deadline, billingRouter: FakeBilling.router(accountExists: { _ in true }, marketingAnalytics: false))
        let world = try await World.make(harness)
        let reader = try harness.key(.readOnly, account: world.a.id)
        try await harness.test { client in
            for uri in [
                "/api/v1/accounts/\(world.a.id)/clv", "/api/v1/accounts/\(world.a.id)/profiles/\(world.profiles[world.a.id]!)/clv",
                "/api/v1/accounts/\(world.a.id)/clv/settings",
            ] {
                let answer = try await client.send(.get, uri, key: reader)
                #expect(answer.status == .forbidden && answer.errorCode == "plan_required", "\(uri): \(answer.json)")
                #expect(answer.json["error"]?["message"]?.stringValue?.contains("Marketing Analytics") == true)
            }
        }
    }

    @Test func aCustomMetricBecomesTheConversionMetricAndTheHorizonChanges() async throws {
        let harness = try GatewayHarness(deadline: Self.deadline)
        let world = try await World.make(harness)
        let admin = try harness.key(.admin, account: world.a.id)
        let reader = try harness.key(.readOnly, account: world.a.id)
        let base = "/api/v1/accounts/\(world.a.id)"
        try await harness.test { client in
            let defaults = try await client.send(.get, "\(base)/clv/settings", key: reader)
            #expect(defaults.status == .ok, "\(defaults.json)")
            #expect(defaults.json["conversion_metric"] == ["id": nil, "name": "Placed Order"] && defaults.json["horizon_days"] == 365)
            #expect(try await client.send(.put, "\(base)/clv/settings", key: reader, json: ["horizon_days": 90]).status == .forbidden)

            let metric = try await client.send(.post, "\(base)/custom-metrics", key: admin, json: [
                "name": "Web orders",
                "sources": [["metric": "Placed Order", "filters": [["property": "source", "op": "not_equals", "operand": "pos"]]]],
                "aggregation": ["type": "value"],
            ])
            #expect(metric.status == .created || metric.status == .ok, "\(metric.json)")
            let metricID = try #require(metric.json["id"]?.numberValue)
            var web = Self.order("ada@example.com", daysAgo: 10, value: "50.00", id: "W1")
            var till = Self.order("bob@example.com", daysAgo: 9, value: "20.00", id: "P1")
            if case .object(var fields) = web { fields["properties"] = ["order_id": "W1", "source": "web"]; web = .object(fields) }
            if case .object(var fields) = till { fields["properties"] = ["order_id": "P1", "source": "pos"]; till = .object(fields) }
            let sent = try await client.send(.post, "\(base)/events/batch", key: admin, json: ["events": [web, till]])
            #expect(sent.json["stored"] == 2, "\(sent.json)")
            let bob = try #require(sent.json["outcomes"]?[1]?["profile_id"]?.numberValue)
            try await harness.syncReports()
            #expect(try await client.send(.get, "\(base)/clv", key: reader).json["customers_with_orders"] == 2)

            let changed = try await client.send(.put, "\(base)/clv/settings", key: admin, json: ["conversion_metric_id": .number(metricID)])
            #expect(changed.status == .ok, "\(changed.json)")
            #expect(changed.json["conversion_metric"] == ["id": .number(metricID), "name": "Web orders"] && changed.json["horizon_days"] == 365)
            // Until the log is read again the status says so.
            var status = try await client.send(.get, "\(base)/clv", key: reader)
            #expect(status.json["eligible"] == false && status.json["rebuilding"]?["read_through"] == 0, "\(status.json)")
            #expect(status.json["missing"]?[0]?.stringValue?.contains("conversion metric \"Web orders\"") == true, "\(status.json)")
            try await harness.rebuildCLV()
            status = try await client.send(.get, "\(base)/clv", key: reader)
            #expect(status.json["rebuilding"] == .null && status.json["customers_with_orders"] == 1, "\(status.json)")
            #expect(status.json["settings"]?["conversion_metric"]?["name"] == "Web orders" && status.json["last_fit_failure"] == .null)
            let bobCLV = try await client.send(.get, "\(base)/profiles/\(bob)/clv", key: reader)
            #expect(bobCLV.json["historic_orders"] == 0, "\(bobCLV.json)")

            // Bad settings name the field; nothing changes.
            let short = try await client.send(.put, "\(base)/clv/settings", key: admin, json: ["horizon_days": 10])
            #expect(short.status == .badRequest && short.json["error"]?["details"]?[0]?["field"] == "horizon_days", "\(short.json)")
            let unknown = try await client.send(.put, "\(base)/clv/settings", key: admin, json: ["conversion_metric_id": 999])
            #expect(unknown.status == .badRequest && unknown.json["error"]?["message"]?.stringValue?.contains("no custom metric 999") == true, "\(unknown.json)")
            let elsewhere = try await client.send(.put, "/api/v1/accounts/999999/clv/settings", key: admin, json: ["horizon_days": 90])
            #expect(elsewhere.errorCode == "account_not_found", "\(elsewhere.json)")
            let text = try await client.send(.put, "\(base)/clv/settings", key: admin, json: ["conversion_metric_id": "web"])
            #expect(text.status == .badRequest && text.json["error"]?["details"]?[0]?["field"] == "conversion_metric_id", "\(text.json)")

            // null: back to Placed Order, with a new horizon.
            let back = try await client.send(.put, "\(base)/clv/settings", key: admin, json: ["conversion_metric_id": nil, "horizon_days": 90])
            #expect(back.json["conversion_metric"] == ["id": nil, "name": "Placed Order"] && back.json["horizon_days"] == 90, "\(back.json)")
            try await harness.rebuildCLV()
            #expect(try await client.send(.get, "\(base)/profiles/\(bob)/clv", key: reader).json["historic_clv"]?["amount"] == "20.00")
            #expect(try await client.send(.get, "\(base)/profiles/\(bob)/clv", key: reader).json["horizon_days"] == 90)
        }
    }

    /// 601 customers over 300 days, a third of them with 3 or more orders, one ordering this
    /// week: eligible; the fit gives a model card, and a frequent customer's predictions.
    @Test func anEligibleShopIsFittedAndScored() async throws {
        let harness = try GatewayHarness(deadline: Self.deadline)
        let world = try await World.make(harness)
        let admin = try harness.key(.admin, account: world.a.id)
        let base = "/api/v1/accounts/\(world.a.id)"
        var events: [JSONValue] = []
        for customer in 1...600 {
            let first = 200 + Double(customer % 100)
            for k in 0..<(1 + customer % 4) {
                events.append(Self.order("c\(customer)@example.com", daysAgo: first - Double(k) * (35 + Double(customer % 7)), value: "\(20 + customer % 50).00", id: "o\(customer)-\(k)"))
            }
        }
        events.append(Self.order("recent@example.com", daysAgo: 2, value: "15.00", id: "recent"))
        let shop = events
        try await harness.test { client in
            for start in stride(from: 0, to: shop.count, by: 1_000) {
                let sent = try await client.send(
                    .post, "\(base)/events/batch", key: admin, json: ["events": .array(Array(shop[start..<min(shop.count, start + 1_000)]))])
                #expect(sent.json["rejected"] == 0, "\(sent.json)")
            }
            try await harness.syncReports()
            let fit = try await client.send(.post, "\(base)/clv/fit", key: admin)
            #expect(fit.status == .ok && fit.json["eligible"] == true, "\(fit.json)")
            let model = try #require(fit.json["model"])
            #expect(model["parameters"]?.arrayValue.count == 7, "\(model)")
            #expect(model["horizon_days"] == 365 && model["history"]?["end"] != nil)
            #expect(model["clv_distribution"]?.arrayValue.count == 10)
            #expect(model["clv_distribution"]?[1]?["from"] == ["amount_minor": 1_000, "currency": "USD", "amount": "10.00"])
            let bands = ["low", "medium", "high"].compactMap { model["churn_bands"]?[$0]?.numberValue }
            #expect(bands.count == 3 && bands.reduce(0, +) == model["customers"]?.numberValue)
            let examples = model["examples"]?.arrayValue ?? []
            #expect(!examples.isEmpty, "\(model)")

            let frequent = try #require(examples.first { $0["rule"] == 1 || $0["rule"] == 4 }?["profile_id"]?.numberValue, "\(examples)")
            let clv = try await client.send(.get, "\(base)/profiles/\(frequent)/clv", key: admin)
            #expect(clv.json["predicted"] == true, "\(clv.json)")
            #expect(clv.json["predicted_clv"]?["value"]?["currency"] == "USD")
            #expect(clv.json["total_clv"]?["value"]?["amount_minor"] != nil)
            #expect(["low", "medium", "high"].contains(clv.json["churn_band"]?.stringValue ?? ""))
            #expect((clv.json["historic_orders"]?.numberValue ?? 0) >= 3)
            // The status now answers with the same card.
            let status = try await client.send(.get, "\(base)/clv", key: admin)
            #expect(status.json["model"] == model)
        }
    }
}
