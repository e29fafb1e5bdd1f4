import ArgumentParser
import Foundation
import Logging
import PredictiveService
import SextantContracts
import SextantLogFollower
import SextantRPC
import SextantRPCNIO
import SextantService
import SextantStore

/// The predictive-service executable: follows the ingest log, keeps every account's orders in
/// `<data-dir>/predictive.sqlite`, fits each eligible account's CLV model when it starts and
/// daily (and on demand, `Fit`), and answers model cards and profile predictions
/// (``PredictiveService``, proto-spec/predictive.md).
@main
struct PredictiveServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictive-service",
        abstract: "Predicted customer lifetime value: orders from the log, daily fits, model cards and profile predictions.",
        subcommands: [Serve.self, HealthCheckCommand<PredictiveServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum PredictiveServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .predictive }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run predictive-service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "full: fsync every commit; normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    @Option(help: "Hours between refits of every account (env SEXTANT_PREDICTIVE_REFIT_HOURS; default 24).")
    var refitHours: Double?

    func run() async throws {
        let settings = try self.options.settings(for: .predictive)
        let environment = ProcessInfo.processInfo.environment
        let durabilityName = self.durability ?? environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }
        var hours = 24.0
        if let given = self.refitHours {
            hours = given
        } else if let text = environment["SEXTANT_PREDICTIVE_REFIT_HOURS"], !text.isEmpty {
            guard let value = Double(text) else { throw ValidationError("SEXTANT_PREDICTIVE_REFIT_HOURS: a number of hours, not \"\(text)\"") }
            hours = value
        }
        guard hours > 0, hours <= 24 * 30 else { throw ValidationError("refit-hours: between 0 and 720, not \(hours)") }
        let refitInterval = Duration.milliseconds(Int64(hours * 3_600_000))
        let store = try PredictiveStore(path: settings.dataDirectory + "/predictive.sqlite", durability: durability)
        let logger = settings.logger
        // Billing decides whether an account's plan includes predicted CLV (Marketing Analytics).
        let (billing, billingTransport) = try settings.client(for: .billingService)
        let entitled = PredictiveService.billingEntitlement(client: billing)
        // A second reader of the ingest log, for accounts whose conversion metric changed.
        let (ingest, ingestTransport) = try settings.client(for: .ingestService, maximumMessageSize: TrackEventsRequest.maximumBytes + 64 * 1_024)
        let readAccountLog: PredictiveStore.LogReader = { accountID, after, handle in
            let request = SubscribeRequest(after: after, accountID: accountID, follow: false, batchSize: 1_000)
            try await ingest.serverStreaming(IngestService.subscribe, request) { stream in
                for try await batch in stream where !batch.entries.isEmpty {
                    guard try await handle(batch.entries) else { return }
                }
            }
            return try await ingest.unary(IngestService.logHead, LogHeadRequest(accountID: accountID), options: CallOptions(timeout: .seconds(10))).position
        }
        try await LogConsumerHost(settings: settings, serviceName: PredictiveService.serviceName).run(
            applier: store,
            router: { follower in PredictiveService.router(store: store, entitled: entitled, progress: { follower.progress }) },
            background: [{
                await store.runRebuilds(read: readAccountLog, onError: { error in
                    logger.warning("re-reading the log for a new conversion metric failed; retrying", metadata: ["error": "\(error)"])
                })
            }, {
                // Every account is fitted shortly after start (once the follower has had a moment
                // to catch up) and then every `hours`; a failed round is logged and retried next time.
                try? await Task.sleep(for: .seconds(5))
                while !Task.isCancelled {
                    do {
                        // Accounts whose plan lacks Marketing Analytics are not fitted; when billing
                        // cannot say (down, or the account not read yet), the account is fitted
                        // anyway — every read of it is still checked against the plan.
                        let round = try await store.fitAll(now: Date(), include: { account in (try? await entitled(account)) ?? true })
                        logger.info("fitted CLV models", metadata: ["accounts-with-a-model": "\(round.fitted)"])
                        for (account, failure) in round.failures {
                            logger.warning("CLV fit failed", metadata: ["account": "\(account)", "error": "\(failure)"])
                        }
                    } catch {
                        logger.warning("CLV refit failed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: refitInterval)
                }
            }],
            afterDrain: {
                await billingTransport.close()
                await ingestTransport.close()
            })
    }
}
