import SextantRPC
import NIOCore
import Ingest
import HTTPTypes
import Foundation
@testable import Gateway
import SextantContracts
import SextantWire

/// Two accounts, each with an event, a profile and a spare key, so every route's path can be
/// filled in for either account.
struct World: Sendable {
    let harness: GatewayHarness
    let a: Account
    let b: Account
    let positions: [UInt64: UInt64]
    let profiles: [UInt64: UInt64]
    let spareKeys: [UInt64: String]

    static func make(_ harness: GatewayHarness) async throws -> World {
        var positions: [UInt64: UInt64] = [:]
        var profiles: [UInt64: UInt64] = [:]
        var spareKeys: [UInt64: String] = [:]
        let a = try await harness.account("Shop A")
        let b = try await harness.account("Shop B")
        for account in [a, b] {
            let response = try await harness.ingestStore.track(TrackEventsRequest(accountID: account.id, events: [
                EventInput(metric: "Viewed Product", profile: ProfileIdentifiers(email: "someone@example.com"), time: Date(timeIntervalSince1970: 1_790_000_000), uniqueID: "seed")
            ]))
            positions[account.id] = response.outcomes[0].position
            profiles[account.id] = response.outcomes[0].profileID
            spareKeys[account.id] = try harness.keys.create(accountID: account.id, role: .readOnly, name: "spare").key.id
        }
        try await harness.syncReports()
        return World(harness: harness, a: a, b: b, positions: positions, profiles: profiles, spareKeys: spareKeys)
    }

    /// The route's URI for `account`'s data.
    func uri(_ route: APIRoute, account: UInt64) -> String {
        var path = route.path
        path = path.replacingOccurrences(of: "{accountID}", with: "\(account)")
        path = path.replacingOccurrences(of: "{keyID}", with: self.spareKeys[account] ?? "none")
        path = path.replacingOccurrences(of: "{position}", with: "\(self.positions[account] ?? 1)")
        path = path.replacingOccurrences(of: "{profileID}", with: "\(self.profiles[account] ?? 1)")
        path = path.replacingOccurrences(of: "{month}", with: "2026-11")
        if route.operationID == "findProfile" { path += "?email=someone%40example.com" }
        return path
    }

    /// A valid body for the route, or nil for routes without one.
    static func body(_ route: APIRoute) -> JSONValue? {
        switch route.operationID {
        case "createAccount": ["name": "New shop", "currency": "EUR", "time_zone": "Europe/Berlin"]
        case "updateAccount": ["name": "Renamed shop"]
        case "createKey": ["role": "read-only", "name": "reporting"]
        case "trackEvent": World.event
        case "trackEventBatch": ["events": [World.event]]
        case "upsertProfile": ["identifiers": ["email": "new@example.com"], "properties": ["first_name": "Ada"]]
        case "createCustomMetric":
            ["name": "Big orders", "sources": [["metric": "Placed Order", "filters": [["property": "value", "op": "greater_than", "operand": 100]]]], "aggregation": ["type": "count"]]
        case "changePlan": ["marketing_analytics": true, "tier_active_profile_limit": 13_500, "effective": "2026-12-01"]
        case "updateCLVSettings": ["horizon_days": 180]
        default: nil
        }
    }

    static let event: JSONValue = [
        "metric": "Placed Order", "profile": ["email": "buyer@example.com"], "time": "2026-11-01T10:00:00Z", "value": "19.99",
        "unique_id": "order-1", "properties": ["order_id": "1"],
    ]
}
