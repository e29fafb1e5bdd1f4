public import SextantRPC

/// A Sextant executable's fixed facts: its identity (which certificate it presents), the prefix
/// of its environment variables and its default ports.
public struct ServiceKind: Sendable {
    public var identity: ServiceIdentity
    /// e.g. "SEXTANT_BILLING": its settings are `SEXTANT_BILLING_LISTEN`, `…_METRICS_LISTEN`.
    public var environmentPrefix: String
    public var defaultPort: Int
    public var defaultMetricsPort: Int

    public init(identity: ServiceIdentity, environmentPrefix: String, defaultPort: Int, defaultMetricsPort: Int) {
        self.identity = identity
        self.environmentPrefix = environmentPrefix
        self.defaultPort = defaultPort
        self.defaultMetricsPort = defaultMetricsPort
    }

    /// The suite's services and their default ports (README, "Ports").
    public static let ingest = ServiceKind(identity: .ingestService, environmentPrefix: "SEXTANT_INGEST", defaultPort: 7401, defaultMetricsPort: 9401)
    public static let attribution = ServiceKind(identity: .attributionService, environmentPrefix: "SEXTANT_ATTRIBUTION", defaultPort: 7402, defaultMetricsPort: 9402)
    public static let insights = ServiceKind(identity: .insightsService, environmentPrefix: "SEXTANT_INSIGHTS", defaultPort: 7403, defaultMetricsPort: 9403)
    public static let predictive = ServiceKind(identity: .predictiveService, environmentPrefix: "SEXTANT_PREDICTIVE", defaultPort: 7404, defaultMetricsPort: 9404)
    public static let billing = ServiceKind(identity: .billingService, environmentPrefix: "SEXTANT_BILLING", defaultPort: 7405, defaultMetricsPort: 9405)
    /// The gateway's mutual-TLS RPC port (API-key administration for the CLI); its HTTP API is
    /// on 8080 and its binary ingest port on 7400.
    public static let gateway = ServiceKind(identity: .gateway, environmentPrefix: "SEXTANT_GATEWAY", defaultPort: 7406, defaultMetricsPort: 9406)

    public static let all: [ServiceKind] = [.ingest, .attribution, .insights, .predictive, .billing, .gateway]

    /// The executable's name, e.g. "billing-service".
    public var executableName: String { self.identity.name }
}
