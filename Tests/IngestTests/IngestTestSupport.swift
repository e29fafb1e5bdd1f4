import Foundation
import Ingest
import SextantContracts
import SextantStore
import SextantTesting
import SextantPostgres
import PostgresNIO
import Testing
import SextantWire
import Synchronization

/// A store in a fresh temporary directory (SQLite) or a fresh schema (PostgreSQL), closed and
/// removed when the value is released.
final class TemporaryStore: Sendable {
    let backend: StoreBackend
    let directory: String
    let schema: String
    let clock: TestClock
    private let stores: Mutex<[IngestStore]>

    var store: IngestStore { self.stores.withLock { $0[0] } }

    init(_ backend: StoreBackend = .sqlite, durability: Durability = .normal) async throws {
        self.backend = backend
        self.directory = NSTemporaryDirectory() + "sextant-ingest-\(UUID().uuidString)"
        self.schema = StoreBackend.schema("ingest")
        self.clock = TestClock()
        self.stores = Mutex([])
        let store = try await self.open(durability: durability)
        self.stores.withLock { $0.append(store) }
    }

    private func open(durability: Durability) async throws -> IngestStore {
        let clock = self.clock
        switch self.backend {
        case .sqlite:
            return try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: durability, clock: { clock.now })
        case .postgres:
            let settings = try PostgresSettings(url: StoreBackend.postgresURL ?? "", schema: self.schema)
            return try await IngestStore.open(postgres: settings, clock: { clock.now })
        }
    }

    /// Closes the store and opens the same database again, as a restarted service would.
    func reopen() async throws -> IngestStore {
        await self.store.close()
        let reopened = try await self.open(durability: .normal)
        self.stores.withLock { $0.insert(reopened, at: 0) }
        return reopened
    }

    deinit {
        let stores = self.stores.withLock { $0 }
        let directory = self.directory
        let backend = self.backend
        let schema = self.schema
        Task {
            for store in stores { await store.close() }
            if backend == .postgres, let url = StoreBackend.postgresURL {
                try? await PostgresSchemaCleanup.drop(schema, url: url)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    func account(_ request: CreateAccountRequest = CreateAccountRequest(name: "Shop")) async throws -> Account {
        try await self.store.createAccount(request)
    }
}

/// Drops a test's schema once its store is closed.
enum PostgresSchemaCleanup {
    static func drop(_ schema: String, url: String) async throws {
        let settings = try PostgresSettings(url: url, schema: schema)
        let store = try await PostgresStore.open(settings, migrations: IngestSchema.postgresMigrations)
        try await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
        await store.close()
    }
}

/// A settable clock: 2026-11-01T12:00:00Z unless moved.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_793_534_400))
    var now: Date { self.time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { self.time.withLock { $0 += seconds } }
}

extension EventInput {
    static func order(
        email: String, id: String, value: Decimal = 10, time: Date? = nil,
        items: [JSONValue] = [], uniqueID: String? = nil
    ) -> EventInput {
        var properties: [String: JSONValue] = ["order_id": .string(id)]
        if !items.isEmpty { properties["items"] = .array(items) }
        return EventInput(
            metric: StandardMetric.placedOrder, profile: ProfileIdentifiers(email: email), time: time, value: value,
            uniqueID: uniqueID ?? id, properties: properties)
    }

    static func item(_ productID: String, quantity: Int? = nil, price: String) -> JSONValue {
        var fields: [String: JSONValue] = ["product_id": .string(productID), "price": .number(Decimal(string: price)!)]
        if let quantity { fields["quantity"] = .number(Decimal(quantity)) }
        return .object(fields)
    }
}

extension IngestStore {
    /// Every entry of the log, decoded.
    func allEntries(accountID: UInt64? = nil) async throws -> [(LogEntry, LogEntry.Body)] {
        try await self.entries(after: 0, accountID: accountID, limit: 1_000_000).map { ($0, try $0.decodeBody()) }
    }

    func events(accountID: UInt64) async throws -> [LoggedEvent] {
        try await self.allEntries(accountID: accountID).compactMap { if case .event(let event) = $0.1 { event } else { nil } }
    }
}
