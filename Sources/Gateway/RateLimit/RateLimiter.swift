import NIOConcurrencyHelpers

/// Per-client request limits for the HTTP API: a burst window (default 150 requests per second)
/// and a steady window (default 3,000 per minute). Clients are accounts (every key of an account
/// shares its limits) or, for operator keys, the key.
public final class RateLimiter: Sendable {
    /// The limits.
    public struct Configuration: Sendable, Hashable {
        /// Requests per burst window. Default: 150.
        public var burstLimit: Int = 150
        /// The burst window. Default: 1 second.
        public var burstWindow: Duration = .seconds(1)
        /// Requests per steady window. Default: 3,000.
        public var steadyLimit: Int = 3_000
        /// The steady window. Default: 1 minute.
        public var steadyWindow: Duration = .seconds(60)
        /// Clients tracked before idle ones are dropped. Default: 100,000.
        public var maximumClients: Int = 100_000

        public init() {}

        public static var defaults: Configuration { Configuration() }

        /// The defaults adjusted by `adjust`.
        public static func defaults(_ adjust: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            adjust(&configuration)
            return configuration
        }
    }

    private let state: NIOLockedValueBox<RateLimitState>
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let origin: ContinuousClock.Instant

    /// - Parameters:
    ///   - configuration: The limits.
    ///   - clock: The time source; tests pass a settable one. Default: `ContinuousClock.now`.
    public init(configuration: Configuration = .defaults, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.state = NIOLockedValueBox(
            RateLimitState(
                burst: .init(limit: configuration.burstLimit, length: configuration.burstWindow),
                steady: .init(limit: configuration.steadyLimit, length: configuration.steadyWindow),
                maximumClients: configuration.maximumClients))
        self.clock = clock
        self.origin = clock()
    }

    /// Counts one request of `client` if it is within the limits.
    func admit(_ client: String) -> RateLimitState.Decision {
        let now = self.clock() - self.origin
        return self.state.withLockedValue { $0.admit(client, now: now) }
    }

    var trackedClients: Int { self.state.withLockedValue { $0.trackedClients } }
}
