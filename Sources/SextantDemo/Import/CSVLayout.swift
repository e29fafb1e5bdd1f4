import Foundation
import SextantContracts
import SextantWire

/// The columns of a CSV import file, read from its header, and the mapping of a row to an event
/// (see ``ImportParser`` for the columns).
struct CSVLayout: Sendable {
    enum PropertyType: String, Sendable { case string, number, bool, json }

    enum Column: Sendable, Hashable {
        case known(String)
        case property(name: String, type: PropertyType, header: String)
    }

    static let eventColumns: Set<String> = ["metric", "email", "phone", "external_id", "time", "value", "unique_id"]
    static let orderColumns: Set<String> = [
        "order_id", "email", "phone", "external_id", "time", "value", "unique_id", "product_id", "product_name", "price",
        "quantity",
    ]

    let columns: [Column]
    let isOrders: Bool
    private let index: [String: Int]

    init(header: CSVParser.Record) throws(ImportProblem) {
        func fail(_ field: String, _ reason: String) -> ImportProblem { ImportProblem(line: header.line, field: field, reason: reason) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let lowered = Set(names.map { $0.lowercased() })
        let isOrders = !lowered.contains("metric") && lowered.contains("order_id") && lowered.contains("product_id")
        guard isOrders || lowered.contains("metric") else {
            throw fail("header", "needs a metric column (one event per row) or order_id and product_id columns (an orders export)")
        }
        let allowed = isOrders ? Self.orderColumns : Self.eventColumns
        var columns: [Column] = []
        var index: [String: Int] = [:]
        for name in names {
            let key: String
            if name.lowercased().hasPrefix("properties.") {
                var propertyName = String(name.dropFirst("properties.".count))
                var type = PropertyType.string
                if let colon = propertyName.lastIndex(of: ":"),
                    let parsed = PropertyType(rawValue: propertyName[propertyName.index(after: colon)...].lowercased())
                {
                    type = parsed
                    propertyName = String(propertyName[..<colon])
                }
                guard !propertyName.isEmpty else { throw fail(name, "names no property") }
                columns.append(.property(name: propertyName, type: type, header: name))
                key = "properties." + propertyName
            } else {
                key = name.lowercased()
                guard allowed.contains(key) else {
                    throw fail(
                        name.isEmpty ? "header" : name,
                        name.isEmpty ? "a column has no name" : "unknown column; known: \(allowed.sorted().joined(separator: ", ")), properties.NAME[:number|bool|json]")
                }
                columns.append(.known(key))
            }
            guard index[key] == nil else { throw fail(name, "appears twice") }
            index[key] = columns.count - 1
        }
        if isOrders, index["price"] == nil { throw fail("header", "an orders file needs a price column") }
        self.columns = columns
        self.isOrders = isOrders
        self.index = index
    }

    /// The cell of a known column, trimmed; "" when the column is absent.
    func cell(_ record: CSVParser.Record, _ column: String) -> String {
        guard let i = self.index[column] else { return "" }
        return record.fields[i].trimmingCharacters(in: .whitespaces)
    }

    /// The event of a row; `metric` overrides the metric column (orders).
    func event(_ record: CSVParser.Record, derivedID: String, metric: String? = nil) -> (event: EventInput?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func problem(_ field: String, _ reason: String) { problems.append(ImportProblem(line: record.line, field: field, reason: reason)) }
        let metric = metric ?? self.cell(record, "metric")
        if metric.isEmpty { problem("metric", "missing") }
        func optional(_ column: String) -> String? {
            let text = self.cell(record, column)
            return text.isEmpty ? nil : text
        }
        let profile = ProfileIdentifiers(email: optional("email"), phone: optional("phone"), externalID: optional("external_id"))
        var time: Date?
        if let text = optional("time") {
            time = ImportParser.date(text)
            if time == nil { problem("time", "\"\(text)\" is not a time (ISO 8601, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD or Unix seconds)") }
        }
        var value: Decimal?
        if let text = optional("value") {
            value = ImportParser.decimal(text)
            if value == nil { problem("value", "\"\(text)\" is not a number (digits with a . for decimals, no currency sign or thousands separator)") }
        }
        var properties: [String: JSONValue] = [:]
        for (i, column) in self.columns.enumerated() {
            guard case .property(let name, let type, let header) = column else { continue }
            let text = record.fields[i]
            if text.isEmpty { continue }
            switch type {
            case .string:
                properties[name] = .string(text)
            case .number:
                if let number = ImportParser.decimal(text) { properties[name] = .number(number) } else {
                    problem(header, "\"\(text)\" is not a number")
                }
            case .bool:
                switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                case "true", "yes", "1": properties[name] = .bool(true)
                case "false", "no", "0": properties[name] = .bool(false)
                default: problem(header, "\"\(text)\" is not true or false")
                }
            case .json:
                if let json = try? ImportParser.jsonDecoder.decode(JSONValue.self, from: Data(text.utf8)) {
                    properties[name] = json
                } else {
                    problem(header, "is not JSON")
                }
            }
        }
        guard problems.isEmpty else { return (nil, problems) }
        let event = EventInput(
            metric: metric, profile: profile, time: time, value: value, uniqueID: optional("unique_id") ?? derivedID,
            properties: properties)
        return (event, [])
    }

    /// The line item of an orders row.
    func item(_ record: CSVParser.Record) -> (item: OrderItem?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func problem(_ field: String, _ reason: String) { problems.append(ImportProblem(line: record.line, field: field, reason: reason)) }
        let productID = self.cell(record, "product_id")
        if productID.isEmpty { problem("product_id", "missing") }
        let priceText = self.cell(record, "price")
        let price = ImportParser.decimal(priceText)
        if priceText.isEmpty { problem("price", "missing") } else if price == nil { problem("price", "\"\(priceText)\" is not a number") }
        let quantityText = self.cell(record, "quantity")
        var quantity: Decimal? = 1
        if !quantityText.isEmpty {
            quantity = ImportParser.decimal(quantityText)
            if quantity.map({ $0 <= 0 }) ?? true { problem("quantity", "\"\(quantityText)\" is not a number above 0") }
        }
        guard problems.isEmpty, let price, let quantity else { return (nil, problems) }
        var json: [String: JSONValue] = ["product_id": .string(productID), "price": .number(price), "quantity": .number(quantity)]
        let name = self.cell(record, "product_name")
        if !name.isEmpty { json["product_name"] = .string(name) }
        return (OrderItem(json: json, price: price, quantity: quantity), [])
    }
}
