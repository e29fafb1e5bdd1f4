import ArgumentParser
import Foundation
import Insights
import SextantRPC
import SextantRPCNIO
import SextantContracts
import SextantLogFollower
import SextantService
import SextantStore

/// The insights-service executable: follows the ingest log into per-day aggregates in
/// `<data-dir>/insights.sqlite` and answers the Customer Hub dashboard (``InsightsService``,
/// proto-spec/insights.md), asking attribution-service for the Hub revenue.
@main
struct InsightsServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights-service",
        abstract: "Reports: the Customer Hub dashboard from aggregates kept as the log arrives.",
        subcommands: [Serve.self, HealthCheckCommand<InsightsServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum InsightsServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .insights }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run insights-service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "full: fsync every commit; normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    func run() async throws {
        let settings = try self.options.settings(for: .insights)
        let durabilityName = self.durability ?? ProcessInfo.processInfo.environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }
        let store = try InsightsStore(path: settings.dataDirectory + "/insights.sqlite", durability: durability)
        let (attribution, attributionTransport) = try settings.client(for: .attributionService)
        let revenue = InsightsService.attributionRevenue(client: attribution, options: CallOptions(timeout: .seconds(5)))
        try await LogConsumerHost(settings: settings, serviceName: InsightsService.serviceName).run(
            applier: store,
            router: { follower in InsightsService.router(store: store, progress: { follower.progress }, revenue: revenue) },
            afterDrain: { await attributionTransport.close() })
    }
}
