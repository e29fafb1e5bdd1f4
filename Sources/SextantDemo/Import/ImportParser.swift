public import Foundation
public import SextantContracts
import SextantWire

/// The formats `sextant import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// One `EventInput` as JSON per line.
    case jsonLines = "jsonl"
    /// A CSV file; its header decides between one event per row and an orders export
    /// (see ``ImportParser``).
    case csv

    /// The format a file name suggests: `.csv` is CSV, anything else JSON Lines.
    public static func guess(fromPath path: String) -> ImportFormat {
        path.lowercased().hasSuffix(".csv") ? .csv : .jsonLines
    }
}

/// One event read from an import file, with the lines it came from.
public struct ImportedEvent: Sendable, Hashable {
    public var event: EventInput
    /// The first line of the event (its row, or an order's first row).
    public var line: Int
    /// The last line (an order's last row; a quoted field may span lines too).
    public var lastLine: Int

    public init(event: EventInput, line: Int, lastLine: Int) {
        self.event = event
        self.line = line
        self.lastLine = lastLine
    }
}

/// What the parser makes of the file, in file order.
public enum ImportItem: Sendable, Hashable {
    case event(ImportedEvent)
    case problem(ImportProblem)
}

/// Turns an import file into events: JSON Lines, or CSV in one of two layouts chosen by the header.
///
/// **CSV, one event per row** (the header has a `metric` column):
///
/// | column | meaning |
/// | --- | --- |
/// | `metric` | the metric name (required) |
/// | `email`, `phone`, `external_id` | the profile's identifiers (at least one) |
/// | `time` | ISO 8601 (`2026-03-01T12:00:00Z`, fractions and offsets allowed), `YYYY-MM-DD HH:MM:SS` (UTC), `YYYY-MM-DD` or Unix seconds; empty: the time of import |
/// | `value` | a decimal number with a `.` (`129.99`); empty: none |
/// | `unique_id` | the event's unique id; empty: derived from the file and line |
/// | `properties.NAME` | a string property `NAME` |
/// | `properties.NAME:number`, `:bool`, `:json` | a number, `true`/`false`, or any JSON value |
///
/// **CSV, orders** (the header has `order_id` and `product_id` and no `metric`): one row per line
/// item; consecutive rows with the same `order_id` form one `Placed Order` whose `unique_id` is the
/// order id. Columns: `order_id`, `product_id` (required), `email`, `phone`, `external_id`, `time`,
/// `product_name`, `price` (required), `quantity` (default 1), `value` (the order total; empty: the
/// sum of price × quantity), `properties.…` as above. Order-level columns are read from the
/// order's first row. The items become `items: [{product_id, product_name, price, quantity}]`
/// (ingest derives the `Ordered Product` events from them).
///
/// Empty cells mean "absent"; unknown columns are an error. Every event without a unique id gets
/// `import-<fingerprint>-<line>`, so importing the same file again, or resuming an import, never
/// stores an event twice.
public struct ImportParser: Sendable {
    public let format: ImportFormat
    /// ``ImportFingerprint`` of the file, for derived unique ids.
    public let fingerprint: String
    /// Records starting at or before this line are skipped (the header is still read).
    public let resumeAfter: Int

    private var csv = CSVParser()
    private var layout: CSVLayout?
    private var jsonBuffer: [UInt8] = []
    private var jsonLine = 0
    private var openOrder: OpenOrder?
    /// Orders already closed, with their first line, to catch rows of one order that are apart.
    private var closedOrders: [String: Int] = [:]

    public init(format: ImportFormat, fingerprint: String, resumeAfter: Int = 0) {
        self.format = format
        self.fingerprint = fingerprint
        self.resumeAfter = resumeAfter
    }

