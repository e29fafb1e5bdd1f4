import Foundation
import Ingest
import SextantContracts
import SextantStore
import SextantWire
import Synchronization

/// A store in a fresh temporary directory, removed when the value is released.
final class TemporaryStore: Sendable {
    let directory: String
    let store: IngestStore
    let clock: TestClock

    init(durability: Durability = .normal) throws {
        self.directory = NSTemporaryDirectory() + "sextant-ingest-\(UUID().uuidString)"
        self.clock = TestClock()
        let clock = self.clock
        self.store = try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: durability, clock: { clock.now })
    }

    /// Opens the same database again, as a restarted service would.
    func reopen() throws -> IngestStore {
        let clock = self.clock
        return try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: .normal, clock: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(atPath: self.directory) }

    func account(_ request: CreateAccountRequest = CreateAccountRequest(name: "Shop")) async throws -> Account {
        try await self.store.createAccount(request)
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
    func allEntries(accountID: UInt64? = nil) throws -> [(LogEntry, LogEntry.Body)] {
        try self.entries(after: 0, accountID: accountID, limit: 1_000_000).map { ($0, try $0.decodeBody()) }
    }

    func events(accountID: UInt64) throws -> [LoggedEvent] {
        try self.allEntries(accountID: accountID).compactMap { if case .event(let event) = $0.1 { event } else { nil } }
    }
}
