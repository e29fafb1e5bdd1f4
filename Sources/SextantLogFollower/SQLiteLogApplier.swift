public import GRDB
public import SextantContracts
import SextantStore

/// A ``LogApplier`` over a service's own SQLite database: each batch is applied in one write
/// transaction together with the cursor (`SextantStore.LogCursor`), so effects and position
/// commit or roll back together. Entries at or before the cursor are skipped (a resubscription
/// that overlaps never applies an entry twice).
public final class SQLiteLogApplier: LogApplier {
    public let database: DatabasePool
    private let applyEntry: @Sendable (Database, LogEntry) throws -> Void

    /// - Parameters:
    ///   - database: opened with migrations that include `LogCursor.createTable`.
    ///   - applyEntry: the service's effect of one entry, inside the batch's transaction.
    public init(database: DatabasePool, applyEntry: @escaping @Sendable (Database, LogEntry) throws -> Void) {
        self.database = database
        self.applyEntry = applyEntry
    }

    public func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    public func apply(_ entries: [LogEntry]) async throws {
        guard let last = entries.last?.position else { return }
        let applyEntry = self.applyEntry
        try await self.database.write { db in
            let cursor = try LogCursor.read(db)
            for entry in entries where entry.position > cursor {
                try applyEntry(db, entry)
            }
            try LogCursor.advance(db, to: last)
        }
    }
}
