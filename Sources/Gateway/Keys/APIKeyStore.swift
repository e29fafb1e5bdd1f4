public import Foundation
import GRDB
import NIOConcurrencyHelpers
public import SextantContracts
public import SextantStore

/// The gateway's API keys in its own SQLite database (`<data-dir>/gateway.sqlite`).
///
/// A key's secret is shown once, when it is created; the store keeps only its SHA-256 and
/// compares hashes in constant time. Revoked keys stay (for listing) but never authenticate.
/// There are no default keys: the executable creates the first operator key itself and writes
/// it to a file only the operator can read.
public final class APIKeyStore: Sendable {
    /// The longest key name, in characters.
    public static let maximumNameLength = 100
    /// `last_used_at` is written at most this often per key, so authentication stays a read.
    static let lastUsedResolution: TimeInterval = 60

    private let database: DatabasePool
    private let clock: @Sendable () -> Date
    private let lastTouched = NIOLockedValueBox<[String: Date]>([:])

    /// Opens (creating if needed) the key database at `path`.
    /// - Parameters:
    ///   - durability: default `.full` (a created or revoked key survives power loss).
    ///   - clock: the time stamps' source; default the system clock.
    public static func open(
        path: String, durability: Durability = .full, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> APIKeyStore {
        APIKeyStore(database: try SQLiteStore.open(path: path, durability: durability, migrations: APIKeySchema.migrations, readers: 2), clock: clock)
    }

    init(database: DatabasePool, clock: @escaping @Sendable () -> Date) {
        self.database = database
        self.clock = clock
    }

    /// Creates a key and returns it with its secret (the only time the secret exists outside the client).
    /// - Throws: ``APIKeyStoreError`` for a bad name or an account that does not fit the role.
    public func create(accountID: UInt64?, role: APIKeyRole, name: String) throws -> CreatedKey {
        try APIKeyRules.check(accountID: accountID, role: role, name: name)
        let secret = APIKeySecret.generate()
        let now = self.clock()
        let key = KeyInfo(id: secret.id, accountID: accountID, role: role, name: name, createdAt: now)
        try self.database.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, account_id, role, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.id, accountID.map { Int64(bitPattern: $0) }, role.name, name, Data(secret.hash), now.timeIntervalSince1970])
        }
        return CreatedKey(key: key, secret: secret.text)
    }

    /// One account's keys, or (nil) the operator keys, oldest first, revoked ones included.
    public func list(accountID: UInt64?) throws -> [KeyInfo] {
        try self.database.read { db in
            let rows: [Row]
            if let accountID {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM api_key WHERE account_id = ? ORDER BY created_at, id", arguments: [Int64(bitPattern: accountID)])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM api_key WHERE account_id IS NULL ORDER BY created_at, id")
            }
            return rows.compactMap(Self.key(from:))
        }
    }

    /// The key with id `id`, revoked or not.
    public func key(id: String) throws -> KeyInfo? {
        try self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]).flatMap(Self.key(from:))
        }
    }

    /// Revokes the key `id`; revoking a revoked key changes nothing.
    /// - Throws: ``APIKeyStoreError/keyNotFound(_:)``.
    @discardableResult
    public func revoke(id: String) throws -> KeyInfo {
        let now = self.clock()
        return try self.database.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now.timeIntervalSince1970, id])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]), let key = Self.key(from: row) else {
                throw APIKeyStoreError.keyNotFound(id)
            }
            return key
        }
    }

    /// The valid (not revoked) key whose secret is `secret`, or nil.
    public func authenticate(secret text: String) throws -> KeyInfo? {
        guard let secret = APIKeySecret(parsing: text) else { return nil }
        let found = try self.database.read { db -> (KeyInfo, [UInt8])? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [secret.id]),
                let key = Self.key(from: row)
            else { return nil }
            let stored: Data = row["secret_hash"]
            return (key, Array(stored))
        }
        // The hash is computed either way, so an unknown id costs the same as a wrong secret.
        let presented = secret.hash
        guard let (key, stored) = found, APIKeySecret.constantTimeEqual(presented, stored), key.revokedAt == nil else { return nil }
        self.touch(key)
        return key
    }

    /// Whether a valid operator key exists (the executable creates one when not).
    public func hasValidOperatorKey() throws -> Bool {
        try self.database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_key WHERE role = 'operator' AND revoked_at IS NULL)") ?? false
        }
    }

    /// Records the use, at most once per ``lastUsedResolution`` per key.
    private func touch(_ key: KeyInfo) {
        let now = self.clock()
        let due = self.lastTouched.withLockedValue { touched -> Bool in
            if let last = touched[key.id], now.timeIntervalSince(last) < Self.lastUsedResolution { return false }
            touched[key.id] = now
            return true
        }
        guard due else { return }
        // Best effort and off the request's path: a failed or slow write (an fsync with full
        // durability) must not fail or delay the request it authenticated.
        let database = self.database
        let id = key.id
        Task.detached {
            try? await database.write { db in
                try db.execute(sql: "UPDATE api_key SET last_used_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id])
            }
        }
    }

    private static func key(from row: Row) -> KeyInfo? {
        let roleName: String = row["role"]
        guard let role = APIKeyRole(name: roleName) else { return nil }
        let account: Int64? = row["account_id"]
        let lastUsed: Double? = row["last_used_at"]
        let revoked: Double? = row["revoked_at"]
        return KeyInfo(
            id: row["id"], accountID: account.map { UInt64(bitPattern: $0) }, role: role, name: row["name"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), lastUsedAt: lastUsed.map(Date.init(timeIntervalSince1970:)),
            revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
    }
}
