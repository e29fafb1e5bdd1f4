import ArgumentParser
import Foundation
import Ingest
import Logging
import NIOCore
import SextantContracts
import SextantPostgres
import SextantRPC
import SextantRPCNIO
import SextantService
import SextantStore
import SextantWire

/// The ingest-service executable: serves ``IngestService`` over mutual TLS from a SQLite
/// database in the data directory. `serve` (the default) runs it; `health` asks a running one.
/// Every option can also come from the environment variable named in its help; a flag wins.
@main
struct IngestServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-service",
        abstract: "Sextant's system of record: accounts, profiles and the durable, idempotent event log.",
        subcommands: [Serve.self, HealthCheckCommand<IngestServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum IngestServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .ingest }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run ingest-service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "full: fsync every commit (survives power loss); normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    @Option(help: "Where the log and state live: sqlite (<data-dir>/ingest.sqlite) or postgres (schema ingest of SEXTANT_POSTGRES_URL, or SEXTANT_POSTGRES_SCHEMA) (env SEXTANT_STORAGE; default sqlite).")
    var storage: String?

    @Option(help: "Compress responses with zlib for clients that accept it: on or off (env SEXTANT_COMPRESS_RESPONSES; default off).")
    var compressResponses: String?

    @Option(help: "Where custom-metric limits come from: billing (billing-service's entitlements, the suite's rule) or plan (the plan recorded on the account, for ingest on its own) (env SEXTANT_INGEST_ENTITLEMENTS; default billing).")
    var entitlements: String?

    func run() async throws {
        // Batches are decoded on the event loops and freed on the writer; with glibc's defaults the
        // freed memory stayed with the process (peak RSS 250-330 MB in `sextant-bench ingest`).
        MallocTuning.apply()
        let environment = ProcessInfo.processInfo.environment
        let settings = try self.options.settings(for: .ingest)
        let durabilityName = self.durability ?? environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }
        let compress = self.compressResponses ?? environment["SEXTANT_COMPRESS_RESPONSES"] ?? "off"
        guard compress == "on" || compress == "off" else { throw ValidationError("compress-responses: on or off, not \"\(compress)\"") }
        let entitlements = self.entitlements ?? environment["SEXTANT_INGEST_ENTITLEMENTS"] ?? "billing"
        guard entitlements == "billing" || entitlements == "plan" else {
            throw ValidationError("entitlements: billing or plan, not \"\(entitlements)\"")
        }

        let store: IngestStore
        let storage = self.storage ?? environment["SEXTANT_STORAGE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
        switch storage {
        case "sqlite":
            store = try IngestStore.open(path: settings.dataDirectory + "/ingest.sqlite", durability: durability)
        case "postgres":
            let postgres: PostgresSettings
            do { postgres = try PostgresSettings(environment: environment, defaultSchema: "ingest") } catch {
                throw ValidationError("\(error)")
            }
            // PostgreSQL's own durability applies (synchronous_commit); --durability is SQLite's.
            store = try await IngestStore.open(postgres: postgres, logger: settings.logger)
            settings.logger.info("log and state in PostgreSQL", metadata: ["database": "\(postgres)"])
        case let other:
            throw ValidationError("storage: sqlite or postgres, not \"\(other)\"")
        }
        var limit: (@Sendable (UInt64) async throws -> Int?)?
        var billingTransport: NIOClientTransport?
        if entitlements == "billing" {
            let (billing, transport) = try settings.client(for: .billingService)
            billingTransport = transport
            limit = { accountID in
                do {
                    let answer = try await billing.unary(
                        BillingService.getEntitlements, AccountRef(accountID: accountID), options: CallOptions(timeout: .seconds(5)))
                    return Int(answer.customMetricLimit)
                } catch let error as RPCError where error.code == .notFound {
                    // billing-service has not read the account's creation from the log yet, so no
                    // plan change can exist: the plan recorded on the account decides.
                    return nil
                } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                    throw RPCError(code: .unavailable, message: "billing-service, which decides custom-metric limits, is unavailable: \(error.message)")
                }
            }
        }

        var configuration = NIOServerTransport.Configuration.defaults
        // A 5 MiB batch must fit in one message; anything larger is refused before it is read.
        configuration.connection.settings.maxFrameSize = UInt32(TrackEventsRequest.maximumBytes + 64 * 1_024)
        // Off by default: the suite's services share one network, and deflating 1 MiB log batches
        // took more than half of a subscription's CPU (measured with sextant-bench ingest).
        // Compressed requests are accepted either way.
        configuration.connection.compressionEnabled = compress == "on"
        // Handlers read SQLite synchronously (subscriptions read up to 1 MiB at a time) and validate
        // and encode whole batches: they run on Swift's global executor, not on the event loops
        // that carry every connection's frames and keepalives.
        configuration.handlerExecution = .global

        let head = try await store.head()
        settings.logger.info("opened", metadata: [
            "durability": "\(durability.rawValue)", "head": "\(head)", "entitlements": "\(entitlements)",
        ])
        let billingConnection = billingTransport
        try await ServiceHost(settings: settings, transportConfiguration: configuration).run(
            router: IngestService.router(store: store, customMetricLimit: limit),
            beforeDrain: {
                // Following subscribers get what is committed and a clean end; they resubscribe elsewhere.
                store.endSubscriptions()
            },
            afterDrain: {
                await billingConnection?.close()
                await store.close()
            })
    }
}
