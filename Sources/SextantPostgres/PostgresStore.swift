public import Logging
public import PostgresNIO

/// A service's state in PostgreSQL: a connection pool whose connections work in the service's
/// schema, migrated on open. The PostgreSQL counterpart of `SQLiteStore` (SextantStore).
///
/// Durability is PostgreSQL's own: a transaction is acknowledged after its commit record is
/// flushed (`synchronous_commit = on`, the server default), which survives a process crash and
/// power loss; concurrent committers share the server's WAL flushes.
public final class PostgresStore: Sendable {
    public let client: PostgresClient
    public let settings: PostgresSettings
    public let logger: Logger
    private let runner: Task<Void, Never>
    private let closeWatch = CloseWatch()

    private init(client: PostgresClient, settings: PostgresSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
        self.runner = Task { await client.run() }
    }

    /// Connects, creates the schema if needed and applies the migrations not applied yet.
    /// - Throws: when the server cannot be reached or a migration fails (nothing of a failed
    ///   migration is kept: all of them run in one transaction).
    public static func open(
        _ settings: PostgresSettings, migrations: PostgresMigrations, logger: Logger = Logger(label: "sextant.postgres")
    ) async throws -> PostgresStore {
        let store = PostgresStore(client: PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger), settings: settings, logger: logger)
        do {
            // The pool keeps trying to connect; a server that cannot be reached is an error here,
            // not a start that hangs.
            try await Self.within(connectTimeout, "cannot reach PostgreSQL at \(settings.host):\(settings.port) within \(connectTimeout)") {
                try await store.query("SELECT 1")
            }
            try await migrations.apply(to: store)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// How long ``open(_:migrations:logger:)`` waits for a first connection.
    public static let connectTimeout: Duration = .seconds(15)

    /// Runs `body`, but gives up after `limit`: the body is cancelled and not waited for (a
    /// connection attempt does not always stop at once when cancelled).
    static func within(_ limit: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let (outcomes, outcome) = AsyncThrowingStream<Bool, any Error>.makeStream()
        let work = Task {
            do {
                try await body()
                outcome.yield(true)
            } catch {
                outcome.finish(throwing: error)
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.yield(false)
        }
        defer {
            timer.cancel()
            work.cancel()
        }
        for try await finished in outcomes {
            guard finished else { throw PostgresSettings.Invalid(description: message) }
            return
        }
    }

    /// Runs `body` in a transaction on a pooled connection. Errors are the body's own (or the
    /// commit's or rollback's), not postgres-nio's wrapper. If the connection closes first, this
    /// fails with `DedicatedConnection.Closed` instead of waiting on a query the connection
    /// dropped (see ``CloseWatch``).
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await self.withConnection { connection in
            do {
                try await connection.query("BEGIN", logger: logger)
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// Runs `body` with a pooled connection, ending (with `DedicatedConnection.Closed`) if the
    /// connection closes before `body` does.
    public func withConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await self.client.withConnection { connection in
            try await self.closeWatch.run(on: connection, body)
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let logger = self.logger
        return try await self.withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// A connection of its own, outside the pool, working in the service's schema: for a writer
    /// that holds a session-level lock for as long as it runs. The caller closes it.
    public func dedicatedConnection() async throws -> DedicatedConnection {
        var configuration = PostgresConnection.Configuration(
            host: self.settings.host, port: self.settings.port, username: self.settings.username, password: self.settings.password,
            database: self.settings.database, tls: .disable)
        configuration.options.additionalStartupParameters = [("search_path", self.settings.schema)]
        return DedicatedConnection(
            try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int.max), logger: self.logger))
    }

    /// Closes every connection.
    public func close() async {
        self.runner.cancel()
        _ = await self.runner.value
    }
}

/// A service's numbered schema changes, as `Migrations` (SextantStore) for SQLite: each runs
/// once, in order. Versions applied are recorded in `<schema>.schema_migrations`.
public struct PostgresMigrations: Sendable {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        /// Run one after another (one statement each).
        public var statements: [String]
    }

    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Adds migration `version` (1, 2, 3, …: each one more than the last).
    public mutating func register(_ version: Int, _ name: String, _ statements: [String]) {
        precondition(version == (self.migrations.last?.version ?? 0) + 1, "migrations are numbered 1, 2, 3, … in order")
        self.migrations.append(Migration(version: version, name: name, statements: statements))
    }

    /// Applies what is missing, in one transaction that holds an advisory lock on the schema's
    /// name, so two processes starting at once do not both migrate.
    /// No migrations at all (`PostgresMigrations()`): the store works in the schema as it is,
    /// for tools that read or drop a schema rather than own it.
    func apply(to store: PostgresStore) async throws {
        let schema = store.settings.schema
        let migrations = self.migrations
        guard !migrations.isEmpty else { return }
        try await store.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("sextant-migrations:" + schema)))", logger: store.logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: store.logger)
            try await connection.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """), logger: store.logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations"), logger: store.logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > (migrations.last?.version ?? 0) {
                throw PostgresSettings.Invalid(
                    description: "schema \(schema) is at version \(newest), newer than this build knows (\(migrations.last?.version ?? 0)): run the newer build")
            }
            for migration in migrations where !applied.contains(migration.version) {
                // Unqualified names in a migration are the service's schema's.
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema)"), logger: store.logger)
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema).schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: store.logger)
                store.logger.info("migrated", metadata: ["schema": "\(schema)", "version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}

/// A log consumer's position in its own schema, committed with the effects of the entries it
/// covers (the PostgreSQL `LogCursor`). Create the table in one of the service's migrations.
public enum PostgresLogCursor {
    /// The statements of a migration that creates `log_cursor` at position 0.
    public static let createTable = [
        "CREATE TABLE log_cursor (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)",
        "INSERT INTO log_cursor (id, position) VALUES (1, 0)",
    ]

    /// The last applied position (0 before any).
    public static func read(_ connection: PostgresConnection, logger: Logger) async throws -> UInt64 {
        for try await position in try await connection.query("SELECT position FROM log_cursor WHERE id = 1", logger: logger).decode(Int64.self) {
            return UInt64(position)
        }
        return 0
    }

    /// Records `position` as applied, inside the transaction that applied the entries; a
    /// position at or before the stored one changes nothing.
    public static func advance(_ connection: PostgresConnection, to position: UInt64, logger: Logger) async throws {
        let value = Int64(position)
        try await connection.query("UPDATE log_cursor SET position = \(value) WHERE id = 1 AND position < \(value)", logger: logger)
    }
}
