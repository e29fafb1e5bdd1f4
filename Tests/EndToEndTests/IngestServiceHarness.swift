import Foundation
import NIOCore
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantRPC
import SextantRPCNIO
import SextantTesting
import SextantWire
import Testing

/// Where a harness's ingest-service keeps its log: SQLite in its data directory, or a fresh
/// schema of the PostgreSQL server `SEXTANT_TEST_POSTGRES_URL` names (scripts/test.sh starts one).
enum IngestStorage: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["SEXTANT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// The storages the end-to-end tests run on here.
    static let available: [IngestStorage] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    var testDescription: String { self.rawValue }
}

/// A real `ingest-service` process on loopback with its own data and PKI directories (and, on
/// PostgreSQL, its own schema), which can be killed and started again on the same data.
final class IngestServiceHarness: @unchecked Sendable {
    let directory: String
    let pki: TestPKI
    let storage: IngestStorage
    let schema = "e2e_ingest_" + UUID().uuidString.prefix(8).lowercased()
    private(set) var process: ServiceProcess?
    private var transports: [NIOClientTransport] = []

    init(storage: IngestStorage = .sqlite) throws {
        self.storage = storage
        self.directory = NSTemporaryDirectory() + "sextant-e2e-\(UUID().uuidString)"
        self.pki = try TestPKI.shared()
        try self.pki.write(to: self.directory + "/pki")
    }

    /// Starts (or restarts) the service on the same data.
    @discardableResult
    func start(durability: String = "full") async throws -> ServiceProcess {
        var environment: [String: String] = [:]
        if self.storage == .postgres {
            environment = ["SEXTANT_STORAGE": "postgres", "SEXTANT_POSTGRES_URL": IngestStorage.postgresURL ?? "", "SEXTANT_POSTGRES_SCHEMA": self.schema]
        }
        let process = try await ServiceProcess.start("ingest-service", arguments: [
            "--listen", "127.0.0.1:0", "--data-dir", self.directory + "/data", "--pki-dir", self.directory + "/pki",
            "--durability", durability, "--log-level", "warning", "--metrics-listen", "127.0.0.1:0", "--entitlements", "plan",
        ], environment: environment)
        self.process = process
        return process
    }

    /// A client of the running process, presenting `caller`'s certificate.
    func client(as caller: ServiceIdentity = .gateway) throws -> RPCClient {
        guard let process = self.process else { throw ServiceProcessError(message: "not started") }
        let transport = try NIOClientTransport(
            host: "127.0.0.1", port: process.port, tls: try self.pki.tlsIdentity(for: caller), server: .ingestService,
            configuration: .defaults { $0.connectTimeout = .seconds(5) })
        self.transports.append(transport)
        return RPCClient(transport: transport)
    }

    func shutdown() async {
        for transport in self.transports { await transport.close() }
        self.transports.removeAll()
        await self.process?.stop()
        try? FileManager.default.removeItem(atPath: self.directory)
        if self.storage == .postgres, let url = IngestStorage.postgresURL, let settings = try? PostgresSettings(url: url, schema: self.schema),
           let store = try? await PostgresStore.open(settings, migrations: PostgresMigrations()) {
            _ = try? await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(self.schema) CASCADE"))
            await store.close()
        }
    }
}

extension RPCClient {
    /// Every log entry after `position` that exists now (not following).
    func logEntries(after position: UInt64 = 0, accountID: UInt64? = nil) async throws -> [LogEntry] {
        try await self.serverStreaming(IngestService.subscribe, SubscribeRequest(after: position, accountID: accountID, follow: false)) { stream in
            var entries: [LogEntry] = []
            for try await batch in stream { entries += batch.entries }
            return entries
        }
    }

    func loggedEvents(accountID: UInt64) async throws -> [LoggedEvent] {
        try await self.logEntries(accountID: accountID).compactMap { entry in
            if case .event(let event) = try entry.decodeBody() { event } else { nil }
        }
    }
}

func orderEvent(_ index: Int, email: String = "buyer@example.com") -> EventInput {
    EventInput(
        metric: StandardMetric.placedOrder, profile: ProfileIdentifiers(email: email), value: Decimal(index),
        uniqueID: "order-\(index)", properties: ["order_id": .string("\(index)")])
}
