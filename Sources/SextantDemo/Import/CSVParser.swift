/// A streaming CSV parser (RFC 4180): comma-separated fields, fields in double quotes may contain
/// commas, line breaks and doubled quotes (`""`). Lines end with LF or CRLF. A UTF-8 byte-order
/// mark at the very start is skipped.
///
/// Feed it the file in chunks of any size; it returns the records completed so far, each with the
/// physical line numbers it spans (a quoted field with line breaks spans several).
///
/// ```swift
/// var parser = CSVParser()
/// var records = try parser.feed(Array("a,\"b\nc\"\n".utf8))   // one record: ["a", "b\nc"], lines 1–2
/// records += try parser.finish()
/// ```
public struct CSVParser: Sendable {
    /// One record: its fields and the physical lines it came from.
    public struct Record: Sendable, Hashable {
        public var fields: [String]
        /// The line the record starts on, from 1.
        public var line: Int
        /// The line it ends on (greater than `line` when a quoted field holds line breaks).
        public var lastLine: Int

        public init(fields: [String], line: Int, lastLine: Int) {
            self.fields = fields
            self.line = line
            self.lastLine = lastLine
        }
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    /// The physical line being read.
    private var line = 1
    private var recordLine = 1
    /// Bytes of a UTF-8 byte-order mark matched at the start of the file so far; 3 once decided.
    private var bomMatched = 0
    private var pendingCR = false

    /// The longest field accepted, 1 MiB: a runaway quote cannot take the whole file into memory.
    public static let maximumFieldBytes = 1 << 20

    public init() {}

    /// Parses `bytes`, the next part of the file.
    /// - Returns: the records completed by these bytes.
    /// - Throws: ``ImportProblem`` for a character after a closing quote or a field over
    ///   ``maximumFieldBytes``; the parser should not be used after that.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ImportProblem) -> [Record] {
        var records: [Record] = []
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for byte in bytes {
            if self.bomMatched < 3 {
                if byte == bom[self.bomMatched] {
                    self.bomMatched += 1
                    continue
                }
                // Not a BOM: the matched prefix was data.
                let prefix = bom[0..<self.bomMatched]
                self.bomMatched = 3
                for b in prefix { try self.consume(b, into: &records) }
            }
            try self.consume(byte, into: &records)
        }
        return records
    }

    /// Ends the input.
    /// - Returns: the last record, if the file does not end with a line break.
    /// - Throws: ``ImportProblem`` if a quoted field is not closed.
    public mutating func finish() throws(ImportProblem) -> [Record] {
        if self.state == .quoted {
            throw ImportProblem(line: self.recordLine, field: "csv", reason: "a quoted field is not closed before the end of the file")
        }
        if self.pendingCR { self.field.append(UInt8(ascii: "\r")); self.pendingCR = false }
        if self.state == .fieldStart, self.fields.isEmpty, self.field.isEmpty { return [] }
        var records: [Record] = []
        self.endRecord(into: &records, lastLine: self.line)
        return records
    }

    private mutating func consume(_ byte: UInt8, into records: inout [Record]) throws(ImportProblem) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        if self.pendingCR {
            self.pendingCR = false
            if byte != lf { try self.append(cr) }
        }
        switch self.state {
        case .quoted:
            if byte == quote {
                self.state = .quoteInQuoted
            } else {
                if byte == lf { self.line += 1 }
                try self.append(byte)
            }
        case .quoteInQuoted:
            if byte == quote {
                try self.append(quote)
                self.state = .quoted
            } else if byte == comma {
                self.endField()
            } else if byte == lf {
                self.endRecord(into: &records, lastLine: self.line)
                self.line += 1
                self.recordLine = self.line
            } else if byte == cr {
                self.pendingCR = true
                self.state = .unquoted
            } else {
                throw ImportProblem(line: self.line, field: "csv", reason: "a character follows a closing quote (write a quote inside a quoted field as \"\")")
            }
        case .fieldStart, .unquoted:
            if byte == comma {
                self.endField()
            } else if byte == lf {
                self.endRecord(into: &records, lastLine: self.line)
                self.line += 1
                self.recordLine = self.line
            } else if byte == cr {
                self.pendingCR = true
                self.state = .unquoted
            } else if byte == quote, self.state == .fieldStart {
                self.state = .quoted
            } else {
                // A quote inside an unquoted field is kept as it is (common in hand-made files).
                try self.append(byte)
                self.state = .unquoted
            }
        }
    }

    private mutating func append(_ byte: UInt8) throws(ImportProblem) {
        guard self.field.count < Self.maximumFieldBytes else {
            throw ImportProblem(line: self.recordLine, field: "csv", reason: "a field is longer than \(Self.maximumFieldBytes) bytes (an unclosed quote?)")
        }
        self.field.append(byte)
    }

    private mutating func endField() {
        self.fields.append(String(decoding: self.field, as: UTF8.self))
        self.field.removeAll(keepingCapacity: true)
        self.state = .fieldStart
    }

    private mutating func endRecord(into records: inout [Record], lastLine: Int) {
        self.endField()
        records.append(Record(fields: self.fields, line: self.recordLine, lastLine: lastLine))
        self.fields.removeAll(keepingCapacity: true)
    }
}
