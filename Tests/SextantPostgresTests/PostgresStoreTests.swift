import Foundation
import PostgresNIO
import SextantPostgres
import Logging
import Synchronization
import Testing

/// The server the tests use: `SEXTANT_TEST_POSTGRES_URL` (scripts/test.sh starts PostgreSQL 15
/// and sets it). Without it the tests that need a server are skipped.
enum TestServer {
    static let url = ProcessInfo.processInfo.environment["SEXTANT_TEST_POSTGRES_URL"]
    static var available: Bool { url != nil }

    /// Settings for a schema of this test's own, dropped by ``drop(_:)``.
    static func settings() throws -> PostgresSettings {
        try PostgresSettings(url: url!, schema: "test_" + UUID().uuidString.prefix(8).lowercased())
    }

    /// Connection failures are logged at info by postgres-nio; the tests check them themselves.
    static let logger: Logger = {
        var logger = Logger(label: "sextant.postgres.tests")
        logger.logLevel = .error
        return logger
    }()

    static func drop(_ store: PostgresStore) async {
        _ = try? await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(store.settings.schema) CASCADE"))
        await store.close()
    }
}

@Suite struct PostgresSettingsTests {
    @Test func urlsAreReadAndBadOnesNamed() throws {
        let settings = try PostgresSettings(url: "postgres://sextant:p%40ss@db.internal:5433/analytics", schema: "ingest")
        #expect(settings.host == "db.internal" && settings.port == 5433 && settings.username == "sextant" && settings.password == "p@ss")
        #expect(settings.database == "analytics" && settings.schema == "ingest")
        #expect(settings.description == "postgres://sextant@db.internal:5433/analytics (schema ingest)")
        let local = try PostgresSettings(url: "postgresql://me@[::1]/x?sslmode=disable", schema: "gateway")
        #expect(local.host == "::1" && local.port == 5432 && local.password == nil && local.database == "x")

        for (url, words) in [
            ("mysql://a@b/c", "starts with postgres://"),
            ("postgres://host/db", "names no user"),
            ("postgres://a:secret@host", "names no database"),
            ("postgres://a:secret@host:99999/db", "port must be 1 to 65535"),
            ("postgres://a:secret@:5432/db", "names no host"),
        ] {
            do {
                _ = try PostgresSettings(url: url, schema: "ok")
                Issue.record("\(url) was accepted")
            } catch let error as PostgresSettings.Invalid {
                #expect(error.description.contains(words), "\(url): \(error)")
                #expect(!error.description.contains("secret"), "the password leaked: \(error)")
            }
        }
        for schema in ["", "Ingest", "1st", "a-b", "x;drop", String(repeating: "a", count: 64)] {
            #expect(throws: PostgresSettings.Invalid.self) { try PostgresSettings(url: "postgres://a@h/d", schema: schema) }
        }
    }
}

