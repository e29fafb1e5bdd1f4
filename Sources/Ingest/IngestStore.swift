public import Foundation
public import SextantContracts
public import SextantPostgres
public import SextantStore
import SextantWire
public import Logging

/// ingest-service's storage and rules: accounts, profiles and identities, the event log, its
/// idempotency index and custom-metric definitions.
///
/// The state lives in one SQLite database (``open(path:durability:clock:)``) or in a PostgreSQL
/// schema (``open(postgres:clock:logger:)``). Either way every write goes through one writer
/// that groups concurrent requests into shared transactions and returns to each caller only
/// after its transaction committed; the rules run the same on both (see `IngestTransaction`).
public final class IngestStore: Sendable {
    let backend: any IngestBackend
    let clock: @Sendable () -> Date

    /// Opens (creating or migrating) the SQLite store at `path`.
    public static func open(
        path: String,
        durability: Durability = .full,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> IngestStore {
        let database = try SQLiteStore.open(path: path, durability: durability, migrations: IngestSchema.migrations)
        return IngestStore(backend: try SQLiteIngestBackend(database: database), clock: clock)
    }

    /// Opens (creating or migrating) the store in a PostgreSQL schema. One process writes a
    /// schema's log at a time: a second one is refused while the first runs.
    public static func open(
        postgres settings: PostgresSettings,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "sextant.ingest.postgres")
    ) async throws -> IngestStore {
        IngestStore(backend: try await PostgresIngestBackend.open(settings, logger: logger), clock: clock)
    }

    init(backend: any IngestBackend, clock: @escaping @Sendable () -> Date) {
        self.backend = backend
        self.clock = clock
    }

    var notifier: LogNotifier { self.backend.notifier }

    /// Closes the store's connections. Writes and reads fail afterwards.
    public func close() async {
        self.notifier.close()
        await self.backend.close()
    }

    // MARK: - The log

    /// The highest committed position of `accountID`, or of the whole log.
    public func head(accountID: UInt64? = nil) async throws -> UInt64 {
        guard let accountID else { return self.notifier.head }
        try Self.checkStorable(accountID)
        return try await self.backend.accountHead(accountID)
    }

    /// Up to `limit` entries after `position`, in order, stopping early once the bodies read add
    /// up to `maximumBytes` (at least one entry is returned if there is one).
    public func entries(after position: UInt64, accountID: UInt64? = nil, limit: Int, maximumBytes: Int = .max) async throws -> [LogEntry] {
        if let accountID { try Self.checkStorable(accountID) }
        guard position <= UInt64(Int64.max) else { return [] }
        return try await self.backend.entries(after: position, accountID: accountID, limit: limit, maximumBytes: maximumBytes)
    }

    /// Returns when the log has an entry after `position` (or the task is cancelled, or the
    /// store is closing).
    public func waitForEntries(after position: UInt64) async {
        await self.notifier.wait(after: position)
    }

    /// Ends every following subscription (each delivers what is committed and then finishes), so
    /// a shutdown does not wait its whole grace period for subscribers. Writes still work.
    public func endSubscriptions() {
        self.notifier.close()
    }

    /// True after ``endSubscriptions()``.
    public var subscriptionsEnded: Bool { self.notifier.isClosed }

    /// One event of one account.
    public func event(accountID: UInt64, position: UInt64) async throws -> LoggedEvent {
        guard position <= UInt64(Int64.max) else { throw IngestError.eventNotFound(position) }
        guard let entry = try await self.backend.logEntry(at: position), entry.accountID == accountID, entry.kind == .event else {
            throw IngestError.eventNotFound(position)
        }
        return try WireDecoder().decode(LoggedEvent.self, from: entry.body)
    }
}

extension IngestStore {
    /// Ids are stored as signed 64-bit integers by both databases, so a larger one names nothing.
    static func checkStorable(_ accountID: UInt64) throws {
        guard accountID <= UInt64(Int64.max) else { throw IngestError.accountNotFound(accountID) }
    }
}

/// What the store needs from a backend: a group-committing writer running rules against an
/// ``IngestTransaction``, and the reads that serve requests.
protocol IngestBackend: Sendable {
    var notifier: LogNotifier { get }
    /// Runs `job` in the next shared transaction and returns its result once that committed. A
    /// job that throws changes nothing. `hint` names what the job will look up, for a backend
    /// that fetches in bulk first.
    func write<Result: Sendable>(hint: WriteHint, _ job: @escaping @Sendable (any IngestTransaction) throws -> Result) async throws -> Result
    func accountHead(_ accountID: UInt64) async throws -> UInt64
    func entries(after position: UInt64, accountID: UInt64?, limit: Int, maximumBytes: Int) async throws -> [LogEntry]
    func logEntry(at position: UInt64) async throws -> LogEntry?
    /// The stored account's body (`id`), or every account's in id order (nil).
    func accountBodies(id: UInt64?) async throws -> [[UInt8]]
    func identityOwner(_ key: IdentityKey) async throws -> UInt64?
    /// The profile, following a merge to its survivor.
    func profile(accountID: UInt64, id: UInt64) async throws -> Profile
    func customMetricBodies(accountID: UInt64) async throws -> [[UInt8]]
    func close() async
}

/// What a write job is about to read.
enum WriteHint: Sendable {
    case none
    /// Requests naming these identifiers (each key carries its account).
    case identifiers([IdentityKey])
}
