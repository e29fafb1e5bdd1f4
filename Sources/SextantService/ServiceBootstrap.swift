import Logging
import Metrics
import NIOConcurrencyHelpers
public import Prometheus

/// Process-wide logging and metrics set-up, done once.
public enum ServiceBootstrap {
    private static let done = NIOLockedValueBox(false)
    /// The registry every swift-metrics metric of this process reports into; ``MetricsEndpoint``
    /// serves it.
    public static let registry = PrometheusCollectorRegistry()

    static func bootstrap(service: String, json: Bool) {
        let first = Self.done.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if json {
            LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, service: service) }
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: Self.registry))
    }
}
