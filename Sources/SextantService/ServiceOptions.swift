public import ArgumentParser
import Foundation
public import Logging
public import SextantRPCNIO
public import SextantRPC
import NIOCore
import SextantWire

/// The options every Sextant service executable takes. Each can also come from the environment;
/// a flag wins over the environment, which wins over the default. Per-service variables use the
/// service's prefix (``ServiceKind/environmentPrefix``), e.g. `SEXTANT_BILLING_LISTEN`.
public struct ServiceOptions: ParsableArguments {
    @Option(help: "Address of the mTLS RPC port, host:port (env SEXTANT_<SERVICE>_LISTEN; port 0 picks a free one).")
    public var listen: String?

    @Option(help: "Address of the plain-HTTP /metrics and /healthz endpoint, host:port, or \"off\" (env SEXTANT_<SERVICE>_METRICS_LISTEN).")
    public var metricsListen: String?

    @Option(help: "Directory for the service's database (env SEXTANT_DATA_DIR; default ./data).")
    public var dataDir: String?

    @Option(help: "Directory with ca.pem, <service>.pem and <service>-key.pem from `sextant certs init` (env SEXTANT_PKI_DIR; default ./pki).")
    public var pkiDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env SEXTANT_LOG_LEVEL; default info).")
    public var logLevel: String?

    @Option(help: "json (one object per line) or text (env SEXTANT_LOG_FORMAT; default json).")
    public var logFormat: String?

    @Option(help: "ingest-service's address, host:port (env SEXTANT_INGEST_ADDRESS; default 127.0.0.1:7401).")
    public var ingestAddress: String?

    @Option(help: "billing-service's address, host:port (env SEXTANT_BILLING_ADDRESS; default 127.0.0.1:7405).")
    public var billingAddress: String?

    @Option(help: "attribution-service's address, host:port (env SEXTANT_ATTRIBUTION_ADDRESS; default 127.0.0.1:7402).")
    public var attributionAddress: String?

    @Option(help: "insights-service's address, host:port (env SEXTANT_INSIGHTS_ADDRESS; default 127.0.0.1:7403).")
    public var insightsAddress: String?

    @Option(help: "predictive-service's address, host:port (env SEXTANT_PREDICTIVE_ADDRESS; default 127.0.0.1:7404).")
    public var predictiveAddress: String?

    public init() {}

    /// Resolves flags, environment and defaults for `kind`, and sets up logging and metrics.
    public func settings(for kind: ServiceKind) throws -> ServiceSettings {
        let environment = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ variable: String) -> String? { flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } }

        let levelName = value(self.logLevel, "SEXTANT_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level \"\(levelName)\"") }
        let format = value(self.logFormat, "SEXTANT_LOG_FORMAT") ?? "json"
        guard format == "json" || format == "text" else { throw ValidationError("log format: json or text, not \"\(format)\"") }
        ServiceBootstrap.bootstrap(service: kind.executableName, json: format == "json")
        var logger = Logger(label: "sextant.\(kind.executableName)")
        logger.logLevel = level

        do {
            let listen = try ServiceAddress(parsing: value(self.listen, "\(kind.environmentPrefix)_LISTEN") ?? "127.0.0.1:\(kind.defaultPort)")
            let metricsText = value(self.metricsListen, "\(kind.environmentPrefix)_METRICS_LISTEN") ?? "127.0.0.1:\(kind.defaultMetricsPort)"
            let metrics = metricsText == "off" ? nil : try ServiceAddress(parsing: metricsText)
            func peer(_ flag: String?, _ peer: ServiceKind) throws -> ServiceAddress {
                try ServiceAddress(parsing: value(flag, "\(peer.environmentPrefix)_ADDRESS") ?? "127.0.0.1:\(peer.defaultPort)")
            }
            let peers: [ServiceIdentity: ServiceAddress] = [
                .ingestService: try peer(self.ingestAddress, .ingest),
                .billingService: try peer(self.billingAddress, .billing),
                .attributionService: try peer(self.attributionAddress, .attribution),
                .insightsService: try peer(self.insightsAddress, .insights),
                .predictiveService: try peer(self.predictiveAddress, .predictive),
            ]
            let pki = value(self.pkiDir, "SEXTANT_PKI_DIR") ?? "pki"
            return ServiceSettings(
                kind: kind, listen: listen, metricsListen: metrics, dataDirectory: value(self.dataDir, "SEXTANT_DATA_DIR") ?? "data",
                pkiDirectory: pki, tls: try TLSIdentity.load(kind.identity, from: pki), logger: logger,
                peers: peers)
        } catch let error as ServiceAddressError {
            throw ValidationError(error.description)
        }
    }
}

/// Everything a service needs to start, resolved from ``ServiceOptions``.
public struct ServiceSettings: Sendable {
    public var kind: ServiceKind
    public var listen: ServiceAddress
    public var metricsListen: ServiceAddress?
    public var dataDirectory: String
    public var pkiDirectory: String
    public var tls: TLSIdentity
    public var logger: Logger
    /// Where the other services are.
    public var peers: [ServiceIdentity: ServiceAddress]

    /// A client for the service `identity` at its configured address, presenting this service's
    /// certificate and accepting only a peer that proves `identity`. It connects on first use and
    /// reconnects with backoff; a call to a peer that is down fails with `unavailable`.
    public func client(for identity: ServiceIdentity, maximumMessageSize: Int? = nil) throws -> (RPCClient, NIOClientTransport) {
        guard let address = self.peers[identity] else { throw ValidationError("no address configured for \(identity)") }
        let transport = try NIOClientTransport(
            host: address.host, port: address.port, tls: self.tls, server: identity,
            configuration: .defaults {
                $0.connectTimeout = .seconds(3)
                if let maximumMessageSize { $0.connection.settings.maxFrameSize = UInt32(maximumMessageSize) }
            })
        return (RPCClient(transport: transport), transport)
    }
}
