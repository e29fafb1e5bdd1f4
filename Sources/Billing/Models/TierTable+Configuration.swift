public import Foundation

/// Reading a tier table from configuration: plain text or JSON. Prices are decimal text in both,
/// so they reach `Money` without passing through binary floating point.
extension TierTable {
    /// One tier per line, `<active-profile limit> <monthly price>`; blank lines and `#` comments are
    /// ignored; digits may be grouped with `,` or `_` and a price may start with `$`:
    ///
    ///     # active profiles   monthly price
    ///     13,500              100.00
    ///     25,000              150.00
    public init(configurationText text: String) throws(TierTableError) {
        var tiers: [Tier] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2,
                let limit = Self.parseLimit(fields[0]),
                let price = Money(parsing: String(fields[1]))
            else {
                throw .malformedLine(line: offset + 1, text: String(rawLine))
            }
            tiers.append(Tier(activeProfileLimit: limit, monthlyPrice: price))
        }
        try self.init(tiers)
    }

    /// `{"tiers": [{"activeProfiles": 13500, "monthlyPrice": "100.00"}, …]}`. The price must be a
    /// string: a JSON number could be read as a `Double` and lose cents.
    public init(json: Data) throws(TierTableError) {
        struct Document: Decodable {
            struct Row: Decodable {
                let activeProfiles: Int
                let monthlyPrice: String
            }
            let tiers: [Row]
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw .malformedJSON(reason: Self.describe(error))
        }
        var tiers: [Tier] = []
        for (offset, row) in document.tiers.enumerated() {
            guard let price = Money(parsing: row.monthlyPrice) else {
                throw .malformedJSON(reason: "tier \(offset + 1): '\(row.monthlyPrice)' is not a price with at most two decimals")
            }
            tiers.append(Tier(activeProfileLimit: row.activeProfiles, monthlyPrice: price))
        }
        try self.init(tiers)
    }

    /// The table as configuration text that `init(configurationText:)` reads back.
    public var configurationText: String {
        "# active profiles up to, monthly price\n"
            + self.tiers.map { "\($0.activeProfileLimit.grouped) \($0.monthlyPrice)\n" }.joined()
    }

    private static func parseLimit(_ field: Substring) -> Int? {
        let digits = field.filter { $0 != "," && $0 != "_" }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// A short, stable reason from a decoding error (its default description is long and varies).
    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
            return "wrong type at '\(path)'"
        case .dataCorrupted?: return "not valid JSON"
        default: return "unreadable"
        }
    }
}
