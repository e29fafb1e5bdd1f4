import GRDB
import SextantStore

/// The gateway's own database: API keys.
///
/// `api_key`: one row per key ever created. `secret_hash` is the SHA-256 of the secret (the
/// secret itself is never stored); `account_id` is NULL for operator keys; `role` is the role's
/// name ("operator", "admin", "read-only", "ingest-only"); times are Unix seconds.
enum APIKeySchema {
    static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "api-keys") { db in
            try db.execute(sql: """
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY NOT NULL,
                    account_id INTEGER,
                    role TEXT NOT NULL,
                    name TEXT NOT NULL,
                    secret_hash BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    last_used_at REAL,
                    revoked_at REAL
                );
                CREATE INDEX api_key_by_account ON api_key(account_id, created_at);
                """)
        }
        return migrations
    }
}
