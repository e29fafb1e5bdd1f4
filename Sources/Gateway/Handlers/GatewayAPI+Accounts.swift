import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

extension GatewayAPI {
    func createAccount(_ call: RouteCall) async throws -> APIResponse {
        let request = try AccountJSON.createRequest(try await call.object())
        let account = try await self.backends.ingest.call(IngestService.createAccount, request)
        return APIResponse(.created, AccountJSON.json(account))
    }

    /// Operator keys list every account; account keys see their own.
    func listAccounts(_ call: RouteCall) async throws -> APIResponse {
        let accounts: [Account]
        if let accountID = call.key?.accountID {
            accounts = [try await self.backends.ingest.call(IngestService.getAccount, AccountRef(accountID: accountID), notFound: .accountNotFound)]
        } else {
            accounts = try await self.backends.ingest.call(IngestService.listAccounts, ListAccountsRequest()).accounts
        }
        return APIResponse(.ok, .object(["accounts": .array(accounts.map(AccountJSON.json))]))
    }

    func account(_ accountID: UInt64) async throws(APIError) -> Account {
        try await self.backends.ingest.call(IngestService.getAccount, AccountRef(accountID: accountID), notFound: .accountNotFound)
    }

    func getAccount(_ call: RouteCall) async throws -> APIResponse {
        APIResponse(.ok, AccountJSON.json(try await self.account(call.accountID)))
    }

    func updateAccount(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        let account = try await self.account(call.accountID)
        let request = try AccountJSON.updateRequest(reader, account: account)
        let updated = try await self.backends.ingest.call(IngestService.updateAccount, request, notFound: .accountNotFound)
        return APIResponse(.ok, AccountJSON.json(updated))
    }
}

extension GatewayAPI {
    /// Account keys only (admin, read-only, ingest-only); operator keys are made with the CLI.
    func createKey(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        let roleName = try reader.string("role")
        guard let role = APIKeyRole(name: roleName), role.isAccountScoped else {
            throw APIError.invalidArgument(field: "role", reason: "must be \"admin\", \"read-only\" or \"ingest-only\"")
        }
        let name = try reader.string("name")
        _ = try await self.account(call.accountID)
        let created = try await self.keys.create(accountID: call.accountID, role: role, name: name)
        self.logger.notice("API key created", metadata: ["key": "\(created.key.id)", "account": "\(call.accountID)", "role": "\(role.name)", "by": "\(call.key?.id ?? "-")"])
        return APIResponse(.created, KeyJSON.json(created))
    }

    func listKeys(_ call: RouteCall) async throws -> APIResponse {
        let keys = try await self.keys.list(accountID: call.accountID)
        return APIResponse(.ok, .object(["keys": .array(keys.map(KeyJSON.json))]))
    }

    func revokeKey(_ call: RouteCall) async throws -> APIResponse {
        let id = call.parameter("keyID")
        guard let key = try await self.keys.key(id: id), key.accountID == call.accountID else {
            throw APIError.notFound("no key \(id) in this account")
        }
        let revoked = try await self.keys.revoke(id: key.id)
        self.logger.notice("API key revoked", metadata: ["key": "\(key.id)", "account": "\(call.accountID)", "by": "\(call.key?.id ?? "-")"])
        return APIResponse(.ok, KeyJSON.json(revoked))
    }
}
