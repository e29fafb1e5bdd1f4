import SextantRPC
import NIOCore
import Ingest
import HTTPTypes
import Foundation
@testable import Gateway
import HummingbirdTesting
import SextantContracts
import SextantWire
import Testing

/// Events through the JSON API into a real in-process ingest store.
@Suite struct EventsTests {
    @Test func batchRoundTripWithDuplicatesAndFieldErrors() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let key = try harness.key(.ingestOnly, account: account.id)
        let reader = try harness.key(.readOnly, account: account.id)
        let base = "/api/v1/accounts/\(account.id)/events"
        try await harness.test { client in
            let batch: JSONValue = ["events": [
                ["metric": "Placed Order", "profile": ["email": "Ada@Example.com"], "time": "2026-10-01T09:30:00.250Z", "value": "19.99",
                 "unique_id": "order-1", "properties": ["order_id": "1", "weight": .number(Decimal(string: "0.1")!)]],
                ["metric": "Viewed Product", "profile": ["external_id": "c-7"], "time": "2026-10-01T11:00:00+02:00", "value": .number(Decimal(string: "5.10")!)],
                ["metric": "Placed Order", "profile": ["email": "b@example.com"], "value": "abc"],
                ["metric": "Placed Order", "profile": ["email": "c@example.com"], "value": -1, "unique_id": "order-3"],
                ["metric": "Placed Order", "profile": ["email": "d@example.com"], "time": "yesterday"],
                ["profile": ["email": "e@example.com"]],
                ["metric": "Viewed Product", "profile": ["email": "not an email"]],
            ]]
            let response = try await client.send(.post, "\(base)/batch", key: key, json: batch)
            #expect(response.status == .ok)
            let body = response.json
            #expect(body["stored"]?.numberValue == 2)
            #expect(body["rejected"]?.numberValue == 5)
            let outcomes = body["outcomes"]?.arrayValue ?? []
            #expect(outcomes.count == 7)
            #expect(outcomes.map { $0["status"]?.stringValue } == ["stored", "stored", "rejected", "rejected", "rejected", "rejected", "rejected"])
            #expect(outcomes.map { $0["index"]?.numberValue } == (0..<7).map { Decimal($0) })
            func fields(_ index: Int) -> [String] { outcomes[index]["errors"]?.arrayValue.compactMap { $0["field"]?.stringValue } ?? [] }
            #expect(fields(2) == ["value"])
            #expect(fields(3) == ["value"])
            #expect(fields(4) == ["time"])
            #expect(fields(5) == ["metric"])
            #expect(fields(6) == ["profile.email"])

            // The stored event reads back exactly: the value is the decimal sent, the time keeps its milliseconds.
            let position = try #require(outcomes[0]["position"]?.numberValue)
            let event = try await client.send(.get, "\(base)/\(position)", key: reader)
            #expect(event.status == .ok)
            #expect(event.json["value"]?.numberValue == Decimal(string: "19.99"))
            #expect(event.json["time"]?.stringValue == "2026-10-01T09:30:00.250Z")
            #expect(event.json["properties"]?["weight"]?.numberValue == Decimal(string: "0.1"))
            #expect(event.json["unique_id"]?.stringValue == "order-1")
            let second = try await client.send(.get, "\(base)/\(try #require(outcomes[1]["position"]?.numberValue))", key: reader)
            #expect(second.json["value"]?.numberValue == Decimal(string: "5.1"))
            #expect(second.json["time"]?.stringValue == "2026-10-01T09:00:00Z")
            #expect(String(buffer: event.body).contains("19.99"))

            // Sent again: acknowledged as a duplicate with the original's position, stored once.
            let again = try await client.send(.post, "\(base)/batch", key: key, json: ["events": [batch["events"]![0]!]])
            #expect(again.json["duplicates"]?.numberValue == 1)
            #expect(again.json["outcomes"]?[0]?["position"]?.numberValue == position)
        }
        await #expect(try harness.ingestStore.head(accountID: account.id) > 0)
    }

    @Test func singleEventStoredDuplicateAndRejected() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let key = try harness.key(.admin, account: account.id)
        let uri = "/api/v1/accounts/\(account.id)/events"
        try await harness.test { client in
            let stored = try await client.send(.post, uri, key: key, json: World.event)
            #expect(stored.status == .created)
            #expect(stored.json["status"]?.stringValue == "stored")
            let duplicate = try await client.send(.post, uri, key: key, json: World.event)
            #expect(duplicate.status == .ok)
            #expect(duplicate.json["status"]?.stringValue == "duplicate")
            #expect(duplicate.json["position"] == stored.json["position"])
            let rejected = try await client.send(.post, uri, key: key, json: ["metric": "Placed Order", "profile": ["email": "x@example.com"], "unique_id": ""])
            #expect(rejected.status == .badRequest)
            #expect(rejected.errorCode == "invalid_argument")
            #expect(rejected.json["error"]?["details"]?[0]?["field"]?.stringValue == "unique_id")
            let notJSON = try await client.send(.post, uri, key: key, body: "{\"metric\": ")
            #expect(notJSON.status == .badRequest && notJSON.errorCode == "invalid_json")
            let notObject = try await client.send(.post, uri, key: key, body: "[1, 2]")
            #expect(notObject.status == .badRequest && notObject.errorCode == "invalid_argument")
        }
    }

    @Test func payloadTooLarge() async throws {
        let harness = try GatewayHarness(configuration: { var c = GatewayConfiguration.defaults; c.maximumBatchBytes = 64 * 1_024; return c }())
        let account = try await harness.account()
        let key = try harness.key(.ingestOnly, account: account.id)
        let uri = "/api/v1/accounts/\(account.id)/events/batch"
        try await harness.test { client in
            let tooMany: JSONValue = ["events": .array(Array(repeating: ["metric": "x", "profile": ["email": "a@example.com"]], count: 1_001))]
            let many = try await client.send(.post, "/api/v1/accounts/\(account.id)/events/batch", key: key, json: tooMany)
            // 1,001 small events are over 64 KiB here too; the count check is tested below with the default size.
            #expect(many.status == .contentTooLarge && many.errorCode == "payload_too_large")
            let big: JSONValue = ["events": [["metric": "x", "profile": ["email": "a@example.com"], "properties": ["blob": .string(String(repeating: "a", count: 70_000))]]]]
            let large = try await client.send(.post, uri, key: key, json: big)
            #expect(large.status == .contentTooLarge && large.errorCode == "payload_too_large")
            let empty = try await client.send(.post, uri, key: key, json: ["events": []])
            #expect(empty.status == .badRequest)
        }
        let defaults = try GatewayHarness()
        let other = try await defaults.account()
        let otherKey = try defaults.key(.ingestOnly, account: other.id)
        try await defaults.test { client in
            let tooMany: JSONValue = ["events": .array(Array(repeating: ["metric": "x", "profile": ["email": "a@example.com"]], count: 1_001))]
            let response = try await client.send(.post, "/api/v1/accounts/\(other.id)/events/batch", key: otherKey, json: tooMany)
            #expect(response.status == .contentTooLarge && response.errorCode == "payload_too_large")
            #expect(response.json["error"]?["message"]?.stringValue?.contains("1001") == true)
            // Other routes accept at most 1 MiB.
            let big: JSONValue = ["metric": "x", "profile": ["email": "a@example.com"], "properties": ["blob": .string(String(repeating: "a", count: 1_100_000))]]
            let single = try await client.send(.post, "/api/v1/accounts/\(other.id)/events", key: otherKey, json: big)
            #expect(single.status == .contentTooLarge)
        }
    }

    @Test func profilesUpsertAndLookup() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let admin = try harness.key(.admin, account: account.id)
        let base = "/api/v1/accounts/\(account.id)/profiles"
        try await harness.test { client in
            let upserted = try await client.send(.put, base, key: admin, json: ["identifiers": ["email": "ada@example.com", "external_id": "c-1"], "properties": ["tier": "gold", "ltv": "120.50"]])
            #expect(upserted.status == .ok)
            let id = try #require(upserted.json["id"]?.numberValue)
            #expect(upserted.json["external_ids"]?[0]?.stringValue == "c-1")
            let byID = try await client.send(.get, "\(base)/\(id)", key: admin)
            #expect(byID.json["emails"]?[0]?.stringValue == "ada@example.com")
            let byEmail = try await client.send(.get, "\(base)?email=ada%40example.com", key: admin)
            #expect(byEmail.json["id"]?.numberValue == id)
            let byExternal = try await client.send(.get, "\(base)?external_id=c-1", key: admin)
            #expect(byExternal.json["id"]?.numberValue == id)
            let both = try await client.send(.get, "\(base)?external_id=c-1&email=ada%40example.com", key: admin)
            #expect(both.status == .badRequest)
            let missing = try await client.send(.get, "\(base)?email=nobody%40example.com", key: admin)
            #expect(missing.status == .notFound && missing.errorCode == "not_found")
            let removed = try await client.send(.put, base, key: admin, json: ["identifiers": ["email": "ada@example.com"], "properties": ["tier": nil]])
            #expect(removed.json["properties"]?["tier"] == nil)
            #expect(removed.json["properties"]?["ltv"]?.stringValue == "120.50")
        }
    }

    @Test func customMetricsAndBilling() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let admin = try harness.key(.admin, account: account.id)
        let base = "/api/v1/accounts/\(account.id)"
        try await harness.test { client in
            let body = try #require(World.body(harness.api.routes.first { $0.operationID == "createCustomMetric" }!))
            let created = try await client.send(.post, "\(base)/custom-metrics", key: admin, json: body)
            #expect(created.status == .created)
            #expect(created.json["sources"]?[0]?["filters"]?[0]?["op"]?.stringValue == "greater_than")
            let again = try await client.send(.post, "\(base)/custom-metrics", key: admin, json: body)
            #expect(again.status == .conflict)
            let list = try await client.send(.get, "\(base)/custom-metrics", key: admin)
            #expect(list.json["metrics"]?.arrayValue.count == 1)
            #expect(list.json["limit"]?.numberValue == 1)

            let tiers = try await client.send(.get, "/api/v1/billing/tiers", key: admin)
            #expect(tiers.json["tiers"]?[0]?["monthly_price"] == ["amount_minor": 10_000, "currency": "USD", "amount": "100.00"])
            let usage = try await client.send(.get, "\(base)/billing/usage", key: admin)
            #expect(usage.json["used_percent"]?.stringValue == "91.11")
            #expect(usage.json["warning"] == .bool(true))
            let invoice = try await client.send(.get, "\(base)/billing/invoices/2026-10", key: admin)
            #expect(invoice.json["total"]?["amount"]?.stringValue == "20.05")
            let badMonth = try await client.send(.get, "\(base)/billing/invoices/2026-13", key: admin)
            #expect(badMonth.status == .badRequest)
            let plan = try await client.send(.put, "\(base)/billing/plan", key: admin, json: ["marketing_analytics": true, "effective": "2026-12-01"])
            #expect(plan.status == .ok)
            // A day is the start of that day in the account's time zone (UTC here).
            #expect(plan.json["changes"]?[0]?["effective"]?.stringValue == "2026-12-01T00:00:00Z")
            #expect(plan.json["current"]?["tier"]?["active_profile_limit"]?.numberValue == 13_500)
        }
    }

    @Test func startOfDayUsesTheAccountsTimeZone() {
        let berlin = GatewayAPI.startOfDay("2026-12-01", timeZone: "Europe/Berlin")
        #expect(berlin.map(RFC3339.format) == "2026-11-30T23:00:00Z")
        let newYork = GatewayAPI.startOfDay("2026-07-01", timeZone: "America/New_York")
        #expect(newYork.map(RFC3339.format) == "2026-07-01T04:00:00Z")
        #expect(GatewayAPI.startOfDay("2026-02-30", timeZone: "UTC") == nil)
    }

    @Test(arguments: ["19.99", "0", "-3.5", "10000000000000.000001", "7"])
    func decimalTextIsExact(text: String) {
        #expect(JSONValue.parseDecimalText(text) == Decimal(string: text))
    }

    @Test(arguments: ["", "1e3", " 1", "1.", ".5", "NaN", "1,5", "--1", "0x10"])
    func otherTextIsNotADecimal(text: String) {
        #expect(JSONValue.parseDecimalText(text) == nil)
    }

    /// JSON numbers in request bodies become Decimals digit for digit, never through a Double.
    @Test(arguments: ["19.99", "0.1", "10000000000000.000001", "123456789012345678.9", "-0.000001", "3"])
    func jsonNumbersAreReadExactly(text: String) throws {
        let value = try JSONBody.decode(ByteBuffer(string: "{\"v\": \(text)}"))
        #expect(value["v"]?.numberValue == Decimal(string: text))
        #expect(String(buffer: JSONBody.encode(value)) == "{\"v\":\(text)}")
    }

    @Test func moneyIsExactText() {
        #expect(MoneyJSON.json(minor: 10_000, currency: "USD") == ["amount_minor": 10_000, "currency": "USD", "amount": "100.00"])
        #expect(MoneyJSON.text(minor: -305) == "-3.05")
        #expect(MoneyJSON.text(minor: 7) == "0.07")
        #expect(String(buffer: JSONBody.encode(["v": .number(Decimal(string: "0.1")!)])) == "{\"v\":0.1}")
    }
}
