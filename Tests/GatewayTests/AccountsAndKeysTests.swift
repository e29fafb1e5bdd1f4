import NIOCore
import Ingest
import HTTPTypes
import Foundation
@testable import Gateway
import HummingbirdTesting
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import Testing

@Suite struct AccountsAndKeysTests {
    /// The bootstrap path: operator key → account → admin key → read-only key → revoke.
    @Test func operatorCreatesAnAccountAndItsKeys() async throws {
        let harness = try GatewayHarness()
        let operatorKey = try harness.key(.operator, account: nil)
        try await harness.test { client in
            let created = try await client.send(.post, "/api/v1/accounts", key: operatorKey, json: [
                "name": "Demo Shop", "time_zone": "Europe/Berlin", "currency": "EUR", "attribution_windows": ["email_click_seconds": 86_400],
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.numberValue)
            #expect(created.json["time_zone"]?.stringValue == "Europe/Berlin")
            #expect(created.json["attribution_windows"]?["email_click_seconds"]?.numberValue == 86_400)
            #expect(created.json["attribution_windows"]?["email_open_seconds"]?.numberValue == 432_000)
            #expect(created.json["plan"]?.stringValue == "email")

            let adminKey = try await client.send(.post, "/api/v1/accounts/\(id)/keys", key: operatorKey, json: ["role": "admin", "name": "shop backend"])
            #expect(adminKey.status == .created)
            let adminSecret = try #require(adminKey.json["secret"]?.stringValue)
            #expect(adminKey.json["key"]?["role"]?.stringValue == "admin")

            let renamed = try await client.send(.patch, "/api/v1/accounts/\(id)", key: adminSecret, json: ["name": "Demo Shop GmbH"])
            #expect(renamed.json["name"]?.stringValue == "Demo Shop GmbH")
            #expect(renamed.json["currency"]?.stringValue == "EUR")

            let readKey = try await client.send(.post, "/api/v1/accounts/\(id)/keys", key: adminSecret, json: ["role": "read-only", "name": "dashboard"])
            let readSecret = try #require(readKey.json["secret"]?.stringValue)
            let readID = try #require(readKey.json["key"]?["id"]?.stringValue)
            #expect(try await client.send(.get, "/api/v1/accounts/\(id)", key: readSecret).status == .ok)

            let noOperatorKeys = try await client.send(.post, "/api/v1/accounts/\(id)/keys", key: adminSecret, json: ["role": "operator", "name": "x"])
            #expect(noOperatorKeys.status == .badRequest && noOperatorKeys.json["error"]?["details"]?[0]?["field"]?.stringValue == "role")

            let list = try await client.send(.get, "/api/v1/accounts/\(id)/keys", key: adminSecret)
            #expect(list.json["keys"]?.arrayValue.count == 2)
            #expect(!String(buffer: list.body).contains(readSecret.suffix(43)))
            #expect(!String(buffer: list.body).contains("secret"))

            let revoked = try await client.send(.delete, "/api/v1/accounts/\(id)/keys/\(readID)", key: adminSecret)
            #expect(revoked.status == .ok && revoked.json["revoked_at"] != .null)
            let afterRevoke = try await client.send(.get, "/api/v1/accounts/\(id)", key: readSecret)
            #expect(afterRevoke.status == .unauthorized)

            let invalid = try await client.send(.post, "/api/v1/accounts", key: operatorKey, json: ["name": 5])
            #expect(invalid.status == .badRequest && invalid.json["error"]?["details"]?[0]?["field"]?.stringValue == "name")
        }
    }

    @Test func healthNeedsNoKey() async throws {
        let harness = try GatewayHarness()
        try await harness.test { client in
            let response = try await client.send(.get, "/api/v1/health")
            #expect(response.status == .ok && response.json["status"]?.stringValue == "serving")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }
}

/// The mutual-TLS key administration service the CLI uses.
@Suite struct GatewayServiceTests {
    @Test func adminCreatesListsAndRevokesKeys() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let store = harness.ingestStore
        let server = RPCServer(router: GatewayService.router(keys: harness.keys, accountExists: { await (try? store.account($0)) != nil }))
        let admin = RPCClient(transport: InProcessTransport(server: server, caller: .admin))
        let created = try await admin.unary(GatewayService.createKey, CreateKeyRequest(accountID: account.id, role: .ingestOnly, name: "importer"))
        #expect(created.key.role == .ingestOnly && created.key.accountID == account.id)
        #expect(try harness.keys.authenticate(secret: created.secret)?.id == created.key.id)
        let op = try await admin.unary(GatewayService.createKey, CreateKeyRequest(accountID: nil, role: .operator, name: "ops"))
        #expect(op.key.accountID == nil)
        #expect(try await admin.unary(GatewayService.listKeys, ListKeysRequest(accountID: account.id)).keys.map(\.id) == [created.key.id])
        #expect(try await admin.unary(GatewayService.listKeys, ListKeysRequest()).keys.map(\.id) == [op.key.id])
        let revoked = try await admin.unary(GatewayService.revokeKey, RevokeKeyRequest(keyID: created.key.id))
        #expect(revoked.revokedAt != nil)

        await #expect(throws: RPCError.self) {
            try await admin.unary(GatewayService.createKey, CreateKeyRequest(accountID: 999, role: .admin, name: "x"))
        }
        do {
            _ = try await admin.unary(GatewayService.createKey, CreateKeyRequest(accountID: account.id, role: .operator, name: "x"))
            Issue.record("an operator key with an account was created")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
        }
        do {
            _ = try await admin.unary(GatewayService.revokeKey, RevokeKeyRequest(keyID: "missing"))
            Issue.record("revoking a missing key succeeded")
        } catch let error as RPCError {
            #expect(error.code == .notFound)
        }
    }

    @Test func onlyTheAdminIdentityMayCall() async throws {
        let harness = try GatewayHarness()
        let server = RPCServer(router: GatewayService.router(keys: harness.keys, accountExists: { _ in true }))
        for caller in [ServiceIdentity.gateway, .ingestService, .billingService] {
            let client = RPCClient(transport: InProcessTransport(server: server, caller: caller))
            do {
                _ = try await client.unary(GatewayService.listKeys, ListKeysRequest())
                Issue.record("\(caller) listed keys")
            } catch let error as RPCError {
                #expect(error.code == .permissionDenied)
            }
        }
    }
}
