import ArgumentParser
import Foundation
import GRDB
import Ingest
import NIOCore
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantRPC
import SextantRPCNIO
import SextantStore
import SextantTesting
import SextantWire
import Synchronization

/// `sextant-bench ingest`: the ingest-service figures, in one run on one machine.
///
/// 1. **storage ceiling** — the same rows (idempotency key + log entry per event, bodies already
///    encoded) inserted straight into the same schema with GRDB, one transaction per 1,000 events,
///    same durability: what SQLite alone can do here.
/// 2. **durable ingest** — the real `ingest-service` (release build, next to this binary) over
///    mutual TLS on loopback, `--streams` concurrent TrackEventStream calls each sending
///    1,000-event batches; events/s counts acknowledged events.
/// 2b. **durable ingest on PostgreSQL** (with `--postgres-url`) — the same service and load,
///    keeping its log and state in a fresh schema of that server (PostgreSQL's default
///    durability, `synchronous_commit = on`), reported beside the SQLite figure of the same run.
/// 3. **replay** — `--replay-events` events written straight into a fresh database, then one
///    subscriber reads them all through the service; events/s and the service's peak RSS.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Durable ingest, storage ceiling and replay figures.")

    @Option(help: "Events sent in the ingest phase.") var events = 1_000_000
    @Option(help: "Concurrent streams in the ingest phase.") var streams = 8
    @Option(help: "Events per batch.") var batch = 1_000
    @Option(help: "Distinct profiles the events belong to.") var profiles = 20_000
    @Option(help: "full or normal.") var durability = "full"
    @Option(help: "Events stored for the replay phase (0 skips it).") var replayEvents = 10_000_000
    @Option(help: "Working directory (removed afterwards).") var directory = NSTemporaryDirectory() + "sextant-bench-ingest"
    @Option(help: "Keep the replay database here and reuse it on later runs (default: in the working directory, removed).") var replayData: String?
    @Flag(help: "Only the replay phase.") var replayOnly = false
    @Flag(name: .customLong("random-ids"), help: "Random unique ids (like UUIDs) instead of sequential ones (like order numbers).") var randomIDs = false
    @Option(help: "Also measure durable ingest with the log in this PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DATABASE; a fresh schema is made and dropped).") var postgresURL: String?
    @Flag(help: "Let clients compress their requests with zlib (off: like the gateway inside the suite's network).") var compress = false

    func run() async throws {
        guard let durability = Durability(rawValue: self.durability) else { throw ValidationError("durability: full or normal") }
        try? FileManager.default.removeItem(atPath: self.directory)
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let pki = try TestPKI.shared()
        try pki.write(to: self.directory + "/pki", identities: [.ingestService, .gateway, .insightsService])

        if !self.replayOnly {
            try await self.ingestPhases(pki: pki, durability: durability)
        }
        if self.replayEvents > 0 {
            try await self.replayPhase(pki: pki)
        }
    }

    private func ingestPhases(pki: TestPKI, durability: Durability) async throws {
        print("generating \(self.events) events for \(self.profiles) profiles")
        let inputs = (0..<self.events).map { BenchEvents.input($0, profiles: self.profiles, randomIDs: self.randomIDs) }

        // 1. Storage ceiling.
        let ceiling = try StorageCeiling.measure(
            path: self.directory + "/ceiling/ingest.sqlite", inputs: inputs, batch: self.batch, durability: durability)
        print(String(format: "storage ceiling: %.0f events/s (%d events, %.2f s, %@ durability)", ceiling.rate, inputs.count, ceiling.seconds, durability.rawValue))

        // 2. Durable ingest through the service.
        let service = try await ServiceProcess.start("ingest-service", arguments: [
            "--listen", "127.0.0.1:0", "--data-dir", self.directory + "/service", "--pki-dir", self.directory + "/pki",
            "--durability", durability.rawValue, "--log-level", "warning", "--metrics-listen", "off",
        ])
        let sampler = ProcessMemory.Sampler(pid: service.pid)
        let ingest = try await self.measureIngest(port: service.port, pki: pki, inputs: inputs)
        let ingestRSS = ProcessMemory.peakRSS(pid: service.pid)
        let parts = await sampler.stop()
        await service.stop()
        print(String(format: "durable ingest: %.0f events/s over mTLS (%d streams x %d-event batches, %.2f s); %.0f%% of the storage ceiling; service peak RSS %@ (sampled peaks: %@)",
                     ingest.rate, self.streams, self.batch, ingest.seconds, 100 * ingest.rate / ceiling.rate, ProcessMemory.format(ingestRSS), parts))

        let sqliteBytes = ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: self.directory + "/service/ingest.sqlite" + suffix)[.size] as? Int) ?? 0)
        }

        // 2b. The same on PostgreSQL.
        if let url = self.postgresURL {
            let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
            let settings = try PostgresSettings(url: url, schema: schema)
            let postgresService = try await ServiceProcess.start("ingest-service", arguments: [
                "--listen", "127.0.0.1:0", "--data-dir", self.directory + "/service-postgres", "--pki-dir", self.directory + "/pki",
                "--storage", "postgres", "--log-level", "warning", "--metrics-listen", "off",
            ], environment: ["SEXTANT_POSTGRES_URL": url, "SEXTANT_POSTGRES_SCHEMA": schema])
            let postgres: Rate
            do {
                postgres = try await self.measureIngest(port: postgresService.port, pki: pki, inputs: inputs)
            } catch {
                await postgresService.stop()
                try? await Self.dropSchema(settings)
                throw error
            }
            let postgresRSS = ProcessMemory.peakRSS(pid: postgresService.pid)
            await postgresService.stop()
            let bytes = try await Self.schemaBytes(settings)
            try await Self.dropSchema(settings)
            print(String(format: "storage size: SQLite %.0f MB, PostgreSQL %.0f MB (%.0f and %.0f bytes per event, indexes included)",
                         Double(sqliteBytes) / 1e6, Double(bytes) / 1e6, Double(sqliteBytes) / Double(inputs.count), Double(bytes) / Double(inputs.count)))
            print(String(format: "durable ingest on PostgreSQL: %.0f events/s over mTLS (%d streams x %d-event batches, %.2f s); SQLite in this run: %.0f events/s; service peak RSS %@",
                         postgres.rate, self.streams, self.batch, postgres.seconds, ingest.rate, ProcessMemory.format(postgresRSS)))
        }

    }

    /// Every table's size in the schema, indexes and TOAST included.
    private static func schemaBytes(_ settings: PostgresSettings) async throws -> Int {
        let store = try await PostgresStore.open(settings, migrations: PostgresMigrations())
        defer { Task { await store.close() } }
        let rows = try await store.query("""
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = \(settings.schema) AND c.relkind = 'r'
            """)
        return try rows.first.map { Int(try $0.decode(Int64.self)) } ?? 0
    }

    private static func dropSchema(_ settings: PostgresSettings) async throws {
        let store = try await PostgresStore.open(settings, migrations: PostgresMigrations())
        try await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(settings.schema) CASCADE"))
        await store.close()
    }

    private func replayPhase(pki: TestPKI) async throws {
        do {
            let path = self.replayData ?? self.directory + "/replay"
            if FileManager.default.fileExists(atPath: path + "/ingest.sqlite") {
                print("reusing the replay database in \(path)")
            } else {
                print("writing \(self.replayEvents) events for the replay")
                try StorageCeiling.fill(path: path + "/ingest.sqlite", count: self.replayEvents, profiles: self.profiles)
            }
            let replayService = try await ServiceProcess.start("ingest-service", arguments: [
                "--listen", "127.0.0.1:0", "--data-dir", path, "--pki-dir", self.directory + "/pki", "--durability", "normal",
                "--log-level", "warning", "--metrics-listen", "off",
            ])
            let replay = try await self.measureReplay(port: replayService.port, pki: pki)
            let replayRSS = ProcessMemory.peakRSS(pid: replayService.pid)
            await replayService.stop()
            print(String(format: "replay: %.0f events/s to one subscriber (%d entries, %.2f s); service peak RSS %@",
                         replay.rate, replay.count, replay.seconds, ProcessMemory.format(replayRSS)))
        }
    }

    struct Rate {
        var count: Int
        var seconds: Double
        var rate: Double { Double(self.count) / self.seconds }
    }

    private func measureIngest(port: Int, pki: TestPKI, inputs: [EventInput]) async throws -> Rate {
        let setup = try NIOClientTransport(host: "127.0.0.1", port: port, tls: try pki.tlsIdentity(for: .gateway), server: .ingestService)
        let account = try await RPCClient(transport: setup).unary(IngestService.createAccount, CreateAccountRequest(name: "Bench"))
        await setup.close()
        let batches = stride(from: 0, to: inputs.count, by: self.batch).map {
            TrackEventsRequest(accountID: account.id, events: Array(inputs[$0..<min($0 + self.batch, inputs.count)]))
        }
        let acknowledged = AcknowledgedCount()
        let compress = self.compress
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream in 0..<self.streams {
                let mine = stride(from: stream, to: batches.count, by: self.streams).map { batches[$0] }
                group.addTask {
                    let transport = try NIOClientTransport(
                        host: "127.0.0.1", port: port, tls: try pki.tlsIdentity(for: .gateway), server: .ingestService,
                        configuration: .defaults { $0.connection.compressionEnabled = compress })
                    let client = RPCClient(transport: transport)
                    try await client.bidirectional(IngestService.trackEventStream) { writer in
                        for request in mine { try await writer.write(request) }
                    } responses: { responses in
                        for try await response in responses {
                            acknowledged.add(response.stored + response.duplicates)
                        }
                    }
                    await transport.close()
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        let count = acknowledged.value
        guard count == inputs.count else { throw ValidationError("only \(count) of \(inputs.count) events acknowledged") }
        return Rate(count: count, seconds: elapsed.seconds)
    }

    private func measureReplay(port: Int, pki: TestPKI) async throws -> Rate {
        let transport = try NIOClientTransport(host: "127.0.0.1", port: port, tls: try pki.tlsIdentity(for: .insightsService), server: .ingestService)
        let client = RPCClient(transport: transport)
        let start = ContinuousClock.now
        let count = try await client.serverStreaming(IngestService.subscribe, SubscribeRequest(after: 0, follow: false, batchSize: 5_000)) { stream in
            var count = 0
            var last: UInt64 = 0
            for try await batch in stream {
                count += batch.entries.count
                if let position = batch.entries.last?.position {
                    precondition(position > last, "out of order")
                    last = position
                }
            }
            return count
        }
        let elapsed = ContinuousClock.now - start
        await transport.close()
        return Rate(count: count, seconds: elapsed.seconds)
    }
}

/// Acknowledged events, counted from every stream.
final class AcknowledgedCount: Sendable {
    private let count = Mutex(0)
    var value: Int { self.count.withLock { $0 } }
    func add(_ amount: Int) { self.count.withLock { $0 += amount } }
}

/// The benchmark's events: product views and orders with a few properties, ~150 bytes encoded.
enum BenchEvents {
    static let epoch = Date(timeIntervalSince1970: 1_764_000_000)

    static func input(_ index: Int, profiles: Int, randomIDs: Bool = false) -> EventInput {
        let product = "sku-\(index % 997)"
        // A random id is 32 hex digits from a fixed mix of the index: the same on every run.
        let id: String
        if randomIDs {
            var mix = UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            mix = (mix ^ (mix >> 31)) &* 0xBF58_476D_1CE4_E5B9
            id = String(mix, radix: 16) + String(mix ^ 0x94D0_49BB_1331_11EB, radix: 16)
        } else {
            id = "\(index)"
        }
        if index % 5 == 0 {
            return EventInput(
                metric: "Started Checkout", profile: ProfileIdentifiers(email: "customer-\(index % profiles)@example.com"),
                time: self.epoch.addingTimeInterval(Double(index)), value: Decimal(index % 200) + Decimal(string: "0.99")!,
                uniqueID: "checkout-\(id)", properties: ["cart_id": .string("c\(index)"), "items": .number(Decimal(1 + index % 4))])
        }
        return EventInput(
            metric: "Viewed Product", profile: ProfileIdentifiers(email: "customer-\(index % profiles)@example.com"),
            time: self.epoch.addingTimeInterval(Double(index)), uniqueID: "view-\(id)",
            properties: ["product_id": .string(product), "url": .string("https://shop.example.com/p/\(product)"), "price": .number(Decimal(index % 90) + 10)])
    }
}

/// Inserting the service's rows straight into its schema: the ceiling the service is measured against.
enum StorageCeiling {
    static func measure(path: String, inputs: [EventInput], batch: Int, durability: Durability) throws -> IngestCommand.Rate {
        let database = try SQLiteStore.open(path: path, durability: durability, migrations: IngestSchema.migrations)
        // The rows, encoded up front (not timed): key columns and a LoggedEvent body each.
        let encoder = WireEncoder()
        let rows = try inputs.enumerated().map { index, input -> (Int64, String, String, Data) in
            let event = LoggedEvent(
                position: UInt64(index + 1), accountID: 1, profileID: UInt64(1 + index % 20_000), metric: input.metric,
                time: input.time!, receivedAt: input.time!, value: input.value, uniqueID: input.uniqueID, properties: input.properties)
            return (Int64(event.profileID), input.metric, "u:" + input.uniqueID!, Data(try encoder.encode(event)))
        }
        let start = ContinuousClock.now
        var position: Int64 = 1
        for chunk in stride(from: 0, to: rows.count, by: batch) {
            try database.write { db in
                let key = try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO event_key (account_id, profile_id, metric, unique_key, position) VALUES (1, ?, ?, ?, ?)")
                let log = try db.cachedStatement(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (?, 1, 1, ?)")
                for row in rows[chunk..<min(chunk + batch, rows.count)] {
                    try key.execute(arguments: [row.0, row.1, row.2, position])
                    try log.execute(arguments: [position, row.3])
                    position += 1
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        try database.close()
        return IngestCommand.Rate(count: rows.count, seconds: elapsed.seconds)
    }

    /// Writes `count` events (with their account) straight into a new database, for the replay.
    static func fill(path: String, count: Int, profiles: Int) throws {
        let database = try SQLiteStore.open(path: path, durability: .normal, migrations: IngestSchema.migrations)
        let encoder = WireEncoder()
        let account = Account(
            id: 1, name: "Replay", timeZone: "UTC", currency: "USD", plan: .email, customerHubActive: false,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: BenchEvents.epoch, updatedAt: BenchEvents.epoch)
        let accountBody = Data(try encoder.encode(account))
        try database.write { db in
            try db.execute(sql: "INSERT INTO account (id, body) VALUES (1, ?)", arguments: [accountBody])
            try db.execute(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (1, 1, 2, ?)", arguments: [accountBody])
        }
        let chunk = 50_000
        for start in stride(from: 0, to: count, by: chunk) {
            let bodies = try (start..<min(start + chunk, count)).map { index -> Data in
                let input = BenchEvents.input(index, profiles: profiles)
                return Data(try encoder.encode(LoggedEvent(
                    position: UInt64(index + 2), accountID: 1, profileID: UInt64(1 + index % profiles), metric: input.metric,
                    time: input.time!, receivedAt: input.time!, value: input.value, uniqueID: input.uniqueID, properties: input.properties)))
            }
            try database.write { db in
                let log = try db.cachedStatement(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (?, 1, 1, ?)")
                for (offset, body) in bodies.enumerated() {
                    try log.execute(arguments: [Int64(start + offset + 2), body])
                }
            }
        }
        try database.close()
    }
}

/// Peak resident memory of a process, from /proc/<pid>/status (VmHWM).
enum ProcessMemory {
    static func peakRSS(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1_024 }
        }
        return nil
    }

    /// Samples a process's resident memory every 100 ms, split as /proc/<pid>/status does:
    /// anonymous (the heap: what the service allocates) and file-backed (pages of mapped files,
    /// here SQLite's memory-mapped database, which the kernel can drop at any time).
    final class Sampler: Sendable {
        private let task: Task<(anonymous: Int, file: Int), Never>

        init(pid: Int32) {
            self.task = Task {
                var peak = (anonymous: 0, file: 0)
                while !Task.isCancelled {
                    if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
                        for line in status.split(separator: "\n") {
                            let value = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1_024 } ?? 0
                            if line.hasPrefix("RssAnon:") { peak.anonymous = max(peak.anonymous, value) }
                            if line.hasPrefix("RssFile:") { peak.file = max(peak.file, value) }
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                return peak
            }
        }

        /// "anonymous N MB, file-backed M MB".
        func stop() async -> String {
            self.task.cancel()
            let peak = await self.task.value
            return "anonymous \(ProcessMemory.format(peak.anonymous)), file-backed \(ProcessMemory.format(peak.file))"
        }
    }

    static func format(_ bytes: Int?) -> String {
        guard let bytes else { return "unknown" }
        return String(format: "%.0f MB", Double(bytes) / 1_000_000)
    }
}

extension Duration {
    var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}
