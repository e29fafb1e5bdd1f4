import Foundation
import Insights
import SextantContracts
import SextantStore
import SextantWire

/// An instant from an ISO 8601 UTC text, e.g. "2026-03-08T05:00:00Z".
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)!
}

func day(_ year: Int, _ month: Int, _ day: Int) -> LocalDay { LocalDay(year: year, month: month, day: day) }

func date(_ year: Int32, _ month: UInt8, _ day: UInt8) -> LocalDate { LocalDate(year: year, month: month, day: day) }

func range(_ first: LocalDay, _ last: LocalDay) -> DayRange { DayRange(first: first, last: last) }

/// An insights store in a fresh temporary directory.
struct StoreFixture {
    let directory: URL
    var path: String { self.directory.appendingPathComponent("insights.sqlite").path }

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("insights-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    func open() throws -> InsightsStore { try InsightsStore(path: self.path, durability: .normal) }

    func remove() { try? FileManager.default.removeItem(at: self.directory) }
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
        _ id: UInt64, timeZone: String = "UTC", currency: String = "USD", hubActive: Bool = true, at time: Date = instant("2025-01-01T00:00:00Z")
    ) -> LogEntry {
        let account = Account(
            id: id, name: "Shop \(id)", timeZone: timeZone, currency: currency, plan: .email, customerHubActive: hubActive,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: time, updatedAt: time)
        return LogEntry(position: self.next(), accountID: id, kind: .account, body: try! self.encoder.encode(account))
    }

    mutating func event(
        _ account: UInt64, profile: UInt64, _ metric: String, at time: Date, value: Decimal? = nil, properties: [String: JSONValue] = [:]
    ) -> LogEntry {
        let position = self.next()
        let event = LoggedEvent(
            position: position, accountID: account, profileID: profile, metric: metric, time: time, receivedAt: time,
            value: value, uniqueID: "u-\(position)", properties: properties)
        return LogEntry(position: position, accountID: account, kind: .event, body: try! self.encoder.encode(event))
    }

    mutating func order(_ account: UInt64, profile: UInt64, at time: Date, value: String?, loggedIn: JSONValue?) -> LogEntry {
        var properties: [String: JSONValue] = ["order_id": .string("o-\(self.position + 1)")]
        if let loggedIn { properties["logged_in"] = loggedIn }
        return self.event(account, profile: profile, "Placed Order", at: time, value: value.flatMap { Decimal(string: $0) }, properties: properties)
    }

    mutating func merge(_ account: UInt64, merged: UInt64, into survivor: UInt64, at time: Date) -> LogEntry {
        let merge = ProfileMerge(accountID: account, survivor: survivor, merged: merged, at: time)
        return LogEntry(position: self.next(), accountID: account, kind: .merge, body: try! self.encoder.encode(merge))
    }
}

/// A revenue source with no attributed revenue.
let noRevenue: HubRevenueByDay = { _, _ in [] }
