import GRDB
public import SextantRPC
public import SextantStore

/// insights-service's SQLite schema. Days are ``LocalDay`` numbers (days since 1970-01-01) in
/// the account's time zone at the time the entry was applied.
public enum InsightsSchema {
    ///
    /// Step 1 is the log-cursor step the insights-service executable has run since before the
    /// dashboard existed (its databases hold a cursor and nothing else); step 2 adds the tables
    /// and rewinds the cursor to 0, so such a database replays the log and builds its aggregates.
    public static var migrations: Migrations {
        var migrations = Migrations()
        migrations.register(1, "log-cursor", LogCursor.createTable)
        migrations.register(2, "customer hub") { db in
            try LogCursor.rewind(db)
            try db.execute(sql: """
                -- Accounts as last seen in the ingest log.
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    time_zone TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    hub_active INTEGER NOT NULL
                );

                -- Per (account, local day, interaction type 1...5): how many events.
                CREATE TABLE hub_interactions (
                    account_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    interaction INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (account_id, day, interaction)
                ) WITHOUT ROWID;

                -- One row per (account, local day, profile) that opened the Hub that day, however
                -- often. "Active accounts" over a range is a count of distinct profiles over an
                -- index range of this table.
                CREATE TABLE hub_openers (
                    account_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    PRIMARY KEY (account_id, day, profile_id)
                ) WITHOUT ROWID;
                CREATE INDEX hub_openers_by_profile ON hub_openers(account_id, profile_id);

                -- Profiles with a Hub account: the first local day of a `Hub Created Account`
                -- or `Hub Opened` event.
                CREATE TABLE hub_accounts (
                    account_id INTEGER NOT NULL,
                    profile_id INTEGER NOT NULL,
                    first_day INTEGER NOT NULL,
                    PRIMARY KEY (account_id, profile_id)
                ) WITHOUT ROWID;
                CREATE INDEX hub_accounts_by_day ON hub_accounts(account_id, first_day);

                -- Per (account, local day): `Placed Order` events with logged_in true, and the exact
                -- sum of their values (a decimal string in major units of the account currency).
                CREATE TABLE logged_in_orders (
                    account_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    orders INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (account_id, day)
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
        migrations.register(3, "hub account days") { db in
            try db.execute(sql: """
                -- Per (account, local day): profiles whose Hub account's first day it is. "Total
                -- accounts" by a day is a sum over at most one row per day, not a count of profiles.
                CREATE TABLE hub_account_days (
                    account_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (account_id, day)
                ) WITHOUT ROWID;
                INSERT INTO hub_account_days (account_id, day, count)
                    SELECT account_id, first_day, count(*) FROM hub_accounts GROUP BY account_id, first_day;
                DROP INDEX hub_accounts_by_day;
                """)
        }
        return migrations
    }
}

/// Why a dashboard request failed.
public enum InsightsError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    /// insights-service has not seen the account in the ingest log (yet).
    case accountNotFound(UInt64)
    /// The request is malformed (the message says what).
    case invalid(String)
    /// A log entry cannot be applied.
    case badEntry(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .invalid(let message): "invalid request: \(message)"
        case .badEntry(let message): message
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound: RPCError(code: .notFound, message: self.description)
        case .invalid: RPCError(code: .invalidArgument, message: self.description)
        case .badEntry: RPCError(code: .internalError, message: self.description)
        }
    }
}
