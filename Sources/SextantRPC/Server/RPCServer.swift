public import Logging
import Metrics

/// Runs calls: finds the method, checks the caller, decodes, runs the handler, sends the status.
///
/// Transport-agnostic: the NIO transport and the in-process transport both hand each accepted
/// call to ``handle(_:)`` in a task they can cancel (client cancellation, deadline, lost
/// connection). Every server also answers the health service.
public final class RPCServer: Sendable {
    private let routes: [String: RPCRouter.Route]
    /// Per-service serving status, answered by `sextant.health.v1.Health`.
    public let health: HealthStatus
    private let logger: Logger
    private let metrics: ServerMetrics

    /// Creates a server.
    /// - Parameters:
    ///   - router: The methods and their handlers.
    ///   - health: The health registry; default a new one where the whole server is serving.
    ///   - logger: Where call failures are logged (at `debug`; handler errors at `error`).
    public init(router: RPCRouter, health: HealthStatus = HealthStatus(), logger: Logger = Logger(label: "sextant.rpc.server")) {
        var router = router
        HealthService(status: health).register(in: &router)
        self.routes = router.routes
        self.health = health
        self.logger = logger
        self.metrics = ServerMetrics(methods: Array(router.routes.keys))
    }

    /// The full names of every method this server answers.
    public var methods: [String] { self.routes.keys.sorted() }

    /// Runs one call to completion and writes its status. Never throws: every failure becomes a
    /// status on the stream.
    public func handle(_ stream: ServerStream) async {
        let head = stream.head
        guard let route = self.routes[head.method] else {
            stream.inbound.readerFinished()
            stream.writer.finish(status: Status(code: .unimplemented, message: "unknown method \(head.method)"), trailers: [:])
            self.metrics.unknownMethod()
            return
        }
        guard route.allowedCallers.allows(head.caller) else {
            stream.inbound.readerFinished()
            let caller = head.caller.map { $0.name } ?? "(unauthenticated)"
            stream.writer.finish(
                status: Status(code: .permissionDenied, message: "caller \(caller) may not call \(head.method)"),
                trailers: [:]
            )
            self.metrics.record(method: head.method, code: .permissionDenied, start: nil)
            return
        }
        let start = ContinuousClock.now
        let context = ServerContext(method: route.descriptor, caller: head.caller, metadata: head.metadata, deadline: head.deadline)
        do {
            try await route.run(stream, context)
            self.metrics.record(method: head.method, code: .ok, start: start)
        } catch {
            let failure = self.rpcError(for: error, head: head)
            stream.inbound.readerFinished()
            stream.writer.finish(status: failure.status, trailers: failure.metadata)
            self.metrics.record(method: head.method, code: failure.code, start: start)
        }
    }

    /// Chooses the status for an error a call ended with.
    private func rpcError(for error: any Error, head: ServerCallHead) -> RPCError {
        if Task.isCancelled || error is CancellationError {
            if let deadline = head.deadline, deadline <= .now {
                return RPCError(code: .deadlineExceeded, message: "deadline exceeded while running \(head.method)")
            }
            if let rpcError = error as? RPCError { return rpcError }
            return RPCError(code: .cancelled, message: "call cancelled")
        }
        if let convertible = error as? any RPCErrorConvertible {
            return convertible.rpcError
        }
        self.logger.error(
            "handler failed with an error that is not an RPCError",
            metadata: ["method": "\(head.method)", "error-type": "\(type(of: error))"]
        )
        return RPCError(code: .unknown, message: "the handler failed")
    }
}

/// Call counts, error counts and latencies per method (swift-metrics).
struct ServerMetrics: Sendable {
    private struct PerMethod: Sendable {
        let calls: Counter
        let failures: Counter
        let latency: Metrics.Timer
    }

    private let perMethod: [String: PerMethod]
    private let unknown: Counter

    init(methods: [String]) {
        var perMethod: [String: PerMethod] = [:]
        for method in methods {
            let dimensions = [("method", method)]
            perMethod[method] = PerMethod(
                calls: Counter(label: "sextant_rpc_server_calls_total", dimensions: dimensions),
                failures: Counter(label: "sextant_rpc_server_failures_total", dimensions: dimensions),
                latency: Metrics.Timer(label: "sextant_rpc_server_latency", dimensions: dimensions)
            )
        }
        self.perMethod = perMethod
        self.unknown = Counter(label: "sextant_rpc_server_unknown_method_total")
    }

    func unknownMethod() {
        self.unknown.increment()
    }

    func record(method: String, code: Status.Code, start: ContinuousClock.Instant?) {
        guard let metrics = self.perMethod[method] else { return }
        metrics.calls.increment()
        if code != .ok { metrics.failures.increment() }
        if let start {
            let elapsed = ContinuousClock.now - start
            let (seconds, attoseconds) = elapsed.components
            metrics.latency.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
    }
}
