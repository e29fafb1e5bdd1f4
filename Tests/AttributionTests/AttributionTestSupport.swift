import Attribution
import Foundation
import SextantContracts
import SextantStore
import SextantWire

/// An attribution store in a fresh temporary directory.
struct StoreFixture {
    let directory: URL
    var path: String { self.directory.appendingPathComponent("attribution.sqlite").path }

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("attribution-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    func open() throws -> AttributionStore {
        try AttributionStore(path: self.path, durability: .normal)
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
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

    mutating func account(_ id: UInt64, timeZone: String = "UTC", currency: String = "USD", at time: Date = LogBuilder.base) -> LogEntry {
        let account = Account(
            id: id, name: "Shop \(id)", timeZone: timeZone, currency: currency, plan: .email, customerHubActive: true,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: time, updatedAt: time)
        return LogEntry(position: self.next(), accountID: id, kind: .account, body: try! self.encoder.encode(account))
    }

    mutating func event(
        _ account: UInt64, profile: UInt64, metric: String, at time: Date, value: Decimal? = nil,
        properties: [String: JSONValue], derivedFrom: UInt64 = 0
    ) -> LogEntry {
        let position = self.next()
        let event = LoggedEvent(
            position: position, accountID: account, profileID: profile, metric: metric, time: time, receivedAt: time,
            value: value, uniqueID: "u-\(position)", properties: properties, derivedFrom: derivedFrom)
        return LogEntry(position: position, accountID: account, kind: .event, body: try! self.encoder.encode(event))
    }

    mutating func clickedProduct(_ account: UInt64, profile: UInt64, product: String, at time: Date) -> LogEntry {
        self.event(account, profile: profile, metric: "Hub Clicked Product", at: time, properties: ["product_id": .string(product)])
    }

    mutating func addedToCart(_ account: UInt64, profile: UInt64, product: String, at time: Date) -> LogEntry {
        self.event(account, profile: profile, metric: "Hub Added to Cart", at: time, properties: ["product_id": .string(product)])
    }

    mutating func buyAgain(_ account: UInt64, profile: UInt64, order: String, products: [String]? = nil, at time: Date) -> LogEntry {
        var properties: [String: JSONValue] = ["order_id": .string(order)]
        if let products { properties["product_ids"] = .array(products.map { .string($0) }) }
        return self.event(account, profile: profile, metric: "Hub Clicked Buy Again", at: time, properties: properties)
    }

    /// A `Placed Order` and its derived `Ordered Product` events, as ingest logs them.
    mutating func order(
        _ account: UInt64, profile: UInt64, id: String, at time: Date, items: [(product: String, price: Decimal, quantity: Decimal)]
    ) -> [LogEntry] {
        let lines: [JSONValue] = items.map {
            .object(["product_id": .string($0.product), "product_name": .string("Name \($0.product)"), "price": .number($0.price), "quantity": .number($0.quantity)])
        }
        let total = items.reduce(Decimal(0)) { $0 + $1.price * $1.quantity }
        let placed = self.event(
            account, profile: profile, metric: "Placed Order", at: time, value: total,
            properties: ["order_id": .string(id), "items": .array(lines)])
        var entries = [placed]
        for item in items {
            entries.append(self.event(
                account, profile: profile, metric: "Ordered Product", at: time, value: item.price * item.quantity,
                properties: [
                    "order_id": .string(id), "product_id": .string(item.product), "product_name": .string("Name \(item.product)"),
                    "price": .number(item.price), "quantity": .number(item.quantity),
                ],
                derivedFrom: placed.position))
        }
        return entries
    }

    mutating func merge(_ account: UInt64, merged: UInt64, into survivor: UInt64, at time: Date) -> LogEntry {
        let merge = ProfileMerge(accountID: account, survivor: survivor, merged: merged, at: time)
        return LogEntry(position: self.next(), accountID: account, kind: .merge, body: try! self.encoder.encode(merge))
    }

    /// 2026-03-01T12:00:00Z.
    static let base = Date(timeIntervalSince1970: 1_772_366_400)
}

extension Date {
    func adding(hours: Double = 0, minutes: Double = 0) -> Date {
        self.addingTimeInterval(hours * 3600 + minutes * 60)
    }
}

extension AttributionStore {
    func total(_ account: UInt64, _ first: String, _ last: String) throws -> Int64 {
        try self.revenueByDay(RevenueByDayRequest(accountID: account, firstDay: first, lastDay: last)).totals.first?.minorUnits ?? 0
    }

    func allProducts(_ account: UInt64, _ first: String = "2025-01-01", _ last: String = "2027-12-31") throws -> [AttributedProduct] {
        var rows: [AttributedProduct] = []
        var token = ""
        repeat {
            let page = try self.attributedProducts(AttributedProductsRequest(accountID: account, firstDay: first, lastDay: last, pageToken: token, pageSize: 2))
            rows += page.rows
            token = page.nextPageToken
        } while !token.isEmpty
        return rows
    }
}
