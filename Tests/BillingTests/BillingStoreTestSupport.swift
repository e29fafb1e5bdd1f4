import Billing
import Foundation
import Logging
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantStore
import SextantTesting
import SextantWire
import Synchronization

/// A clock tests set by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { self.current = Mutex(start) }
    var now: Date {
        get { self.current.withLock { $0 } }
        set { self.current.withLock { $0 = newValue } }
    }
    var closure: @Sendable () -> Date { { self.now } }
}

/// A billing store in a fresh temporary directory (SQLite) or a fresh schema (PostgreSQL).
/// ``remove()`` closes every store it opened and deletes the directory or schema.
final class StoreFixture: Sendable {
    let backend: StoreBackend
    let directory: URL
    let schema: String
    let clock: TestClock
    let prices: PriceList
    private let opened = Mutex<[BillingStore]>([])
    var path: String { self.directory.appendingPathComponent("billing.sqlite").path }

    init(backend: StoreBackend = .sqlite, now: Date, prices: PriceList = .defaults) throws {
        self.backend = backend
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("billing-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.schema = StoreBackend.schema("billing")
        self.clock = TestClock(now)
        self.prices = prices
    }

    /// Opens the store (again: a restarted service).
    func open() async throws -> BillingStore {
        let store: BillingStore
        switch self.backend {
        case .sqlite:
            store = try BillingStore(path: self.path, durability: .normal, prices: self.prices, now: self.clock.closure)
        case .postgres:
            let settings = try PostgresSettings(url: StoreBackend.postgresURL ?? "", schema: self.schema)
            store = try await BillingStore.open(postgres: settings, prices: self.prices, now: self.clock.closure, logger: Self.logger)
        }
        self.opened.withLock { $0.append(store) }
        return store
    }

    /// postgres-nio logs connection failures at info; the tests check outcomes themselves.
    static let logger: Logger = {
        var logger = Logger(label: "sextant.billing.tests")
        logger.logLevel = .error
        return logger
    }()

    func remove() {
        let stores = self.opened.withLock { $0 }
        let directory = self.directory
        let backend = self.backend
        let schema = self.schema
        Task {
            for store in stores { await store.close() }
            if backend == .postgres, let url = StoreBackend.postgresURL, let settings = try? PostgresSettings(url: url, schema: schema),
                let store = try? await PostgresStore.open(settings, migrations: PostgresMigrations(), logger: Self.logger)
            {
                _ = try? await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
                await store.close()
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// Builds log entries with increasing positions, the way ingest writes them.
struct LogBuilder {
    var position: UInt64 = 0
    let encoder = WireEncoder()

    mutating func next() -> UInt64 {
        self.position += 1
        return self.position
    }

    mutating func account(
        _ id: UInt64, timeZone: String = "UTC", plan: SextantContracts.Plan = .email, createdAt: Date, currency: String = "USD"
    ) -> LogEntry {
        let account = Account(
            id: id, name: "Shop \(id)", timeZone: timeZone, currency: currency, plan: plan, customerHubActive: false,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: createdAt, updatedAt: createdAt)
        return LogEntry(position: self.next(), accountID: id, kind: .account, body: try! self.encoder.encode(account))
    }

    mutating func event(_ account: UInt64, profile: UInt64, at time: Date, metric: String = "Viewed Product") -> LogEntry {
        let position = self.next()
        let event = LoggedEvent(
            position: position, accountID: account, profileID: profile, metric: metric, time: time, receivedAt: time,
            value: Decimal(string: "12.50"), uniqueID: "u-\(position)", properties: ["product_id": .string("p-\(position % 17)")])
        return LogEntry(position: position, accountID: account, kind: .event, body: try! self.encoder.encode(event))
    }

    mutating func merge(_ account: UInt64, merged: UInt64, into survivor: UInt64, at time: Date) -> LogEntry {
        let merge = ProfileMerge(accountID: account, survivor: survivor, merged: merged, at: time)
        return LogEntry(position: self.next(), accountID: account, kind: .merge, body: try! self.encoder.encode(merge))
    }

    mutating func profileUpsert(_ account: UInt64, profile: UInt64, at time: Date) -> LogEntry {
        let profile = Profile(
            id: profile, accountID: account, emails: ["p\(profile)@example.com"], phones: [], externalIDs: [], properties: [:],
            mergedProfileIDs: [], createdAt: time, updatedAt: time)
        return LogEntry(position: self.next(), accountID: account, kind: .profile, body: try! self.encoder.encode(profile))
    }
}

extension BillingStore {
    /// Applies entries in batches of `batchSize`, as the follower would.
    func apply(_ entries: [LogEntry], batchSize: Int) async throws {
        var start = 0
        while start < entries.count {
            let end = min(start + batchSize, entries.count)
            try await self.apply(Array(entries[start..<end]))
            start = end
        }
    }
}
