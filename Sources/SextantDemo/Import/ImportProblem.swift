/// Why one line (or record) of an import file cannot be used, or why ingest rejected its event.
/// Printed as `FILE:LINE: field: reason`.
public struct ImportProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1; for a record spanning several lines, its first.
    public var line: Int
    /// The column or field path, e.g. `time`, `properties.size:number`, `profile.email`; `csv` or
    /// `json` for a record that cannot be read at all.
    public var field: String
    public var reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(self.line): \(self.field): \(self.reason)" }

    /// The line as printed for the user: `FILE:LINE: field: reason`.
    public func formatted(file: String) -> String { "\(file):\(self.description)" }
}
