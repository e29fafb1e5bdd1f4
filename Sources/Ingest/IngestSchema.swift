import GRDB
public import SextantStore

/// ingest-service's tables, as numbered migrations.
///
/// - `log`: the append-only log. `position` is the global order; `body` is the entry's wire
///   encoding, replayed as stored.
/// - `event_key`: one row per stored event, keyed by (account, profile, metric, unique key):
///   the idempotency index. A merge moves the merged profile's keys to the survivor.
/// - `account`, `profile`, `identity` (email / phone / external id → profile), `merge`,
///   `custom_metric`: current state, also recorded in the log.
public enum IngestSchema {
    public static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "ingest") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY,
                    body BLOB NOT NULL
                );
                CREATE TABLE log (
                    position INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX log_by_account ON log(account_id, position);
                CREATE TABLE event_key (
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    metric TEXT NOT NULL,
                    unique_key TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (account_id, profile_id, metric, unique_key)
                ) WITHOUT ROWID;
                CREATE TABLE profile (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    properties BLOB NOT NULL,
                    merged_into INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX profile_by_merged_into ON profile(merged_into) WHERE merged_into != 0;
                CREATE TABLE identity (
                    account_id INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    profile_id INTEGER NOT NULL,
                    PRIMARY KEY (account_id, kind, value)
                ) WITHOUT ROWID;
                CREATE INDEX identity_by_profile ON identity(profile_id);
                CREATE TABLE merge (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    survivor INTEGER NOT NULL,
                    merged INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    at REAL NOT NULL
                );
                CREATE TABLE custom_metric (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    body BLOB NOT NULL,
                    UNIQUE (account_id, name)
                );
                """)
        }
        return migrations
    }
}

/// The kinds of the `identity` table.
enum IdentityKind: Int, Sendable, CaseIterable {
    case email = 1
    case phone = 2
    case externalID = 3
}
