import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantService

/// `sextant keys create|list|revoke`: API keys, through the gateway's mutual-TLS administration
/// service with the suite's `admin` certificate. A secret is printed once, at creation.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret (shown only this once).")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account the key belongs to (omit for an operator key, which needs --role operator).") var account: UInt64?
        @Option(help: "admin, read-only, ingest-only or operator.") var role: String
        @Option(help: "A name to recognise the key by.") var name = "cli"

        func run() async throws {
            guard let role = APIKeyRole(name: self.role) else {
                throw ValidationError("unknown role \"\(self.role)\": admin, read-only, ingest-only or operator")
            }
            guard (role == .operator) == (self.account == nil) else {
                throw ValidationError(role == .operator ? "an operator key belongs to no account: leave out --account" : "a \(role) key needs --account")
            }
            let admin = try self.suite.admin()
            let created = try await admin.client(.gateway).unary(
                GatewayService.createKey, CreateKeyRequest(accountID: self.account, role: role, name: self.name), options: SuiteAdmin.deadline)
            print(KeysCommand.line(created.key))
            print("secret: \(created.secret)")
            await admin.close()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (without secrets), revoked ones included.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "One account's keys (omit for the operator keys).") var account: UInt64?

        func run() async throws {
            let admin = try self.suite.admin()
            let list = try await admin.client(.gateway).unary(GatewayService.listKeys, ListKeysRequest(accountID: self.account), options: SuiteAdmin.deadline)
            for key in list.keys { print(KeysCommand.line(key)) }
            await admin.close()
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key at once.")
        @OptionGroup var suite: SuiteOptions
        @Argument(help: "The key's id.") var id: String

        func run() async throws {
            let admin = try self.suite.admin()
            let key = try await admin.client(.gateway).unary(GatewayService.revokeKey, RevokeKeyRequest(keyID: self.id), options: SuiteAdmin.deadline)
            print(KeysCommand.line(key))
            await admin.close()
        }
    }

    static func line(_ key: KeyInfo) -> String {
        "key \(key.id): \(key.role) \(key.accountID.map { "of account \($0)" } ?? "(all accounts)") \"\(key.name)\""
            + (key.revokedAt.map { " revoked \($0.formatted(.iso8601))" } ?? "")
    }
}
