import ArgumentParser
import SextantContracts
import SextantLogFollower
import SextantService
import SextantStore

/// The predictive-service executable. Predicted customer lifetime value (the service keeps no per-customer summaries yet: the model library is in Sources/Predictive; its service part is the predictive issue's).
/// Today it follows the ingest log and persists its position in `<data-dir>/predictive.sqlite`, so
/// a restart resumes after the last applied entry; it answers health and `Progress`.
@main
struct PredictiveServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictive-service",
        abstract: "Predicted customer lifetime value (the service keeps no per-customer summaries yet: the model library is in Sources/Predictive; its service part is the predictive issue's).",
        subcommands: [Serve.self, HealthCheckCommand<PredictiveServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum PredictiveServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .predictive }
    /// The service's RPC name.
    static let serviceName = "sextant.predictive.v1.Predictive"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run predictive-service (the default).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let settings = try self.options.settings(for: .predictive)
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        let database = try SQLiteStore.open(path: settings.dataDirectory + "/predictive.sqlite", migrations: migrations)
        // No effects yet: each entry only moves the persisted cursor.
        let applier = SQLiteLogApplier(database: database, applyEntry: { _, _ in })
        try await LogConsumerHost(settings: settings, serviceName: PredictiveServiceDescription.serviceName).run(applier: applier)
    }
}
