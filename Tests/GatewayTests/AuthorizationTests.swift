import SextantRPC
import NIOCore
import Ingest
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import SextantContracts
import SextantWire
import Testing

/// Every route × every role, and every account route with another account's key.
@Suite struct AuthorizationTests {
    static let roles = APIKeyRole.allCases

    @Test func everyRoleOnEveryRoute() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let keys = try Dictionary(uniqueKeysWithValues: Self.roles.map { ($0, try harness.key($0, account: world.a.id)) })
        try await harness.test { client in
            for route in harness.api.routes {
                let uri = world.uri(route, account: world.a.id)
                if route.access == .open {
                    let response = try await client.send(route.method, uri, json: World.body(route))
                    #expect(response.status.code < 300, "\(route.operationID) without a key: \(response.status)")
                    continue
                }
                let anonymous = try await client.send(route.method, uri, json: World.body(route))
                #expect(anonymous.status == .unauthorized && anonymous.errorCode == "unauthorized", "\(route.operationID) without a key")
                let bogus = try await client.send(route.method, uri, key: "sxt_AAAAAAAAAAAA_" + String(repeating: "x", count: 43), json: World.body(route))
                #expect(bogus.status == .unauthorized, "\(route.operationID) with an unknown key")
                for role in Self.roles {
                    let response = try await client.send(route.method, uri, key: keys[role], json: World.body(route))
                    if route.roles.contains(role) {
                        #expect((200..<300).contains(response.status.code), "\(route.operationID) as \(role): \(response.status) \(response.json)")
                    } else {
                        #expect(response.status == .forbidden && response.errorCode == "forbidden", "\(route.operationID) as \(role): \(response.status)")
                    }
                    #expect(response.headers[.rateLimitLimit] != nil, "\(route.operationID) as \(role): no RateLimit-Limit")
                }
            }
        }
    }

    @Test func anotherAccountsKeyNeverReachesItsData() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let headBefore = try await harness.ingestStore.head(accountID: world.b.id)
        let accountRoles = Self.roles.filter(\.isAccountScoped)
        let keysOfA = try accountRoles.map { ($0, try harness.key($0, account: world.a.id)) }
        try await harness.test { client in
            for route in harness.api.routes where route.isAccountScoped {
                let uri = world.uri(route, account: world.b.id)
                for (role, key) in keysOfA {
                    let response = try await client.send(route.method, uri, key: key, json: World.body(route))
                    #expect(response.status == .notFound, "\(route.operationID) with A's \(role) key on B: \(response.status)")
                    #expect(response.errorCode == "account_not_found", "\(route.operationID) with A's \(role) key on B: \(response.json)")
                }
                // An account that does not exist looks the same.
                let missing = try await client.send(route.method, world.uri(route, account: 999_999), key: keysOfA[0].1, json: World.body(route))
                #expect(missing.status == .notFound && missing.errorCode == "account_not_found", "\(route.operationID) on a missing account")
            }
            // An account key lists only its own account.
            let list = try await client.send(.get, "/api/v1/accounts", key: keysOfA[0].1)
            #expect(list.json["accounts"]?.arrayValue.count == 1)
            #expect(list.json["accounts"]?[0]?["id"]?.numberValue == Decimal(world.a.id))
        }
        // Nothing of B changed: no new entries, its key still valid.
        await #expect(try harness.ingestStore.head(accountID: world.b.id) == headBefore)
        #expect(try harness.keys.key(id: world.spareKeys[world.b.id]!)?.revokedAt == nil)
    }

    @Test func aKeyOfAnotherAccountCannotBeRevokedThroughOnesOwnAccount() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let admin = try harness.key(.admin, account: world.a.id)
        try await harness.test { client in
            let response = try await client.send(.delete, "/api/v1/accounts/\(world.a.id)/keys/\(world.spareKeys[world.b.id]!)", key: admin)
            #expect(response.status == .notFound && response.errorCode == "not_found")
        }
        #expect(try harness.keys.key(id: world.spareKeys[world.b.id]!)?.revokedAt == nil)
    }

    @Test func operatorKeysAdministerAccountsButReadNoCustomerData() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let operatorKey = try harness.key(.operator, account: nil)
        try await harness.test { client in
            let keys = try await client.send(.get, "/api/v1/accounts/\(world.b.id)/keys", key: operatorKey)
            #expect(keys.status == .ok)
            let event = try await client.send(.get, "/api/v1/accounts/\(world.b.id)/events/\(world.positions[world.b.id]!)", key: operatorKey)
            #expect(event.status == .forbidden)
            let missing = try await client.send(.get, "/api/v1/accounts/424242", key: operatorKey)
            #expect(missing.status == .notFound && missing.errorCode == "account_not_found")
            let keyForMissing = try await client.send(.post, "/api/v1/accounts/424242/keys", key: operatorKey, json: ["role": "admin", "name": "x"])
            #expect(keyForMissing.status == .notFound && keyForMissing.errorCode == "account_not_found")
        }
    }

    @Test func malformedAuthorizationHeadersAreUnauthorized() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let key = try harness.key(.admin, account: world.a.id)
        try await harness.test { client in
            for header in ["", "Bearer", "Basic \(key)", "Bearer \(key)x", "Bearer \(key.dropLast())", key] {
                var headers = HTTPFields()
                headers[.authorization] = header
                let response = try await client.executeRequest(uri: "/api/v1/accounts/\(world.a.id)", method: .get, headers: headers, body: nil)
                #expect(response.status == .unauthorized, "Authorization: \(header.prefix(12))…")
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
        }
    }
}
