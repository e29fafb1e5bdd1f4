import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import SextantRPC
public import SextantRPCNIO

/// Runs one service: its RPC server over mutual TLS, the metrics endpoint, background tasks
/// (log followers, the gateway's HTTP server), until SIGTERM or SIGINT; then stops gracefully:
/// health turns to not-serving, background tasks are cancelled, `beforeDrain` runs (end what
/// would keep calls open, e.g. log subscriptions), calls in flight finish (up to the transport's
/// grace period), and `afterDrain` runs last (close clients of other services). A second signal
/// exits at once.
///
/// A background task that ends or fails before shutdown is fatal: the service stops as above and
/// `run` throws, so the process exits non-zero instead of running without, say, its HTTP server.
///
/// Prints one plain line to standard output once listening, for scripts and tests that start a
/// service on port 0: `<name> listening on <host>:<port>`.
public struct ServiceHost: Sendable {
    public var settings: ServiceSettings
    public var transportConfiguration: NIOServerTransport.Configuration

    public init(settings: ServiceSettings, transportConfiguration: NIOServerTransport.Configuration = .defaults { $0.handlerExecution = .global }) {
        self.settings = settings
        self.transportConfiguration = transportConfiguration
    }

    /// A background task returned while the service was running.
    public struct BackgroundTaskEnded: Error, CustomStringConvertible {
        public var description: String { "a background task of the service ended unexpectedly" }
    }

    /// - Parameters:
    ///   - readiness: whether the service can do its work now (for `/healthz`), e.g. "following
    ///     the log"; the RPC health service reports serving while the server runs.
    ///   - background: tasks that run until shutdown (they are cancelled then).
    public func run(
        router: RPCRouter,
        readiness: @escaping @Sendable () -> (ok: Bool, detail: String) = { (true, "serving") },
        background: [@Sendable () async throws -> Void] = [],
        afterStart: @Sendable (_ port: Int) async throws -> Void = { _ in },
        beforeDrain: @Sendable () async -> Void = {},
        afterDrain: @Sendable () async -> Void = {}
    ) async throws {
        let logger = self.settings.logger
        let name = self.settings.kind.executableName
        let shutdown = ShutdownSignal()
        let server = RPCServer(router: router, logger: logger)
        let transport = NIOServerTransport(
            server: server, host: self.settings.listen.host, port: self.settings.listen.port, tls: self.settings.tls,
            configuration: self.transportConfiguration, group: MultiThreadedEventLoopGroup.singleton)
        let address = try await transport.start()
        let port = address.port ?? self.settings.listen.port

        let stopping = NIOLockedValueBox(false)
        var metrics: MetricsEndpoint?
        if let metricsListen = self.settings.metricsListen {
            let endpoint = MetricsEndpoint(registry: ServiceBootstrap.registry) {
                if stopping.withLockedValue({ $0 }) { return (false, "shutting down") }
                return readiness()
            }
            let bound = try await endpoint.start(host: metricsListen.host, port: metricsListen.port)
            logger.info("metrics endpoint listening", metadata: ["address": "\(metricsListen.host):\(bound.port ?? metricsListen.port)"])
            metrics = endpoint
        }
        logger.info("listening", metadata: ["address": "\(self.settings.listen.host):\(port)", "data": "\(self.settings.dataDirectory)"])
        try await afterStart(port)
        FileHandle.standardOutput.write(Data("\(name) listening on \(ServiceAddress(host: self.settings.listen.host, port: port))\n".utf8))

        let failure: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            for task in background {
                group.addTask {
                    do {
                        try await task()
                        return Task.isCancelled ? nil : BackgroundTaskEnded()
                    } catch {
                        return Task.isCancelled ? nil : error
                    }
                }
            }
            group.addTask {
                await shutdown.wait()
                return nil
            }
            let first = await group.next() ?? nil
            if let first {
                logger.critical("stopping: a background task failed", metadata: ["error": "\(first)"])
                shutdown.trigger()
            } else {
                logger.info("shutting down: finishing calls in flight")
            }
            stopping.withLockedValue { $0 = true }
            server.health.markAllNotServing()
            group.cancelAll()
            return first
        }
        await beforeDrain()
        await transport.stop()
        await afterDrain()
        await metrics?.stop()
        logger.info("stopped")
        if let failure { throw failure }
    }
}

/// SIGTERM and SIGINT, caught from creation on (their default action, exit, is turned off).
/// The first one wakes every ``wait()``; a second one exits the process at once.
public final class ShutdownSignal: @unchecked Sendable {
    private let queue = DispatchQueue(label: "sextant.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var received = false
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter: UInt64 = 0
    /// Waiters cancelled before their continuation was stored.
    private var cancelledWaiters: Set<UInt64> = []

    public init() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: self.queue)
            source.setEventHandler { [weak self] in self?.fire(fromSignal: true) }
            source.resume()
            self.sources.append(source)
        }
    }

    /// Returns once a signal has arrived (at once if one already has), or when the task is
    /// cancelled.
    public func wait() async {
        let id: UInt64 = self.queue.sync {
            self.nextWaiter += 1
            return self.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                self.queue.async {
                    if self.received || self.cancelledWaiters.remove(id) != nil {
                        continuation.resume()
                    } else {
                        self.waiters[id] = continuation
                    }
                }
            }
        } onCancel: {
            self.queue.async {
                if let waiter = self.waiters.removeValue(forKey: id) { waiter.resume() } else { self.cancelledWaiters.insert(id) }
            }
        }
    }

    /// Whether a signal (or ``trigger()``) has arrived.
    public var hasFired: Bool { self.queue.sync { self.received } }

    /// Acts as if a signal had arrived (a fatal failure inside the service).
    public func trigger() {
        self.queue.async { self.fire(fromSignal: false) }
    }

    private func fire(fromSignal: Bool) {
        if fromSignal, self.received {
            // The second Ctrl-C or SIGTERM: stop waiting for a graceful end.
            FileHandle.standardError.write(Data("second signal: exiting now\n".utf8))
            exit(130)
        }
        self.received = true
        for waiter in self.waiters.values { waiter.resume() }
        self.waiters = [:]
    }
}

/// glibc's `mallopt`, which `malloc.h` declares (not part of Swift's Glibc module): two arenas
/// instead of eight per core, and a fixed mmap threshold, so that buffers of 256 KiB and more
/// (message buffers, decoded batches) go back to the system when freed instead of raising the
/// dynamic threshold and staying in the heap.
public enum MallocTuning {
    #if os(Linux)
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

    public static func apply() {
        _ = Self.mallopt(-8, 2)  // M_ARENA_MAX
        _ = Self.mallopt(-3, 256 * 1_024)  // M_MMAP_THRESHOLD
        _ = Self.mallopt(-1, 1_024 * 1_024)  // M_TRIM_THRESHOLD
    }
    #else
    public static func apply() {}
    #endif
}
