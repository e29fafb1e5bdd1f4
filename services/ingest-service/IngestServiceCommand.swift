import ArgumentParser
import Foundation
import Ingest
import Logging
import NIOCore
import NIOPosix
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantStore
import SextantWire

/// The ingest-service executable: serves ``IngestService`` over mutual TLS from a SQLite
/// database in the data directory. Every option can also come from the environment variable
/// named in its help; a flag wins over the environment.
@main
struct IngestServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-service",
        abstract: "Sextant's system of record: accounts, profiles and the durable, idempotent event log."
    )

    @Option(help: "Address to listen on, host:port (env SEXTANT_INGEST_LISTEN; default 127.0.0.1:7401; port 0 picks a free one).")
    var listen: String?

    @Option(help: "Directory of the database (env SEXTANT_DATA_DIR; default ./data).")
    var dataDir: String?

    @Option(help: "Directory with ca.pem, ingest-service.pem and ingest-service-key.pem, as written by `sextant certs init` (env SEXTANT_PKI_DIR; default ./pki).")
    var pkiDir: String?

    @Option(help: "full: fsync every commit (survives power loss); normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env SEXTANT_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Compress responses with zlib for clients that accept it: on or off (env SEXTANT_COMPRESS_RESPONSES; default off).")
    var compressResponses: String?

    func run() async throws {
        // Batches are decoded on the event loops and freed on the writer; with glibc's defaults the
        // freed memory stayed with the process (peak RSS 250-330 MB in `sextant-bench ingest`).
        MallocTuning.apply()
        let environment = ProcessInfo.processInfo.environment
        let levelName = self.logLevel ?? environment["SEXTANT_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level \"\(levelName)\"") }
        var logger = Logger(label: "sextant.ingest-service")
        logger.logLevel = level

        let listen = try ListenAddress(self.listen ?? environment["SEXTANT_INGEST_LISTEN"] ?? "127.0.0.1:7401")
        let dataDirectory = self.dataDir ?? environment["SEXTANT_DATA_DIR"] ?? "data"
        let pkiDirectory = self.pkiDir ?? environment["SEXTANT_PKI_DIR"] ?? "pki"
        let durabilityName = self.durability ?? environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }

        // Signals are caught from here on, so a SIGTERM during start-up also stops gracefully.
        let shutdown = ShutdownSignal()
        let store = try IngestStore.open(path: dataDirectory + "/ingest.sqlite", durability: durability)
        let tls = try TLSIdentity.load(.ingestService, from: pkiDirectory)
        let server = RPCServer(router: IngestService.router(store: store), logger: logger)
        var configuration = NIOServerTransport.Configuration.defaults
        // A 5 MiB batch must fit in one message; anything larger is refused before it is read.
        configuration.connection.settings.maxFrameSize = UInt32(TrackEventsRequest.maximumBytes + 64 * 1_024)
        // Off by default: the suite's services share one network, and deflating 1 MiB log batches
        // took more than half of a subscription's CPU (measured with sextant-bench ingest).
        // Compressed requests are accepted either way.
        let compress = self.compressResponses ?? environment["SEXTANT_COMPRESS_RESPONSES"] ?? "off"
        guard compress == "on" || compress == "off" else { throw ValidationError("compress-responses: on or off, not \"\(compress)\"") }
        configuration.connection.compressionEnabled = compress == "on"
        // Handlers read SQLite synchronously (subscriptions read up to 1 MiB at a time) and validate
        // and encode whole batches: they run on Swift's global executor, not on the event loops
        // that carry every connection's frames and keepalives.
        configuration.handlerExecution = .global
        let transport = NIOServerTransport(
            server: server, host: listen.host, port: listen.port, tls: tls, configuration: configuration,
            group: MultiThreadedEventLoopGroup.singleton)
        let address = try await transport.start()
        let port = address.port ?? listen.port
        let head = try store.head()
        logger.info("listening", metadata: [
            "address": "\(listen.host):\(port)", "data": "\(dataDirectory)", "durability": "\(durability.rawValue)", "head": "\(head)",
        ])
        // One plain line for scripts and tests that start the service on port 0.
        FileHandle.standardOutput.write(Data("ingest-service listening on \(listen.host):\(port)\n".utf8))

        await shutdown.wait()
        logger.info("shutting down: finishing calls in flight")
        server.health.markAllNotServing()
        // Following subscribers get what is committed and a clean end; they resubscribe elsewhere.
        store.endSubscriptions()
        await transport.stop()
        logger.info("stopped")
    }
}

/// host:port, with IPv6 hosts in brackets ("[::1]:7401").
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("listen address \"\(text)\" is not host:port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("listen address \"\(text)\" has no host") }
        self.host = host
        self.port = port
    }
}

/// SIGTERM and SIGINT, caught from creation on (their default action, exit, is turned off).
final class ShutdownSignal: @unchecked Sendable {
    private let queue = DispatchQueue(label: "sextant.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var received = false
    private var waiter: CheckedContinuation<Void, Never>?

    init() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: self.queue)
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            self.sources.append(source)
        }
    }

    /// Returns once a signal has arrived (at once if one already has).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.queue.async {
                if self.received { continuation.resume() } else { self.waiter = continuation }
            }
        }
    }

    private func fire() {
        self.received = true
        self.waiter?.resume()
        self.waiter = nil
    }
}

/// glibc's `mallopt`, which `malloc.h` declares (not part of Swift's Glibc module): two arenas
/// instead of eight per core, and a fixed mmap threshold, so that buffers of 256 KiB and more
/// (message buffers, decoded batches) go back to the system when freed instead of raising the
/// dynamic threshold and staying in the heap.
enum MallocTuning {
    #if os(Linux)
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

    static func apply() {
        _ = Self.mallopt(-8, 2)  // M_ARENA_MAX
        _ = Self.mallopt(-3, 256 * 1_024)  // M_MMAP_THRESHOLD
        _ = Self.mallopt(-1, 1_024 * 1_024)  // M_TRIM_THRESHOLD
    }
    #else
    static func apply() {}
    #endif
}
