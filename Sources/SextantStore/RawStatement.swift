public import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C interface, for the few statements a writer
/// runs for every event (integers, reals, text and blobs in; integers, reals and text out). GRDB's `execute(arguments:)` builds an array of existential values and
/// a cursor object per call — about as much CPU as SQLite's own work for a small insert — so the
/// hot statements bind and step directly. Use it only inside a GRDB access to the statement's
/// database (a `write` or `read` block).
public struct RawStatement {
    /// Held so GRDB cannot finalize the handle while this value exists.
    private let statement: Statement
    private let handle: SQLiteStatement

    /// Wraps a statement prepared by GRDB (usually `db.cachedStatement(sql:)`). Cheap: it keeps
    /// the statement and its handle (GRDB's `Statement.sql` re-reads and trims the text on every
    /// call, so it is read only for an error).
    public init(_ statement: Statement) {
        self.statement = statement
        self.handle = statement.sqliteStatement
    }

    /// Binds values by position (1-based), runs the statement, and calls `row` for each result row.
    public func run(_ bind: (inout Binder) -> Void, row: ((RowReader) throws -> Void)? = nil) throws {
        sqlite3_reset(self.handle)
        var binder = Binder(handle: self.handle)
        bind(&binder)
        // Reset on every way out, so a half-stepped statement never holds its read lock.
        defer { sqlite3_reset(self.handle) }
        if binder.failure != SQLITE_OK {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(self.handle)))
            throw DatabaseError(resultCode: ResultCode(rawValue: binder.failure), message: "binding a parameter: \(message)")
        }
        while true {
            let code = sqlite3_step(self.handle)
            if code == SQLITE_ROW {
                try row?(RowReader(handle: self.handle))
            } else if code == SQLITE_DONE {
                return
            } else {
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(self.handle)))
                let sql = sqlite3_sql(self.handle).map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }

    /// Sets the statement's parameters.
    /// The first failing bind's code is kept and thrown by ``RawStatement/run(_:row:)``.
    public struct Binder {
        fileprivate let handle: SQLiteStatement
        fileprivate var failure = SQLITE_OK
        /// SQLite copies the bytes (SQLITE_TRANSIENT), so the Swift values need not outlive the call.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        fileprivate init(handle: SQLiteStatement) { self.handle = handle }

        private mutating func check(_ code: Int32) {
            if code != SQLITE_OK, self.failure == SQLITE_OK { self.failure = code }
        }

        public mutating func bind(_ index: Int32, _ value: Int64) { self.check(sqlite3_bind_int64(self.handle, index, value)) }
        public mutating func bind(_ index: Int32, _ value: UInt64) {
            self.check(sqlite3_bind_int64(self.handle, index, Int64(bitPattern: value)))
        }
        public mutating func bind(_ index: Int32, _ value: String) {
            var value = value
            let code = value.withUTF8 { utf8 in
                sqlite3_bind_text(self.handle, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
            }
            self.check(code)
        }
        public mutating func bind(_ index: Int32, _ value: Double) { self.check(sqlite3_bind_double(self.handle, index, value)) }
        public mutating func bindNull(_ index: Int32) { self.check(sqlite3_bind_null(self.handle, index)) }
        public mutating func bind(_ index: Int32, _ value: Int64?) {
            if let value { self.bind(index, value) } else { self.bindNull(index) }
        }
        public mutating func bind(_ index: Int32, blob: [UInt8]) {
            let code = blob.withUnsafeBytes { bytes in
                sqlite3_bind_blob(self.handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Self.transient)
            }
            self.check(code)
        }
    }

    /// Reads the current result row.
    public struct RowReader {
        fileprivate let handle: SQLiteStatement
        public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(self.handle, column) }
        public func uint64(_ column: Int32) -> UInt64 { UInt64(bitPattern: sqlite3_column_int64(self.handle, column)) }
        public func double(_ column: Int32) -> Double { sqlite3_column_double(self.handle, column) }
        public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(self.handle, column) == SQLITE_NULL }
        /// The column as text ("" for NULL).
        public func text(_ column: Int32) -> String {
            guard let pointer = sqlite3_column_text(self.handle, column) else { return "" }
            let count = Int(sqlite3_column_bytes(self.handle, column))
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
        }
    }

    /// Runs the statement for its effect and answers how many rows it changed.
    @discardableResult
    public func change(_ bind: (inout Binder) -> Void) throws -> Int {
        try self.run(bind)
        return Int(sqlite3_changes(sqlite3_db_handle(self.handle)))
    }
}