@Suite(.enabled(if: TestServer.available, "needs SEXTANT_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
struct PostgresStoreTests {
    static func migrations(failing: Bool = false) -> PostgresMigrations {
        var migrations = PostgresMigrations()
        migrations.register(1, "things", ["CREATE TABLE things (account_id bigint NOT NULL, id bigint NOT NULL, name text NOT NULL, PRIMARY KEY (account_id, id))"])
        migrations.register(2, "cursor", PostgresLogCursor.createTable)
        if failing {
            migrations.register(3, "broken", ["CREATE TABLE half_made (id bigint PRIMARY KEY)", "CREATE TABLE things (id bigint)"])
        }
        return migrations
    }

    static func versions(_ store: PostgresStore) async throws -> [Int] {
        var versions: [Int] = []
        for try await version in try await store.client.query(
            PostgresQuery(unsafeSQL: "SELECT version FROM \(store.settings.schema).schema_migrations ORDER BY version")
        ).decode(Int.self) {
            versions.append(version)
        }
        return versions
    }

    @Test func migrationsRunOnceEvenWhenProcessesStartTogether() async throws {
        let settings = try TestServer.settings()
        // Five openers at once: the advisory lock lets one migrate; the others find it done.
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<5 { group.addTask { try await PostgresStore.open(settings, migrations: Self.migrations(), logger: TestServer.logger) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await Self.versions(stores[0]) == [1, 2])
        // Unqualified names are the schema's: the tables are there, the cursor at 0.
        try await stores[0].query("INSERT INTO things (account_id, id, name) VALUES (1, 1, 'one')")
        let position = try await stores[1].transaction { try await PostgresLogCursor.read($0, logger: stores[1].logger) }
        #expect(position == 0)
        for store in stores.dropFirst() { await store.close() }
        await TestServer.drop(stores[0])
    }

    @Test func aFailedMigrationLeavesNothingAndANewerSchemaIsRefused() async throws {
        let settings = try TestServer.settings()
        let store = try await PostgresStore.open(settings, migrations: Self.migrations(), logger: TestServer.logger)
        await #expect(throws: (any Error).self) { _ = try await PostgresStore.open(settings, migrations: Self.migrations(failing: true), logger: TestServer.logger) }
        // Version 3 failed half way: neither its record nor its first table was kept.
        #expect(try await Self.versions(store) == [1, 2])
        let tables = try await store.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = \(settings.schema) AND table_name = 'half_made'")
        #expect(try tables.first?.decode(Int.self) == 0)
        // A build that knows fewer migrations than the schema has is refused by name.
        var older = PostgresMigrations()
        older.register(1, "things", [])
        do {
            _ = try await PostgresStore.open(settings, migrations: older, logger: TestServer.logger)
            Issue.record("an older build opened a newer schema")
        } catch let error as PostgresSettings.Invalid {
            #expect(error.description.contains("at version 2, newer than this build knows (1)"), "\(error)")
        }
        await TestServer.drop(store)
    }

    @Test func aTransactionCommitsWithItsCursorOrNotAtAll() async throws {
        let store = try await PostgresStore.open(try TestServer.settings(), migrations: Self.migrations(), logger: TestServer.logger)
        let logger = store.logger
        try await store.transaction { connection in
            try await connection.query("INSERT INTO things (account_id, id, name) VALUES (1, 10, 'kept')", logger: logger)
            try await PostgresLogCursor.advance(connection, to: 10, logger: logger)
        }
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await store.transaction { connection in
                try await connection.query("INSERT INTO things (account_id, id, name) VALUES (1, 11, 'lost')", logger: logger)
                try await PostgresLogCursor.advance(connection, to: 11, logger: logger)
                throw Stop()
            }
        }
        // Moving back changes nothing.
        try await store.transaction { try await PostgresLogCursor.advance($0, to: 3, logger: logger) }
        let names = try await store.query("SELECT name FROM things ORDER BY id").map { try $0.decode(String.self) }
        #expect(names == ["kept"])
        #expect(try await store.transaction { try await PostgresLogCursor.read($0, logger: logger) } == 10)
        await TestServer.drop(store)
    }

    /// The server ends the session of a dedicated connection (as a restart or failover would)
    /// just before it is used: every query on it ends, failing, instead of waiting for ever.
    @Test func queriesOnADedicatedConnectionWhoseSessionEndedFailInsteadOfWaiting() async throws {
        let store = try await PostgresStore.open(try TestServer.settings(), migrations: Self.migrations(), logger: TestServer.logger)
        let logger = store.logger
        for _ in 0..<30 {
            let connection = try await store.dedicatedConnection()
            var backend: Int32 = 0
            for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { backend = pid }
            try await store.query("SELECT pg_terminate_backend(\(backend))")
            let outcomes = Mutex<[Bool]>([])
            let finished = await Self.finishes(within: .seconds(10)) {
                for _ in 0..<5 {
                    let succeeded = (try? await connection.query("SELECT 1", logger: logger)) != nil
                    outcomes.withLock { $0.append(succeeded) }
                }
            }
            #expect(finished, "a query on a connection whose session ended never returned")
            // The session is gone: the last query, at least, failed.
            #expect(outcomes.withLock { $0.last } == false)
            try? await connection.close()
        }
        await TestServer.drop(store)
    }

    /// Whether `body` returns within `limit` (it is left running if not).
    static func finishes(within limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let (outcomes, outcome) = AsyncStream<Bool>.makeStream()
        let work = Task {
            await body()
            outcome.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.yield(false)
        }
        defer {
            work.cancel()
            timer.cancel()
        }
        for await finished in outcomes { return finished }
        return false
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        // A port nothing listens on (the test server's, plus one).
        var settings = try TestServer.settings()
        settings.port = settings.port == 65_535 ? 65_534 : settings.port + 1
        var options = PostgresMigrations()
        options.register(1, "nothing", [])
        let started = ContinuousClock.now
        do {
            _ = try await PostgresStore.open(settings, migrations: options, logger: TestServer.logger)
            Issue.record("opened a store on a port nothing listens on")
        } catch {
            #expect("\(error)".contains("cannot reach PostgreSQL at") || "\(error)".localizedCaseInsensitiveContains("connect"), "\(error)")
        }
        // 15 s to give up, and closing the pool; bounded even on a busy machine.
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
