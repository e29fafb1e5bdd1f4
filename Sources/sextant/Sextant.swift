import ArgumentParser

/// `sextant`: the admin command-line tool. Until the services exist it manages certificates and
/// runs a demonstration of the RPC layer; later issues add `up`, accounts, keys, import and reports.
@main
struct Sextant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sextant",
        abstract: "Sextant: self-hosted customer analytics.",
        subcommands: [CertsCommand.self, AccountsCommand.self, ImportCommand.self, RPCDemoCommand.self]
    )
}
