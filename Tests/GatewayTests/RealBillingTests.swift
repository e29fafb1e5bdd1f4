import Billing
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import Ingest
import SextantContracts
import SextantRPC
import SextantStore
import SextantWire
import Testing

/// The billing routes against the real billing-service library, fed from the same ingest log
/// the gateway wrote to.
@Suite struct RealBillingTests {
    @Test func usageInvoicesAndPlanChangesThroughTheGateway() async throws {
        let directory = NSTemporaryDirectory() + "sextant-gateway-billing-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Ingest stamps accounts with the real clock; billing must not see them as created in its future.
        let now = Date()
        let eventTime = RFC3339.format(Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 3_600).rounded(.down)))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: now)
        let month = String(format: "%04d-%02d", parts.year!, parts.month!)
        let previousParts = calendar.dateComponents([.year, .month], from: calendar.date(byAdding: .month, value: -1, to: now)!)
        let previousMonth = String(format: "%04d-%02d", previousParts.year!, previousParts.month!)
        let billing = try BillingStore(path: directory + "/billing.sqlite", durability: .normal, now: { now })
        let harness = try GatewayHarness(
            billingRouter: BillingService.router(store: billing, progress: {
                ProgressResponse(appliedPosition: 0, knownHead: 0, following: true, lastAppliedAt: nil)
            }))
        let account = try await harness.account()
        let admin = try harness.key(.admin, account: account.id)
        let base = "/api/v1/accounts/\(account.id)"
        try await harness.test { client in
            let events: JSONValue = ["events": .array((1...3).map { index in
                ["metric": "Placed Order", "profile": ["email": .string("p\(index)@example.com")], "time": .string(eventTime),
                 "value": "25.00", "unique_id": .string("o\(index)")]
            })]
            let sent = try await client.send(.post, "\(base)/events/batch", key: admin, json: events)
            #expect(sent.json["stored"]?.numberValue == 3)
            try await billing.apply(try harness.ingestStore.entries(after: 0, accountID: nil, limit: 10_000))

            let usage = try await client.send(.get, "\(base)/billing/usage", key: admin)
            #expect(usage.status == .ok)
            #expect(usage.json["active_profiles"]?.numberValue == 3)
            let tiers = try await client.send(.get, "/api/v1/billing/tiers", key: admin)
            #expect(tiers.json["tiers"]?[0]?["monthly_price"]?["amount"]?.stringValue == "100.00")
            #expect(tiers.json["tiers"]?[0]?["active_profile_limit"]?.numberValue == 13_500)

            let plan = try await client.send(.put, "\(base)/billing/plan", key: admin, json: ["marketing_analytics": true, "tier_active_profile_limit": 13_500])
            #expect(plan.status == .ok, "\(plan.json)")
            #expect(plan.json["current"]?["marketing_analytics"] == .bool(true))
            let entitlements = try await client.send(.get, "\(base)/billing/entitlements", key: admin)
            #expect(entitlements.json["marketing_analytics"] == .bool(true))

            let invoice = try await client.send(.get, "\(base)/billing/invoices/\(month)", key: admin)
            #expect(invoice.status == .ok, "\(invoice.json)")
            #expect(invoice.json["total"]?["amount_minor"]?.numberValue != nil)
            let invoices = try await client.send(.get, "\(base)/billing/invoices", key: admin)
            #expect(invoices.json["invoices"]?.arrayValue.isEmpty == false, "\(invoices.status) \(invoices.json)")
            let monthly = try await client.send(.get, "\(base)/billing/usage/monthly?from=\(previousMonth)&to=\(month)", key: admin)
            #expect(monthly.json["months"]?.arrayValue.count == 2)

            let reader = try harness.key(.readOnly, account: account.id)
            let refused = try await client.send(.put, "\(base)/billing/plan", key: reader, json: ["marketing_analytics": false])
            #expect(refused.status == .forbidden)
        }
    }
}
