import Foundation
import Logging
import SextantContracts
public import SextantLogFollower
public import SextantRPC
import SextantRPCNIO

/// Runs a service that follows the ingest log: a ``LogFollower`` feeding `applier`, the
/// service's `Progress` method (``LogConsumerProgress``), health, metrics and graceful shutdown
/// (``ServiceHost``). `/healthz` reports not ready while the follower is not following.
public struct LogConsumerHost: Sendable {
    public var settings: ServiceSettings
    /// The service's RPC name, e.g. "sextant.attribution.v1.Attribution".
    public var serviceName: String

    public init(settings: ServiceSettings, serviceName: String) {
        self.settings = settings
        self.serviceName = serviceName
    }

    /// - Parameters:
    ///   - makeRouter: the service's methods, `Progress` among them (answer it with
    ///     `follower.progress`); nil: `Progress` alone.
    ///   - afterDrain: runs last on shutdown (close the service's own clients of other services).
    public func run(
        applier: any LogApplier, router makeRouter: ((LogFollower) -> RPCRouter)? = nil,
        background: [@Sendable () async throws -> Void] = [],
        afterDrain: @escaping @Sendable () async -> Void = {}
    ) async throws {
        // One log entry can be as large as the request that made it (5 MiB).
        let (ingest, transport) = try self.settings.client(for: .ingestService, maximumMessageSize: TrackEventsRequest.maximumBytes + 64 * 1_024)
        let follower = LogFollower(client: ingest, applier: applier, logger: self.settings.logger)
        let router: RPCRouter
        if let makeRouter {
            router = makeRouter(follower)
        } else {
            var progressOnly = RPCRouter()
            progressOnly.register(LogConsumerProgress.method(service: self.serviceName), unary: { _, _ in follower.progress })
            router = progressOnly
        }
        let start = try await applier.appliedPosition()
        self.settings.logger.info("following the ingest log", metadata: ["after": "\(start)"])
        try await ServiceHost(settings: self.settings).run(
            router: router,
            readiness: {
                let progress = follower.progress
                return progress.following
                    ? (true, "following the ingest log at \(progress.appliedPosition) of \(progress.knownHead)")
                    : (false, "not following the ingest log: \(follower.lastError ?? "connecting")")
            },
            background: [{ @Sendable () async throws -> Void in await follower.run() }] + background,
            afterDrain: {
                await afterDrain()
                await transport.close()
            })
    }
}
