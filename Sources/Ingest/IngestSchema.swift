import GRDB
public import SextantStore

/// ingest-service's tables, as numbered migrations.
///
/// - `log`: the append-only log. `position` is the global order; `body` is the entry's wire
///   encoding, replayed as stored.
/// - `event_key`: one row per stored event, keyed by (account, unique key, metric, profile): the
///   idempotency index. The unique key comes first so that sequential ids (order numbers, the
///   time-derived keys of events without one) land on neighbouring pages; a commit then dirties
///   few index pages. Merges do not rewrite it: a lookup finds every profile that used the key
///   and compares each one's survivor with the event's profile.
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
        migrations.register(2, "event-key-by-unique-key") { db in
            try db.execute(sql: """
                CREATE TABLE event_key_v2 (
                    account_id INTEGER NOT NULL,
                    unique_key TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    profile_id INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (account_id, unique_key, metric, profile_id)
                ) WITHOUT ROWID;
                INSERT INTO event_key_v2 (account_id, unique_key, metric, profile_id, position)
                    SELECT account_id, unique_key, metric, profile_id, position FROM event_key;
                DROP TABLE event_key;
                ALTER TABLE event_key_v2 RENAME TO event_key;
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
