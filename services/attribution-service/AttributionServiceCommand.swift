import ArgumentParser
import Foundation
import Attribution
import SextantContracts
import SextantLogFollower
import SextantService
import SextantStore

/// The attribution-service executable: follows the ingest log and attributes revenue —
/// Customer Hub revenue (ordered items after a Hub product click, add to cart or buy-again
/// click within 24 hours) — keeping every attribution's explanation and per-day totals in
/// `<data-dir>/attribution.sqlite` (``AttributionService``, proto-spec/attribution.md).
@main
struct AttributionServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribution-service",
        abstract: "Revenue attribution: Customer Hub revenue by day and the attributed ordered products behind it.",
        subcommands: [Serve.self, HealthCheckCommand<AttributionServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum AttributionServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .attribution }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run attribution-service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "full: fsync every commit; normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    func run() async throws {
        let settings = try self.options.settings(for: .attribution)
        let durabilityName = self.durability ?? ProcessInfo.processInfo.environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }
        let store = try AttributionStore(path: settings.dataDirectory + "/attribution.sqlite", durability: durability)
        try await LogConsumerHost(settings: settings, serviceName: AttributionService.serviceName).run(applier: store) { follower in
            AttributionService.router(store: store, progress: { follower.progress })
        }
    }
}
