public import GRDB
import Foundation

/// Opens a service's SQLite database: WAL mode (readers never block the writer), the chosen
/// ``Durability``, foreign keys on, and the service's numbered migrations applied.
public enum SQLiteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// - Parameters:
    ///   - migrations: the service's schema steps, in order; see ``Migrations``.
    ///   - readers: how many concurrent read connections the pool keeps.
    ///   - writerCacheMegabytes: the write connection's page cache. The default suits stores
    ///     whose writes touch a small working set; a store that updates random pages of large
    ///     indexes (attribution's items) gains from more.
    ///   - mapMegabytes: how much of the file each connection reads through a memory map. Mapped
    ///     pages it touches count in the process's resident memory.
    public static func open(
        path: String,
        durability: Durability = .full,
        migrations: Migrations,
        readers: Int = 4,
        writerCacheMegabytes: Int = 32,
        mapMegabytes: Int = 64
    ) throws -> DatabasePool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.maximumReaderCount = readers
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragma)")
            // Reads through a memory map of the file's first `mapMegabytes`: no read() call and
            // no copy for a page the OS has cached. Writes still go through the WAL as before.
            // Every mapped page a connection touches stays in the process's resident set, so the
            // map is small: with 1 GiB, a replay of 10 million events took ingest-service to
            // 1.1 GB and random ids to 410 MB; with 64 MB, 116 MB and 240 MB at the same speed
            // (BENCHMARKS.md).
            let mapMegabytes = max(0, mapMegabytes)
            try db.execute(sql: "PRAGMA mmap_size = \(mapMegabytes * 1_048_576)")
            if db.configuration.readonly {
                // Readers scan mostly sequentially: a small cache each keeps memory bounded.
                try db.execute(sql: "PRAGMA cache_size = -4096")
            } else {
                // The writer updates random pages of its indexes (ingest's idempotency index):
                // 32 MB of cache by default, and checkpoints every ~64 MB of WAL, which write each
                // page once for many commits instead of once per commit.
                try db.execute(sql: "PRAGMA cache_size = -\(max(1, writerCacheMegabytes) * 1_024)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrations.migrator.migrate(pool)
        return pool
    }
}

/// A service's schema as a numbered list of steps. Each step runs once, in a transaction, and is
/// recorded in the database, so opening an old database brings it up to date.
public struct Migrations: Sendable {
    fileprivate var migrator = DatabaseMigrator()
    private var identifiers: [String] = []

    public init() {}

    /// Appends step `number` (they must be registered as 1, 2, 3, …).
    public mutating func register(_ number: Int, _ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        precondition(number == self.identifiers.count + 1, "migrations are numbered 1, 2, 3, … in order")
        let identifier = String(format: "%04d-%@", number, name)
        self.identifiers.append(identifier)
        self.migrator.registerMigration(identifier, migrate: migrate)
    }

    /// Applies the steps up to and including `number` (all when nil): how tests build an old database.
    public func apply(to writer: some DatabaseWriter, through number: Int? = nil) throws {
        if let number {
            try self.migrator.migrate(writer, upTo: self.identifiers[number - 1])
        } else {
            try self.migrator.migrate(writer)
        }
    }
}
