public import Foundation
public import Logging
import NIOConcurrencyHelpers
import PostgresNIO
public import SextantContracts
public import SextantPostgres

/// The gateway's API keys in its PostgreSQL schema (`--storage postgres`): the same rules as
/// ``APIKeyStore``, on ``PostgresStore``. Times are `timestamptz`; the secret's SHA-256 is `bytea`.
///
/// For a distributed PostgreSQL (Citus) `api_key` is a small reference table: it is looked up by
/// key id on every request, and its rows are keys of every account.
public final class PostgresAPIKeyStore: APIKeyStorage {
    let store: PostgresStore
    private let clock: @Sendable () -> Date
    private let lastTouched = NIOLockedValueBox<[String: Date]>([:])

    /// The gateway's schema changes.
    public static var migrations: PostgresMigrations {
        var migrations = PostgresMigrations()
        migrations.register(1, "api-keys", [
            """
            CREATE TABLE api_key (
                id text PRIMARY KEY,
                account_id bigint,
                role text NOT NULL,
                name text NOT NULL,
                secret_hash bytea NOT NULL,
                created_at timestamptz NOT NULL,
                last_used_at timestamptz,
                revoked_at timestamptz
            )
            """,
            "CREATE INDEX api_key_by_account ON api_key (account_id, created_at)",
        ])
        return migrations
    }

    /// Connects to the gateway's schema, migrating it as needed.
    public static func open(
        _ settings: PostgresSettings, logger: Logger = Logger(label: "sextant.gateway.keys"), clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> PostgresAPIKeyStore {
        PostgresAPIKeyStore(store: try await PostgresStore.open(settings, migrations: Self.migrations, logger: logger), clock: clock)
    }

    init(store: PostgresStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    public func close() async { await self.store.close() }

    static let columns = "id, account_id, role, name, created_at, last_used_at, revoked_at"

    public func create(accountID: UInt64?, role: APIKeyRole, name: String) async throws -> CreatedKey {
        try APIKeyRules.check(accountID: accountID, role: role, name: name)
        let secret = APIKeySecret.generate()
        // Whole microseconds, as PostgreSQL keeps them, so the answer equals what is read back.
        let now = Date(timeIntervalSince1970: (self.clock().timeIntervalSince1970 * 1_000_000).rounded(.down) / 1_000_000)
        let key = KeyInfo(id: secret.id, accountID: accountID, role: role, name: name, createdAt: now)
        let account = accountID.map { Int64(bitPattern: $0) }
        try await self.store.query("""
            INSERT INTO api_key (id, account_id, role, name, secret_hash, created_at)
            VALUES (\(key.id), \(account), \(role.name), \(name), \(ByteBuffer(bytes: secret.hash)), \(now))
            """)
        return CreatedKey(key: key, secret: secret.text)
    }

    public func list(accountID: UInt64?) async throws -> [KeyInfo] {
        let rows: [PostgresRow]
        if let accountID {
            rows = try await self.store.query(
                "SELECT \(unescaped: Self.columns) FROM api_key WHERE account_id = \(Int64(bitPattern: accountID)) ORDER BY created_at, id")
        } else {
            rows = try await self.store.query("SELECT \(unescaped: Self.columns) FROM api_key WHERE account_id IS NULL ORDER BY created_at, id")
        }
        return try rows.compactMap(Self.key(from:))
    }

    public func key(id: String) async throws -> KeyInfo? {
        try await self.store.query("SELECT \(unescaped: Self.columns) FROM api_key WHERE id = \(id)").first.flatMap(Self.key(from:))
    }

    @discardableResult
    public func revoke(id: String) async throws -> KeyInfo {
        let now = self.clock()
        let row = try await self.store.transaction { connection -> PostgresRow? in
            try await connection.query("UPDATE api_key SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL", logger: self.store.logger)
            for try await row in try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM api_key WHERE id = \(id)", logger: self.store.logger
            ) {
                return row
            }
            return nil
        }
        guard let row, let key = try Self.key(from: row) else { throw APIKeyStoreError.keyNotFound(id) }
        return key
    }

    public func authenticate(secret text: String) async throws -> KeyInfo? {
        guard let secret = APIKeySecret(parsing: text) else { return nil }
        let row = try await self.store.query(
            "SELECT \(unescaped: Self.columns), secret_hash FROM api_key WHERE id = \(secret.id)").first
        // The hash is computed either way, so an unknown id costs the same as a wrong secret.
        let presented = secret.hash
        guard let row, let key = try Self.key(from: row) else { return nil }
        var stored = try row.makeRandomAccess()["secret_hash"].decode(ByteBuffer.self)
        guard APIKeySecret.constantTimeEqual(presented, stored.readBytes(length: stored.readableBytes) ?? []), key.revokedAt == nil else {
            return nil
        }
        self.touch(key)
        return key
    }

    public func hasValidOperatorKey() async throws -> Bool {
        let rows = try await self.store.query("SELECT EXISTS (SELECT 1 FROM api_key WHERE role = 'operator' AND revoked_at IS NULL)")
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// Records the use, at most once a minute per key, off the request's path.
    private func touch(_ key: KeyInfo) {
        let now = self.clock()
        let due = self.lastTouched.withLockedValue { touched -> Bool in
            if let last = touched[key.id], now.timeIntervalSince(last) < APIKeyStore.lastUsedResolution { return false }
            touched[key.id] = now
            return true
        }
        guard due else { return }
        let store = self.store
        let id = key.id
        Task.detached {
            _ = try? await store.query("UPDATE api_key SET last_used_at = \(now) WHERE id = \(id)")
        }
    }

    private static func key(from row: PostgresRow) throws -> KeyInfo? {
        let cells = row.makeRandomAccess()
        guard let role = APIKeyRole(name: try cells["role"].decode(String.self)) else { return nil }
        return KeyInfo(
            id: try cells["id"].decode(String.self), accountID: try cells["account_id"].decode(Int64?.self).map { UInt64(bitPattern: $0) },
            role: role, name: try cells["name"].decode(String.self), createdAt: try cells["created_at"].decode(Date.self),
            lastUsedAt: try cells["last_used_at"].decode(Date?.self), revokedAt: try cells["revoked_at"].decode(Date?.self))
    }
}
