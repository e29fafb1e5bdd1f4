import NIOConcurrencyHelpers

/// The serving status of a server and of the services in it, with watchers told of changes.
///
/// The whole server is named by the empty string and starts as `serving`; a service starts as
/// unknown to the registry (`serviceUnknown`) until ``set(_:for:)`` names it.
public final class HealthStatus: Sendable {
    private struct State {
        var statuses: [String: ServingStatus] = ["": .serving]
        var watchers: [Int: (service: String, continuation: AsyncStream<ServingStatus>.Continuation)] = [:]
        var nextWatcher = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Creates a registry where the whole server is serving.
    public init() {}

    /// Sets the status of `service` (empty for the whole server) and tells its watchers.
    public func set(_ status: ServingStatus, for service: String = "") {
        let watchers = self.state.withLockedValue { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// Marks the whole server and every named service not serving (graceful shutdown).
    public func markAllNotServing() {
        let services = self.state.withLockedValue { Array($0.statuses.keys) }
        for service in services { self.set(.notServing, for: service) }
    }

    /// The status of `service` (empty for the whole server).
    public func status(of service: String) -> ServingStatus {
        self.state.withLockedValue { $0.statuses[service] ?? .serviceUnknown }
    }

    /// The status of `service` now and after every change.
    public func watch(_ service: String) -> AsyncStream<ServingStatus> {
        let (stream, continuation) = AsyncStream<ServingStatus>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = self.state.withLockedValue { state -> Int in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (service, continuation)
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// Answers `sextant.health.v1.Health` from a ``HealthStatus``.
struct HealthService: Sendable {
    let status: HealthStatus

    func register(in router: inout RPCRouter) {
        let status = self.status
        router.register(Health.check) { request, _ in
            HealthCheckResponse(status: status.status(of: request.service ?? ""))
        }
        router.register(Health.watch) { request, writer, _ in
            for await value in status.watch(request.service ?? "") {
                try await writer.write(HealthCheckResponse(status: value))
            }
        }
    }
}
