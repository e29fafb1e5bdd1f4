import ArgumentParser
import SextantContracts
import SextantRPC
import SextantRPCNIO

/// `sextant accounts create|list`: accounts in ingest-service, over mutual TLS as `admin`.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Create and list accounts.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account and print it.")
        @OptionGroup var connection: IngestConnectionOptions
        @Option(help: "The shop's name.") var name: String
        @Option(help: "IANA time zone.") var timeZone = "UTC"
        @Option(help: "ISO 4217 currency.") var currency = "USD"
        @Flag(help: "With the Marketing Analytics add-on.") var marketingAnalytics = false
        @Flag(help: "Collect Customer Hub events.") var customerHub = false

        func run() async throws {
            let (client, transport) = try self.connection.connect()
            let account = try await client.unary(IngestService.createAccount, CreateAccountRequest(
                name: self.name, timeZone: self.timeZone, currency: self.currency,
                plan: self.marketingAnalytics ? .marketingAnalytics : .email, customerHubActive: self.customerHub))
            print(AccountsCommand.line(account))
            await transport.close()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account.")
        @OptionGroup var connection: IngestConnectionOptions

        func run() async throws {
            let (client, transport) = try self.connection.connect()
            let list = try await client.unary(IngestService.listAccounts, ListAccountsRequest())
            for account in list.accounts { print(AccountsCommand.line(account)) }
            await transport.close()
        }
    }

    static func line(_ account: Account) -> String {
        "account \(account.id): \(account.name) (\(account.timeZone), \(account.currency), "
            + "\(account.plan == .marketingAnalytics ? "Marketing Analytics" : "email plan"), "
            + "Customer Hub \(account.customerHubActive ? "on" : "off"))"
    }
}
