public import SextantPostgres

extension IngestSchema {
    /// ingest's tables in PostgreSQL: the same tables and meaning as the SQLite migrations, with
    /// every primary key beginning with the account id, so each table can be distributed by
    /// account (docs/scale-out.md). Times are Unix seconds as `double precision`, as in SQLite.
    ///
    /// `log.position` is the global order; its own index serves subscriptions to the whole log.
    public static var postgresMigrations: PostgresMigrations {
        var migrations = PostgresMigrations()
        migrations.register(1, "ingest", [
            "CREATE TABLE account (id bigint PRIMARY KEY, body bytea NOT NULL)",
            """
            CREATE TABLE log (
                account_id bigint NOT NULL, position bigint NOT NULL, kind smallint NOT NULL, body bytea NOT NULL,
                PRIMARY KEY (account_id, position))
            """,
            "CREATE INDEX log_by_position ON log (position)",
            """
            CREATE TABLE event_key (
                account_id bigint NOT NULL, unique_key text NOT NULL, metric text NOT NULL, profile_id bigint NOT NULL,
                position bigint NOT NULL,
                PRIMARY KEY (account_id, unique_key, metric, profile_id))
            """,
            """
            CREATE TABLE profile (
                account_id bigint NOT NULL, id bigint NOT NULL, properties bytea NOT NULL, merged_into bigint NOT NULL DEFAULT 0,
                created_at double precision NOT NULL, updated_at double precision NOT NULL,
                PRIMARY KEY (account_id, id))
            """,
            "CREATE INDEX profile_by_merged_into ON profile (account_id, merged_into) WHERE merged_into <> 0",
            """
            CREATE TABLE identity (
                account_id bigint NOT NULL, kind smallint NOT NULL, value text NOT NULL, profile_id bigint NOT NULL,
                PRIMARY KEY (account_id, kind, value))
            """,
            "CREATE INDEX identity_by_profile ON identity (account_id, profile_id)",
            """
            CREATE TABLE merge (
                account_id bigint NOT NULL, id bigint NOT NULL, survivor bigint NOT NULL, merged bigint NOT NULL,
                position bigint NOT NULL, at double precision NOT NULL,
                PRIMARY KEY (account_id, id))
            """,
            """
            CREATE TABLE custom_metric (
                account_id bigint NOT NULL, id bigint NOT NULL, name text NOT NULL, body bytea NOT NULL,
                PRIMARY KEY (account_id, id), UNIQUE (account_id, name))
            """,
        ])
        return migrations
    }
}
