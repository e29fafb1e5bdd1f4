public import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C interface, for the few statements a writer
/// runs for every event. GRDB's `execute(arguments:)` builds an array of existential values and
/// a cursor object per call — about as much CPU as SQLite's own work for a small insert — so the
/// hot statements bind and step directly. Use it only inside a GRDB access to the statement's
/// database (a `write` or `read` block), and reset it before use (``run(_:)`` does).
public struct RawStatement {
    private let handle: SQLiteStatement

    /// Wraps a statement prepared by GRDB (usually `db.cachedStatement(sql:)`). Cheap: it keeps
    /// only the handle (GRDB's `Statement.sql` re-reads and trims the text on every call).
    public init(_ statement: Statement) {
        self.handle = statement.sqliteStatement
    }

    /// Binds values by position (1-based), runs the statement, and calls `row` for each result row.
    public func run(_ bind: (inout Binder) -> Void, row: ((RowReader) throws -> Void)? = nil) throws {
        sqlite3_reset(self.handle)
        var binder = Binder(handle: self.handle)
        bind(&binder)
        while true {
            let code = sqlite3_step(self.handle)
            if code == SQLITE_ROW {
                try row?(RowReader(handle: self.handle))
            } else if code == SQLITE_DONE {
                sqlite3_reset(self.handle)
                return
            } else {
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(self.handle)))
                sqlite3_reset(self.handle)
                let sql = sqlite3_sql(self.handle).map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }

    /// Sets the statement's parameters.
    public struct Binder {
        fileprivate let handle: SQLiteStatement
        /// SQLite copies the bytes (SQLITE_TRANSIENT), so the Swift values need not outlive the call.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        public func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(self.handle, index, value) }
        public func bind(_ index: Int32, _ value: UInt64) { sqlite3_bind_int64(self.handle, index, Int64(bitPattern: value)) }
        public func bind(_ index: Int32, _ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                _ = sqlite3_bind_text(self.handle, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
            }
        }
        public func bind(_ index: Int32, blob: [UInt8]) {
            blob.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(self.handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Reads the current result row.
    public struct RowReader {
        fileprivate let handle: SQLiteStatement
        public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(self.handle, column) }
        public func uint64(_ column: Int32) -> UInt64 { UInt64(bitPattern: sqlite3_column_int64(self.handle, column)) }
    }
}
