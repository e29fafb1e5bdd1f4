import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging
import NIOCore
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantService
import SextantPostgres
import SextantStore
import ServiceLifecycle

/// The gateway executable: the suite's public door. It serves the HTTP/JSON API (`--http-listen`),
/// the binary ingest port for API-key clients (`--ingest-listen`) and, on its mutual-TLS RPC port,
/// API-key administration for the `sextant` CLI. `serve` (the default) runs it; `health` asks a
/// running one. Every option can also come from the environment variable named in its help.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Sextant's public door: the HTTP/JSON API, the binary ingest port and API keys.",
        subcommands: [Serve.self, HealthCheckCommand<GatewayDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum GatewayDescription: ServiceDescription {
    static var kind: ServiceKind { .gateway }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Address of the HTTP API, host:port (env SEXTANT_GATEWAY_HTTP_LISTEN; default 127.0.0.1:8080; port 0 picks a free one).")
    var httpListen: String?

    @Option(help: "Address of the binary ingest port (TLS, API-key authentication), host:port, or \"off\" (env SEXTANT_GATEWAY_INGEST_LISTEN; default 127.0.0.1:7400).")
    var ingestListen: String?

    @Option(help: "Requests per account (or operator key) per second (env SEXTANT_GATEWAY_RATE_BURST; default 150).")
    var rateBurst: Int?

    @Option(help: "Requests per account (or operator key) per minute (env SEXTANT_GATEWAY_RATE_STEADY; default 3000).")
    var rateSteady: Int?

    @Option(help: "Seconds each call to another service may take before the request fails with 504 (env SEXTANT_GATEWAY_DEADLINE; default 5).")
    var deadline: Double?

    @Option(help: "Comma-separated services readiness waits for (env SEXTANT_GATEWAY_READINESS; default ingest,attribution,insights,predictive,billing).")
    var readiness: String?

    @Option(help: "Where the API keys live: sqlite (<data-dir>/gateway.sqlite) or postgres (schema gateway of SEXTANT_POSTGRES_URL) (env SEXTANT_STORAGE; default sqlite).")
    var storage: String?

    @Option(help: "full or normal, for the key database (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ variable: String) -> String? { flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } }
        let settings = try self.options.settings(for: .gateway)
        let logger = settings.logger

        let httpAddress = try Self.address(value(self.httpListen, "SEXTANT_GATEWAY_HTTP_LISTEN") ?? "127.0.0.1:8080")
        let ingestText = value(self.ingestListen, "SEXTANT_GATEWAY_INGEST_LISTEN") ?? "127.0.0.1:7400"
        let ingestAddress = ingestText == "off" ? nil : try Self.address(ingestText)
        var limits = RateLimiter.Configuration.defaults
        if let burst = try Self.positive(value(self.rateBurst.map(String.init), "SEXTANT_GATEWAY_RATE_BURST"), "rate-burst") { limits.burstLimit = burst }
        if let steady = try Self.positive(value(self.rateSteady.map(String.init), "SEXTANT_GATEWAY_RATE_STEADY"), "rate-steady") { limits.steadyLimit = steady }
        let deadlineText = value(self.deadline.map { "\($0)" }, "SEXTANT_GATEWAY_DEADLINE") ?? "5"
        guard let deadlineSeconds = Double(deadlineText), deadlineSeconds > 0, deadlineSeconds <= 600 else {
            throw ValidationError("deadline: seconds between 0 and 600, not \"\(deadlineText)\"")
        }
        let deadline = Duration.milliseconds(Int64(deadlineSeconds * 1_000))
        let durabilityName = value(self.durability, "SEXTANT_DURABILITY") ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else { throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)") }

        let keys: any APIKeyStorage
        var postgresKeys: PostgresAPIKeyStore?
        switch value(self.storage, "SEXTANT_STORAGE") ?? "sqlite" {
        case "sqlite":
            keys = try APIKeyStore.open(path: settings.dataDirectory + "/gateway.sqlite", durability: durability)
        case "postgres":
            let settings: PostgresSettings
            do { settings = try PostgresSettings(environment: environment, defaultSchema: "gateway") } catch {
                throw ValidationError("\(error)")
            }
            let store = try await PostgresAPIKeyStore.open(settings, logger: logger)
            postgresKeys = store
            keys = store
            logger.info("API keys in PostgreSQL", metadata: ["database": "\(settings)"])
        case let other:
            throw ValidationError("storage: sqlite or postgres, not \"\(other)\"")
        }
        try await OperatorKeyBootstrap.ensure(keys: keys, dataDirectory: settings.dataDirectory, logger: logger)
        let keyDatabase = postgresKeys

        // Clients of every service, connecting on first use.
        var transports: [NIOClientTransport] = []
        func downstream(_ kind: ServiceKind, maximumMessageSize: Int? = nil) throws -> Downstream {
            let (client, transport) = try settings.client(for: kind.identity, maximumMessageSize: maximumMessageSize)
            transports.append(transport)
            return Downstream(name: kind.executableName, client: client, deadline: deadline)
        }
        // A 5 MiB batch must fit in one message to ingest.
        let ingest = try downstream(.ingest, maximumMessageSize: TrackEventsRequest.maximumBytes + 64 * 1_024)
        let billing = try downstream(.billing)
        let insights = try downstream(.insights)
        let attribution = try downstream(.attribution)
        let predictive = try downstream(.predictive)
        let readinessNames = (value(self.readiness, "SEXTANT_GATEWAY_READINESS") ?? "ingest,attribution,insights,predictive,billing")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var targets: [ReadinessTarget] = []
        for name in readinessNames {
            switch name {
            case "ingest": targets.append(ReadinessTarget(service: ingest, progressService: nil))
            case "billing": targets.append(ReadinessTarget(service: billing, progressService: BillingService.serviceName))
            case "attribution": targets.append(ReadinessTarget(service: attribution, progressService: AttributionService.serviceName))
            case "insights": targets.append(ReadinessTarget(service: insights, progressService: InsightsService.serviceName))
            case "predictive": targets.append(ReadinessTarget(service: predictive, progressService: PredictiveService.serviceName))
            default: throw ValidationError("readiness: unknown service \"\(name)\" (ingest, attribution, insights, predictive, billing)")
            }
        }

        let api = GatewayAPI(
            keys: keys, backends: GatewayBackends(ingest: ingest, billing: billing, insights: insights, attribution: attribution, predictive: predictive, readiness: targets),
            limiter: RateLimiter(configuration: limits), logger: Logger(label: "sextant.gateway.http"))
        let app = Application(
            router: api.router(),
            configuration: ApplicationConfiguration(address: .hostname(httpAddress.host, port: httpAddress.port), serverName: "sextant-gateway"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? httpAddress.port
                let bound = ServiceAddress(host: httpAddress.host, port: port)
                logger.info("http listening", metadata: ["address": "\(bound)"])
                FileHandle.standardOutput.write(Data("gateway http on \(bound)\n".utf8))
            },
            logger: Logger(label: "sextant.gateway.http"))
        let http = ServiceGroup(configuration: .init(services: [app], logger: logger))

        let binaryIngest = try ingestAddress.map { address in
            try BinaryIngestListener(address: address, settings: settings, keys: keys, ingest: ingest, logger: logger)
        }
        let ingestClient = ingest
        let connections = transports
        try await ServiceHost(settings: settings).run(
            router: GatewayService.router(keys: keys, accountExists: { accountID in
                do {
                    _ = try await ingestClient.client.unary(IngestService.getAccount, AccountRef(accountID: accountID), options: CallOptions(timeout: deadline))
                    return true
                } catch let error as RPCError where error.code == .notFound {
                    return false
                }
            }),
            background: [
                {
                    // The HTTP server drains gracefully on shutdown: the task is cancelled, which
                    // asks the service group to stop accepting and finish requests in flight.
                    // Its failure (the port taken, say) stops the gateway: ServiceHost treats a
                    // background task that ends before shutdown as fatal.
                    let running = Task { try await http.run() }
                    try await withTaskCancellationHandler {
                        do { try await running.value } catch {
                            logger.error("http server failed", metadata: ["error": "\(error)"])
                            throw error
                        }
                    } onCancel: {
                        Task { await http.triggerGracefulShutdown() }
                    }
                }
            ],
            afterStart: { _ in
                if let binaryIngest {
                    let bound = try await binaryIngest.start()
                    FileHandle.standardOutput.write(Data("gateway binary-ingest on \(bound)\n".utf8))
                }
            },
            beforeDrain: { await binaryIngest?.stop() },
            afterDrain: {
                for transport in connections { await transport.close() }
                await keyDatabase?.close()
            })
    }

    static func address(_ text: String) throws -> ServiceAddress {
        do { return try ServiceAddress(parsing: text) } catch { throw ValidationError(error.description) }
    }

    static func positive(_ text: String?, _ name: String) throws -> Int? {
        guard let text else { return nil }
        guard let number = Int(text), number > 0 else { throw ValidationError("\(name): a positive whole number, not \"\(text)\"") }
        return number
    }
}

/// No default credentials: on first start the gateway makes an operator key and writes its
/// secret to `<data-dir>/operator-key` (mode 0600). The log names the file, never the secret;
/// `sextant up` prints it. Delete the file once the key is stored somewhere safe.
///
/// On a later start nothing changes while the file's key still works, or while an operator key
/// made by hand (not named "bootstrap") is valid. Otherwise — the file was lost, or a crash came
/// between storing the key and writing its secret — the unusable bootstrap keys are revoked and a
/// new one is made. The secret goes to a new temporary file (O_EXCL, O_NOFOLLOW, 0600), is synced,
/// and is renamed into place, so the file never holds a partial or foreign secret.
enum OperatorKeyBootstrap {
    static let keyName = "bootstrap"

    static func ensure(keys: any APIKeyStorage, dataDirectory: String, logger: Logger) async throws {
        let path = dataDirectory + "/operator-key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            let key = try await keys.authenticate(secret: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.role == .operator
        {
            return
        }
        let operators = try await keys.list(accountID: nil).filter { $0.role == .operator && $0.revokedAt == nil }
        if operators.contains(where: { $0.name != Self.keyName }) { return }
        for stale in operators {
            _ = try await keys.revoke(id: stale.id)
            logger.notice("revoked a bootstrap operator key whose secret is not in the operator-key file", metadata: ["key": "\(stale.id)"])
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let created = try await keys.create(accountID: nil, role: .operator, name: Self.keyName)
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            _ = try? await keys.revoke(id: created.key.id)
            throw ValidationError("cannot create \(temporary): errno \(errno)")
        }
        let bytes = Array((created.secret + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            _ = try? await keys.revoke(id: created.key.id)
            throw ValidationError("cannot write the operator key to \(path): errno \(errno)")
        }
        logger.notice("created the operator key; its secret is in the operator-key file", metadata: ["file": "\(path)", "key": "\(created.key.id)"])
    }
}
