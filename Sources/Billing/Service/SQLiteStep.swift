import GRDB
import GRDBSQLite

/// Runs a cached write statement through SQLite's C interface with integer and real parameters.
///
/// The activity upsert runs once per (account, profile, month) of every batch; GRDB's
/// `execute(arguments:)` allocates per call about as much as SQLite spends on the row.
/// (`SextantStore.RawStatement` binds no reals, which billing's instants are.) Use only inside
/// the GRDB access that prepared the statement.
struct SQLiteStep {
    private let statement: Statement
    private let handle: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement
        self.handle = statement.sqliteStatement
    }

    enum Value {
        case integer(Int64)
        case real(Double)
    }

    /// Binds `values` to parameters 1, 2, … and steps the statement to its end (no result rows).
    func run(_ values: Value...) throws {
        sqlite3_reset(self.handle)
        defer { sqlite3_reset(self.handle) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let integer): code = sqlite3_bind_int64(self.handle, index, integer)
            case .real(let real): code = sqlite3_bind_double(self.handle, index, real)
            }
            if code != SQLITE_OK { throw self.error(code) }
        }
        while true {
            let code = sqlite3_step(self.handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw self.error(code) }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(self.handle)))
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