    /// Parses the next part of the file.
    /// - Returns: the events and problems completed by it, in file order.
    /// - Throws: ``ImportProblem`` when the file cannot be read further (a bad header, broken CSV
    ///   quoting); the import should stop.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(ImportProblem) -> [ImportItem] {
        switch self.format {
        case .csv: return try self.handle(self.csv.feed(bytes))
        case .jsonLines: return self.feedJSON(bytes, final: false)
        }
    }

    /// Ends the file.
    public mutating func finish() throws(ImportProblem) -> [ImportItem] {
        switch self.format {
        case .csv:
            var items = try self.handle(self.csv.finish())
            if let order = self.openOrder {
                self.openOrder = nil
                items.append(self.close(order))
            }
            return items
        case .jsonLines:
            return self.feedJSON([], final: true)
        }
    }

    // MARK: JSON Lines

    private mutating func feedJSON(_ bytes: some Collection<UInt8>, final: Bool) -> [ImportItem] {
        var items: [ImportItem] = []
        self.jsonBuffer.append(contentsOf: bytes)
        var start = 0
        while let newline = self.jsonBuffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            self.jsonLine += 1
            if let item = self.jsonItem(self.jsonBuffer[start..<newline], line: self.jsonLine) { items.append(item) }
            start = newline + 1
        }
        self.jsonBuffer.removeFirst(start)
        if final, !self.jsonBuffer.isEmpty {
            self.jsonLine += 1
            if let item = self.jsonItem(self.jsonBuffer[...], line: self.jsonLine) { items.append(item) }
            self.jsonBuffer.removeAll()
        }
        return items
    }

    private func jsonItem(_ line: ArraySlice<UInt8>, line number: Int) -> ImportItem? {
        guard number > self.resumeAfter else { return nil }
        let blank: Set<UInt8> = [0x20, 0x09, 0x0D]
        if line.allSatisfy({ blank.contains($0) }) { return nil }
        do {
            var event = try Self.jsonDecoder.decode(EventInput.self, from: Data(line))
            if event.uniqueID == nil { event.uniqueID = self.derivedID(line: number) }
            return .event(ImportedEvent(event: event, line: number, lastLine: number))
        } catch {
            return .problem(Self.problem(for: error, line: number))
        }
    }

    /// JSON with times in ISO 8601 (fractional seconds allowed) or Unix seconds.
    public static let jsonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            if let date = ImportParser.date(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an ISO 8601 time")
        }
        return decoder
    }()

    private static func problem(for error: any Error, line: Int) -> ImportProblem {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "json" : codingPath.map { key in
                // Array positions are keys named "Index N"; message fields have names (and numbers).
                if let i = key.intValue, key.stringValue.hasPrefix("Index ") { "[\(i)]" } else { key.stringValue }
            }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return ImportProblem(line: line, field: path(context.codingPath + [key]), reason: "missing")
        case DecodingError.typeMismatch(let type, let context):
            return ImportProblem(line: line, field: path(context.codingPath), reason: "expected \(type)")
        case DecodingError.valueNotFound(let type, let context):
            return ImportProblem(line: line, field: path(context.codingPath), reason: "expected \(type), found null")
        case DecodingError.dataCorrupted(let context):
            let reason = context.codingPath.isEmpty ? "not an event (not a JSON object)" : context.debugDescription
            return ImportProblem(line: line, field: path(context.codingPath), reason: reason)
        default:
            return ImportProblem(line: line, field: "json", reason: "\(error)")
        }
    }

    // MARK: CSV

    private mutating func handle(_ records: [CSVParser.Record]) throws(ImportProblem) -> [ImportItem] {
        var items: [ImportItem] = []
        for record in records {
            if record.fields.allSatisfy({ $0.isEmpty }) { continue }
            guard let layout = self.layout else {
                self.layout = try CSVLayout(header: record)
                continue
            }
            guard record.line > self.resumeAfter else { continue }
            if record.fields.count != layout.columns.count {
                items.append(.problem(ImportProblem(
                    line: record.line, field: "csv",
                    reason: "\(record.fields.count) fields; the header has \(layout.columns.count)")))
                continue
            }
            if layout.isOrders {
                self.orderRow(record, layout, into: &items)
            } else {
                let (event, problems) = layout.event(record, derivedID: self.derivedID(line: record.line))
                if let event { items.append(.event(ImportedEvent(event: event, line: record.line, lastLine: record.lastLine))) }
                items += problems.map(ImportItem.problem)
            }
        }
        return items
    }

    private mutating func orderRow(_ record: CSVParser.Record, _ layout: CSVLayout, into items: inout [ImportItem]) {
        let orderID = layout.cell(record, "order_id")
        if let open = self.openOrder, open.id != orderID {
            self.openOrder = nil
            items.append(self.close(open))
        }
        if orderID.isEmpty {
            items.append(.problem(ImportProblem(line: record.line, field: "order_id", reason: "missing")))
            return
        }
        if self.openOrder == nil {
            if let first = self.closedOrders[orderID] {
                items.append(.problem(ImportProblem(
                    line: record.line, field: "order_id",
                    reason: "order \"\(orderID)\" began at line \(first) and was interrupted by another order; keep an order's rows together")))
                return
            }
            self.openOrder = OpenOrder(id: orderID, first: record, lastLine: record.lastLine)
        }
        self.openOrder!.lastLine = record.lastLine
        let (item, problems) = layout.item(record)
        if let item { self.openOrder!.items.append(item) }
        self.openOrder!.problems += problems
    }

    private mutating func close(_ order: OpenOrder) -> ImportItem {
        self.closedOrders[order.id] = order.first.line
        let layout = self.layout!
        let (read, orderProblems) = layout.event(order.first, derivedID: order.id, metric: StandardMetric.placedOrder)
        let problems = orderProblems + order.problems
        guard var event = read, problems.isEmpty else {
            // The first problem stands for the order; the rest are usually the same mistake.
            return .problem(problems[0])
        }
        event.properties["order_id"] = .string(order.id)
        event.properties["items"] = .array(order.items.map { .object($0.json) })
        event.properties["item_count"] = .number(order.items.reduce(Decimal(0)) { $0 + $1.quantity })
        if event.value == nil { event.value = order.items.reduce(Decimal(0)) { $0 + $1.price * $1.quantity } }
        return .event(ImportedEvent(event: event, line: order.first.line, lastLine: order.lastLine))
    }

    private func derivedID(line: Int) -> String { "import-\(self.fingerprint)-\(line)" }

    // MARK: Cell values

    /// Reads a time: ISO 8601 with or without fractions and offset, `YYYY-MM-DD HH:MM:SS` or
    /// `YYYY-MM-DD` (both UTC), or Unix seconds.
    public static func date(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = self.unixSeconds(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        var spaced = Date.ISO8601FormatStyle(dateTimeSeparator: .space)
        if let date = try? spaced.parse(text + "Z") { return date }
        spaced = Date.ISO8601FormatStyle().year().month().day()
        if text.count == 10, let date = try? spaced.parse(text) { return date }
        return nil
    }

    private static func unixSeconds(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.first != "." else { return nil }
        return Double(text)
    }

    /// Reads a plain decimal number: optional `-`, digits, optional `.` and digits.
    public static func decimal(_ text: String) -> Decimal? {
        let text = text.trimmingCharacters(in: .whitespaces)
        var digitsBefore = 0, digitsAfter = 0, seenPoint = false
        for (offset, c) in text.enumerated() {
            if c == "-", offset == 0 { continue }
            if c == ".", !seenPoint { seenPoint = true; continue }
            guard c.isASCII, c.isNumber else { return nil }
            if seenPoint { digitsAfter += 1 } else { digitsBefore += 1 }
        }
        guard digitsBefore > 0, !seenPoint || digitsAfter > 0 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

private struct OpenOrder: Sendable {
    var id: String
    var first: CSVParser.Record
    var lastLine: Int
    var items: [OrderItem] = []
    var problems: [ImportProblem] = []
}

struct OrderItem: Sendable {
    var json: [String: JSONValue]
    var price: Decimal
    var quantity: Decimal
}
