import ArgumentParser
import SextantContracts
import SextantLogFollower
import SextantService
import SextantStore

/// The attribution-service executable. Revenue attribution (its reports arrive with the Customer Hub issue).
/// Today it follows the ingest log and persists its position in `<data-dir>/attribution.sqlite`, so
/// a restart resumes after the last applied entry; it answers health and `Progress`.
@main
struct AttributionServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribution-service",
        abstract: "Revenue attribution (its reports arrive with the Customer Hub issue).",
        subcommands: [Serve.self, HealthCheckCommand<AttributionServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum AttributionServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .attribution }
    /// The service's RPC name.
    static let serviceName = "sextant.attribution.v1.Attribution"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run attribution-service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let settings = try self.options.settings(for: .attribution)
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        let database = try SQLiteStore.open(path: settings.dataDirectory + "/attribution.sqlite", migrations: migrations)
        // No effects yet: each entry only moves the persisted cursor.
        let applier = SQLiteLogApplier(database: database, applyEntry: { _, _ in })
        try await LogConsumerHost(settings: settings, serviceName: AttributionServiceDescription.serviceName).run(applier: applier)
    }
}
