import GRDB
public import SextantPostgres
public import SextantStore

/// billing-service's SQLite schema. Instants are stored as REAL seconds since 2001-01-01T00:00:00Z
/// (Foundation's reference date, the wire's `Date`), so a stored instant reads back exactly;
/// months as `CalendarMonth.index` (year × 12 + month − 1) in the account's time zone.
public enum BillingSchema {
    public static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "billing") { db in
            try LogCursor.createTable(db)
            try db.execute(sql: """
                -- Accounts as last seen in the ingest log. The plan is not here: billing owns it
                -- (plan_changes) from the account's first appearance on.
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    time_zone TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    created_at REAL NOT NULL
                );

                -- Every plan change ever made, never edited. tier_limit NULL: the email plan alone;
                -- else the Marketing Analytics tier bought, with its price at the time of purchase.
                -- The plan on a day is the last change (by effective, then id) effective by then.
                CREATE TABLE plan_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES accounts(id),
                    effective REAL NOT NULL,
                    tier_limit INTEGER,
                    tier_price_minor INTEGER,
                    requested_at REAL NOT NULL,
                    CHECK ((tier_limit IS NULL) = (tier_price_minor IS NULL))
                );
                CREATE INDEX plan_changes_by_account ON plan_changes(account_id, effective, id);

                -- Per (account, profile, local month with at least one event): the earliest and the
                -- latest event instant in that month. Month-end counts need only the months;
                -- the instants make "any event in [asOf − look-back, asOf]" exact.
                -- Merged-away profiles have no rows: their months moved to the survivor.
                -- Keyed by month before profile: events come mostly in time order, so a batch
                -- touches the pages of a few months instead of pages all over the table (half
                -- the apply time). A merge finds a profile's rows by one lookup per month.
                CREATE TABLE profile_months (
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    month INTEGER NOT NULL,
                    first_event REAL NOT NULL,
                    last_event REAL NOT NULL,
                    PRIMARY KEY (account_id, month, profile_id)
                ) WITHOUT ROWID;

                -- merged profile → the profile it was merged into (itself possibly merged later).
                CREATE TABLE profile_merges (
                    account_id INTEGER NOT NULL,
                    merged INTEGER NOT NULL,
                    survivor INTEGER NOT NULL,
                    PRIMARY KEY (account_id, merged)
                ) WITHOUT ROWID;
                """)
        }
        return migrations
    }
}

extension BillingSchema {
    /// billing's tables in PostgreSQL: the same tables and meaning as the SQLite migrations
    /// (instants as `double precision` seconds since 2001-01-01, months as indexes), with every
    /// primary key beginning with the account id so each table distributes by account
    /// (docs/scale-out.md). `profile_months_by_profile` finds a merged profile's months in one
    /// lookup.
    public static var postgresMigrations: PostgresMigrations {
        var migrations = PostgresMigrations()
        migrations.register(1, "billing", PostgresLogCursor.createTable + [
            """
            CREATE TABLE accounts (
                id bigint PRIMARY KEY, time_zone text NOT NULL, currency text NOT NULL, created_at double precision NOT NULL)
            """,
            """
            CREATE TABLE plan_changes (
                account_id bigint NOT NULL REFERENCES accounts (id), id bigint GENERATED ALWAYS AS IDENTITY,
                effective double precision NOT NULL, tier_limit bigint, tier_price_minor bigint, requested_at double precision NOT NULL,
                CHECK ((tier_limit IS NULL) = (tier_price_minor IS NULL)),
                PRIMARY KEY (account_id, id))
            """,
            """
            CREATE TABLE profile_months (
                account_id bigint NOT NULL, profile_id bigint NOT NULL, month integer NOT NULL,
                first_event double precision NOT NULL, last_event double precision NOT NULL,
                PRIMARY KEY (account_id, month, profile_id))
            """,
            "CREATE INDEX profile_months_by_profile ON profile_months (account_id, profile_id)",
            """
            CREATE TABLE profile_merges (
                account_id bigint NOT NULL, merged bigint NOT NULL, survivor bigint NOT NULL,
                PRIMARY KEY (account_id, merged))
            """,
        ])
        return migrations
    }
}
