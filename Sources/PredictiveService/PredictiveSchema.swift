import GRDB
public import SextantStore

/// predictive-service's SQLite schema.
public enum PredictiveSchema {
    /// Step 1 is the log-cursor step the executable has run since before it kept orders (its
    /// databases hold a cursor and nothing else); step 2 adds the tables and rewinds the cursor to
    /// 0, so such a database replays the log and collects the orders.
    public static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        migrations.register(2, "orders") { db in
            try LogCursor.rewind(db)
            try db.execute(sql: """
                -- Accounts as last seen in the ingest log.
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    time_zone TEXT NOT NULL,
                    currency TEXT NOT NULL
                );

                -- Placed (1), cancelled (2) and refunded (3) orders, one row per event, by the
                -- profile (survivor) that sent it; value is exact decimal text (a refund's amount;
                -- NULL: the whole order).
                CREATE TABLE orders (
                    account_id INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    order_id TEXT NOT NULL,
                    kind INTEGER NOT NULL,
                    time REAL NOT NULL,
                    value TEXT,
                    PRIMARY KEY (account_id, position)
                ) WITHOUT ROWID;
                CREATE INDEX orders_by_profile ON orders (account_id, profile_id, position);

                -- merged profile → the profile it now belongs to (kept flat: merging into a
                -- merged profile updates its earlier merges).
                CREATE TABLE profile_merges (
                    account_id INTEGER NOT NULL,
                    merged INTEGER NOT NULL,
                    survivor INTEGER NOT NULL,
                    PRIMARY KEY (account_id, merged)
                ) WITHOUT ROWID;
                """)
        }
        migrations.register(3, "conversion-metric") { db in
            // Custom metrics were not kept before: replay the log so their definitions are read.
            try LogCursor.rewind(db)
            try db.execute(sql: """
                -- Every custom metric definition in the log (wire-encoded CustomMetric).
                CREATE TABLE custom_metrics (
                    account_id INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    definition BLOB NOT NULL,
                    PRIMARY KEY (account_id, id)
                ) WITHOUT ROWID;

                -- Accounts whose settings differ from the defaults (Placed Order, 365 days).
                -- rebuild_target: the log position up to which a new conversion metric's orders
                -- must still be re-read (NULL: none pending); rebuild_read: how far that got;
                -- rebuild_generation: counts conversion-metric changes, so a re-read started for
                -- an older change stops instead of carrying on for the newer one.
                CREATE TABLE clv_settings (
                    account_id INTEGER PRIMARY KEY,
                    conversion_metric_id INTEGER,
                    horizon_days INTEGER NOT NULL,
                    rebuild_target INTEGER,
                    rebuild_read INTEGER NOT NULL DEFAULT 0,
                    rebuild_generation INTEGER NOT NULL DEFAULT 0
                );

                -- The last failed fit of an account (cleared by a successful one).
                CREATE TABLE fit_failures (
                    account_id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    reason TEXT NOT NULL
                );
                """)
        }
        return migrations
    }
}
