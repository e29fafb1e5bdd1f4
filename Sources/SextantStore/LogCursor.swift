public import GRDB

/// A log consumer's position, stored in the consumer's own database so that it commits in the
/// same transaction as the effects of the entries it covers: after a crash the consumer resumes
/// exactly after the last entry whose effects are durable, never skipping or re-applying one.
///
/// Create the table with ``createTable(_:)`` in one of the service's migrations.
public enum LogCursor {
    /// `log_cursor`: one row, the last applied position.
    public static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE log_cursor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                position INTEGER NOT NULL
            );
            INSERT INTO log_cursor (id, position) VALUES (1, 0);
            """)
    }

    /// The last applied position (0 before any).
    public static func read(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM log_cursor WHERE id = 1") ?? 0)
    }

    /// Sets the position back to 0, so the consumer reads the whole log again: for a migration
    /// that adds state the consumer did not keep before (the entries' other effects must be
    /// idempotent, since they are applied a second time).
    public static func rewind(_ db: Database) throws {
        try db.execute(sql: "UPDATE log_cursor SET position = 0 WHERE id = 1")
    }

    /// Records `position` as applied. Call inside the transaction that applies the entries.
    /// - Precondition: positions only move forward.
    public static func advance(_ db: Database, to position: UInt64) throws {
        try db.execute(sql: "UPDATE log_cursor SET position = ? WHERE id = 1 AND position < ?", arguments: [Int64(position), Int64(position)])
    }
}
