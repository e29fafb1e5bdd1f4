import ArgumentParser
import SextantContracts
import SextantLogFollower
import SextantService
import SextantStore

/// The insights-service executable. Reports and the Customer Hub dashboard (its aggregates arrive with the Customer Hub issue).
/// Today it follows the ingest log and persists its position in `<data-dir>/insights.sqlite`, so
/// a restart resumes after the last applied entry; it answers health and `Progress`.
@main
struct InsightsServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights-service",
        abstract: "Reports and the Customer Hub dashboard (its aggregates arrive with the Customer Hub issue).",
        subcommands: [Serve.self, HealthCheckCommand<InsightsServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum InsightsServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .insights }
    /// The service's RPC name.
    static let serviceName = "sextant.insights.v1.Insights"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run insights-service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let settings = try self.options.settings(for: .insights)
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        let database = try SQLiteStore.open(path: settings.dataDirectory + "/insights.sqlite", migrations: migrations)
        // No effects yet: each entry only moves the persisted cursor.
        let applier = SQLiteLogApplier(database: database, applyEntry: { _, _ in })
        try await LogConsumerHost(settings: settings, serviceName: InsightsServiceDescription.serviceName).run(applier: applier)
    }
}
