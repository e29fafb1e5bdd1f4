public import Foundation
public import GRDB
public import Logging
public import SextantContracts
public import SextantLogFollower
public import SextantPostgres
public import SextantStore

/// billing-service's state: accounts, plan changes and profile activity, built from the ingest
/// log (`LogApplier`) and queried by the handlers (see `BillingStore+Queries.swift`).
///
/// **Activity.** Only `event` entries count (profile upserts do not). Each event adds its local
/// month (account time zone) to the profile's `profile_months` row set, widening that month's
/// earliest/latest event instants: max/min and set semantics, so late and out-of-order events
/// (historic imports) give the same state as in-order ones. Merges move the merged profile's
/// months to the survivor, and later events naming the merged profile go to the survivor.
///
/// **Accounts and plans.** An account entry registers the account; its first appearance also
/// records the starting plan from `Account.plan` (Marketing Analytics: the smallest tier of the
/// configured table; email: the email plan alone), effective from the start of the creation day.
/// Later account entries update the time zone and currency, never the plan: billing owns it.
///
/// **Storage.** SQLite (`init(path:)`) or PostgreSQL (`open(postgres:)`): the rules above are
/// ``BillingApplyPlanner``'s, and each ``BillingBackend`` only executes the operations it works
/// out, so both databases hold the same state for the same log.
public final class BillingStore: LogApplier, Sendable {
    public let prices: PriceList
    /// Months of the look-back window (default 12).
    public let lookBackMonths: Int
    /// The clock; tests inject one.
    public let now: @Sendable () -> Date
    let backend: any BillingBackend
    private let planner: BillingApplyPlanner

    init(backend: any BillingBackend, prices: PriceList, lookBackMonths: Int, now: @escaping @Sendable () -> Date) {
        precondition(lookBackMonths >= 1, "the look-back window is at least one month")
        self.backend = backend
        self.prices = prices
        self.lookBackMonths = lookBackMonths
        self.now = now
        self.planner = BillingApplyPlanner(prices: prices)
    }

    /// Wraps an open SQLite database (migrated with ``BillingSchema/migrations``).
    public convenience init(database: DatabasePool, prices: PriceList = .defaults, lookBackMonths: Int = 12, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(backend: SQLiteBillingBackend(database: database), prices: prices, lookBackMonths: lookBackMonths, now: now)
    }

    /// Opens (creating and migrating as needed) the SQLite database at `path`.
    public convenience init(
        path: String, durability: Durability = .full, prices: PriceList = .defaults, lookBackMonths: Int = 12,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let database = try SQLiteStore.open(path: path, durability: durability, migrations: BillingSchema.migrations)
        self.init(database: database, prices: prices, lookBackMonths: lookBackMonths, now: now)
    }

    /// Opens (creating and migrating as needed) the state in a PostgreSQL schema
    /// (``BillingSchema/postgresMigrations``).
    public static func open(
        postgres settings: PostgresSettings, prices: PriceList = .defaults, lookBackMonths: Int = 12,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "sextant.billing.postgres")
    ) async throws -> BillingStore {
        let store = try await PostgresStore.open(settings, migrations: BillingSchema.postgresMigrations, logger: logger)
        return BillingStore(backend: PostgresBillingBackend(store: store), prices: prices, lookBackMonths: lookBackMonths, now: now)
    }

    /// Closes the database.
    public func close() async {
        await self.backend.close()
    }

    // MARK: LogApplier

    public func appliedPosition() async throws -> UInt64 {
        try await self.backend.appliedPosition()
    }

    /// Applies `entries` in one write transaction with the cursor. Entries at or before the
    /// stored position are ignored (an overlapping resubscription never counts anything twice);
    /// positions within a batch must increase.
    public func apply(_ entries: [LogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await self.backend.apply(entries, planner: self.planner)
    }
}

extension BillingStore {
    /// The account's zone; an unknown name (ingest validates them, so only old data) is UTC.
    static func timeZone(named name: String) -> TimeZone {
        TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")!
    }

    static func startOfDay(_ instant: Date, in timeZone: TimeZone) -> Date {
        Calendar.gregorian(in: timeZone).startOfDay(for: instant)
    }
}
