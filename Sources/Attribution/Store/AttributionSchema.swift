import GRDB
public import SextantStore

/// attribution-service's schema (SQLite, owned by the service alone).
///
/// - `accounts`: time zone and currency of each account seen in the log.
/// - `profile_merges`: merged profile -> its current survivor (chains resolved when stored).
/// - `hub_interactions`: one row per (qualifying Hub interaction, product it concerns); a buy
///   again on an order has one row per product of that order.
/// - `buy_agains`: the order each buy-again interaction names, so that items of that order
///   arriving later extend it.
/// - `items`: every ordered item (one `Ordered Product` event) with what the rule and the report
///   need, and its attribution (interaction position/time and rule, NULL when not attributed).
/// - `daily_revenue`: attributed revenue per (account, local day, currency), maintained
///   incrementally, so revenue by day never scans items.
/// - `log_cursor`: the applied log position (`LogCursor`).
///
/// Step 1 is the step the attribution-service executable shipped before it had effects (only
/// the cursor); step 2 adds the tables and sets the cursor back to 0, so such a database reads
/// the log again from the start and builds its attributions.
public enum AttributionSchema {
    public static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        migrations.register(2, "hub revenue") { db in
            try LogCursor.rewind(db)
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    time_zone TEXT NOT NULL,
                    currency TEXT NOT NULL
                );
                CREATE TABLE profile_merges (
                    account_id INTEGER NOT NULL,
                    merged INTEGER NOT NULL,
                    survivor INTEGER NOT NULL,
                    PRIMARY KEY (account_id, merged)
                ) WITHOUT ROWID;
                CREATE TABLE hub_interactions (
                    position INTEGER NOT NULL,
                    product_id TEXT NOT NULL,
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    time REAL NOT NULL,
                    rule INTEGER NOT NULL,
                    PRIMARY KEY (position, product_id)
                ) WITHOUT ROWID;
                CREATE INDEX hub_interactions_lookup ON hub_interactions (account_id, profile_id, product_id, time);
                CREATE TABLE buy_agains (
                    position INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    order_id TEXT NOT NULL,
                    time REAL NOT NULL
                );
                CREATE INDEX buy_agains_order ON buy_agains (account_id, order_id);
                CREATE TABLE items (
                    position INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    order_position INTEGER NOT NULL,
                    order_id TEXT NOT NULL,
                    time REAL NOT NULL,
                    product_id TEXT NOT NULL,
                    product_name TEXT NOT NULL,
                    quantity TEXT NOT NULL,
                    price TEXT NOT NULL,
                    revenue_minor INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    day TEXT,
                    interaction_position INTEGER,
                    interaction_time REAL,
                    rule INTEGER
                );
                CREATE INDEX items_lookup ON items (account_id, profile_id, product_id, time);
                CREATE INDEX items_order ON items (account_id, order_id);
                CREATE INDEX items_report ON items (account_id, day, time, position) WHERE interaction_position IS NOT NULL;
                CREATE TABLE daily_revenue (
                    account_id INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    revenue_minor INTEGER NOT NULL,
                    items INTEGER NOT NULL,
                    PRIMARY KEY (account_id, day, currency)
                ) WITHOUT ROWID;
                """)
        }
        migrations.register(3, "report by time") { db in
            // The View report pages newest first: an index in that order (with the day, to filter
            // on it without reading the row) lets a page stop after its rows instead of sorting
            // every attributed item of the range.
            try db.execute(sql: """
                CREATE INDEX items_report_by_time ON items (account_id, time, position, day) WHERE interaction_position IS NOT NULL;
                DROP INDEX items_report;
                """)
        }
        return migrations
    }
}
