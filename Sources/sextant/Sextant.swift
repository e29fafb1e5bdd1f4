import ArgumentParser

/// `sextant`: the suite's command-line tool — run the suite locally (`up`), check it (`status`),
/// and administer it over mutual TLS with the `admin` certificate.
@main
struct Sextant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sextant",
        abstract: "Sextant: self-hosted customer analytics.",
        subcommands: [
            UpCommand.self, StatusCommand.self, CertsCommand.self, AccountsCommand.self, KeysCommand.self, ImportCommand.self,
            BillingCommand.self, HubCommand.self, CLVCommand.self, DemoCommand.self, RPCDemoCommand.self,
        ]
    )
}
