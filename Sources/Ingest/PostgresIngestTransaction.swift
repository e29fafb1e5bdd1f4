import Foundation
import SextantContracts

/// ``IngestTransaction`` for PostgreSQL, where a round trip per lookup would cost more than the
/// whole event. The writer runs a group's jobs against this in memory:
///
/// - A lookup answers from what this run changed, then from facts fetched for the group, then
///   from ``PostgresWriterMemory`` (accounts, custom-metric names and known identifiers, kept
///   across groups). A lookup it cannot answer is recorded as a *miss* and given a neutral
///   answer (nothing stored), and the run goes on, so one run finds many misses.
/// - After a run with misses the writer fetches them all (one query per kind) and runs the
///   group again from the start; a run without misses is exact, and its changes are what
///   ``PostgresIngestFlush`` writes, set by set, in the group's one transaction.
///
/// A run is deterministic given the facts, so running again is always safe: nothing is written
/// to the database until the last run.
///
/// Not shared: the writer's drain works it out, then hands it to the one task that writes it.
final class PostgresIngestTransaction: IngestTransaction, @unchecked Sendable {
    let memory: PostgresWriterMemory
    /// Committed state fetched for this group. `nil` values: fetched, and there is none.
    var fetched = Facts()
    /// What this run changed (the same shapes, overriding `fetched` and `memory`).
    var changes = Facts()
    var writes = Writes()
    var misses = Misses()
    private(set) var counters: PostgresWriterMemory.Counters

    /// What the group before this one changed, while its rows may still be on their way to the
    /// database: consulted before `fetched`, which may have been read before they were written.
    let previous: Facts?

    init(memory: PostgresWriterMemory, previous: PostgresIngestTransaction? = nil) {
        self.memory = memory
        self.counters = memory.counters
        self.previous = previous?.changes
    }

    /// Starts a run over: the changes and misses of the last one are dropped.
    func beginRun() {
        self.changes = Facts()
        self.writes = Writes()
        self.misses = Misses()
        self.assumedAbsent = []
        self.counters = self.memory.counters
    }

    var hasMisses: Bool { !self.misses.isEmpty }

    struct Facts {
        var owners: [IdentityKey: UInt64?] = [:]
        var records: [ProfileKey: ProfileRecord?] = [:]
        var identities: [ProfileKey: [IdentityKey]] = [:]
        var mergedInto: [ProfileKey: [UInt64]] = [:]
        var eventKeys: [EventKey: UInt64?] = [:]
        var accountHeads: [UInt64: UInt64] = [:]
        var accounts: [UInt64: Account] = [:]
        var customMetricNames: [UInt64: [String]] = [:]
    }

    /// Rows to write when the run is the last one.
    struct Writes {
        var log: [(accountID: UInt64, position: UInt64, kind: LogEntry.Kind, body: [UInt8])] = []
        var eventKeys: [(EventKey, position: UInt64)] = []
        var accounts: [UInt64: (body: [UInt8], isNew: Bool)] = [:]
        /// Profiles created in this run (their final rows are in `changes.records`).
        var newProfiles: Set<ProfileKey> = []
        /// Existing profiles whose row changed.
        var changedProfiles: Set<ProfileKey> = []
        /// Identifiers created in this run, and existing ones that moved (final owners in `changes.owners`).
        var newIdentities: Set<IdentityKey> = []
        var movedIdentities: Set<IdentityKey> = []
        var merges: [(accountID: UInt64, id: UInt64, survivor: UInt64, merged: UInt64, position: UInt64, at: Date)] = []
        var customMetrics: [(CustomMetric, body: [UInt8])] = []
    }

    struct Misses {
        var owners: Set<IdentityKey> = []
        var records: Set<ProfileKey> = []
        var identities: Set<ProfileKey> = []
        var eventKeys: Set<EventKey> = []
        var accountHeads: Set<UInt64> = []

        var isEmpty: Bool {
            self.owners.isEmpty && self.records.isEmpty && self.identities.isEmpty
                && self.eventKeys.isEmpty && self.accountHeads.isEmpty
        }
    }

    // MARK: - The log

    var nextPosition: UInt64 { self.counters.position }

    func appendLog(accountID: UInt64, kind: LogEntry.Kind, body: [UInt8]) throws -> UInt64 {
        let position = self.counters.position
        self.counters.position += 1
        self.writes.log.append((accountID, position, kind, body))
        self.changes.accountHeads[accountID] = position
        return position
    }

    func accountHead(_ accountID: UInt64) throws -> UInt64 {
        if let head = self.changes.accountHeads[accountID] ?? self.previous?.accountHeads[accountID] ?? self.fetched.accountHeads[accountID] {
            return head
        }
        self.misses.accountHeads.insert(accountID)
        return 0
    }

    // MARK: - Accounts

    func storedAccount(_ id: UInt64) throws -> Account? {
        self.changes.accounts[id] ?? self.memory.accounts[id]
    }

    func nextAccountID() throws -> UInt64 { self.counters.account }

    func putAccount(_ account: Account, body: [UInt8], isNew: Bool) throws {
        if isNew { self.counters.account = max(self.counters.account, account.id + 1) }
        let wasNew = self.writes.accounts[account.id]?.isNew ?? false
        self.writes.accounts[account.id] = (body, isNew || wasNew)
        self.changes.accounts[account.id] = account
    }

    // MARK: - Profiles and identities

    func identityOwner(_ key: IdentityKey) throws -> UInt64? {
        if let owner = self.changes.owners[key] ?? self.previous?.owners[key] ?? self.fetched.owners[key] { return owner }
        if let owner = self.memory.owners[key] { return owner }
        self.misses.owners.insert(key)
        return nil
    }

    func insertIdentity(_ key: IdentityKey, profile: UInt64) throws {
        self.changes.owners[key] = profile
        self.writes.newIdentities.insert(key)
        let owner = ProfileKey(accountID: key.accountID, id: profile)
        self.changes.identities[owner] = try self.identities(owner) + [key]
    }

    func identities(accountID: UInt64, profile: UInt64) throws -> [IdentityKey] {
        try self.identities(ProfileKey(accountID: accountID, id: profile))
    }

    private func identities(_ profile: ProfileKey) throws -> [IdentityKey] {
        if let known = self.changes.identities[profile] ?? self.previous?.identities[profile] ?? self.fetched.identities[profile] { return known }
        if self.writes.newProfiles.contains(profile) { return [] }
        self.misses.identities.insert(profile)
        return []
    }

    func moveIdentities(accountID: UInt64, from merged: UInt64, to survivor: UInt64) throws {
        let from = ProfileKey(accountID: accountID, id: merged)
        let to = ProfileKey(accountID: accountID, id: survivor)
        let moving = try self.identities(from)
        for key in moving {
            self.changes.owners[key] = survivor
            if !self.writes.newIdentities.contains(key) { self.writes.movedIdentities.insert(key) }
        }
        self.changes.identities[to] = try self.identities(to) + moving
        self.changes.identities[from] = []
    }

    func createProfile(accountID: UInt64, at now: Date) throws -> UInt64 {
        let id = self.counters.profile
        self.counters.profile += 1
        let key = ProfileKey(accountID: accountID, id: id)
        self.writes.newProfiles.insert(key)
        self.changes.records[key] = ProfileRecord(mergedInto: 0, properties: ProfileProperties.emptyEncoding, createdAt: now, updatedAt: now)
        self.changes.identities[key] = []
        self.changes.mergedInto[key] = []
        return id
    }

    func profileRecord(accountID: UInt64, id: UInt64) throws -> ProfileRecord? {
        let key = ProfileKey(accountID: accountID, id: id)
        if let record = self.changes.records[key] ?? self.previous?.records[key] ?? self.fetched.records[key] { return record }
        self.misses.records.insert(key)
        return nil
    }

    /// Changes an existing or new profile's row.
    private func update(_ key: ProfileKey, _ change: (inout ProfileRecord) -> Void) throws {
        guard var record = try self.profileRecord(accountID: key.accountID, id: key.id) else { return }
        change(&record)
        self.changes.records[key] = record
        if !self.writes.newProfiles.contains(key) { self.writes.changedProfiles.insert(key) }
    }

    func setProperties(accountID: UInt64, profile: UInt64, properties: [UInt8], at now: Date) throws {
        try self.update(ProfileKey(accountID: accountID, id: profile)) { record in
            record.properties = properties
            record.updatedAt = now
        }
    }

    func markMerged(accountID: UInt64, merged: UInt64, into survivor: UInt64, at now: Date) throws {
        let from = ProfileKey(accountID: accountID, id: merged)
        let to = ProfileKey(accountID: accountID, id: survivor)
        let earlier = try self.profilesMerged(from)
        for id in [merged] + earlier {
            try self.update(ProfileKey(accountID: accountID, id: id)) { record in
                record.mergedInto = survivor
                record.updatedAt = now
            }
        }
        self.changes.mergedInto[to] = (try self.profilesMerged(to) + [merged] + earlier).sorted()
        self.changes.mergedInto[from] = []
    }

    func profilesMerged(accountID: UInt64, into profile: UInt64) throws -> [UInt64] {
        try self.profilesMerged(ProfileKey(accountID: accountID, id: profile))
    }

    private func profilesMerged(_ profile: ProfileKey) throws -> [UInt64] {
        // Every merge is made by this writer, so its memory knows them all.
        self.changes.mergedInto[profile] ?? self.memory.mergedInto[profile] ?? []
    }

    func insertMerge(accountID: UInt64, survivor: UInt64, merged: UInt64, position: UInt64, at now: Date) throws {
        let id = self.counters.merge
        self.counters.merge += 1
        self.writes.merges.append((accountID, id, survivor, merged, position, now))
    }

    // MARK: - The idempotency index

    func storedEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64) throws -> UInt64? {
        let key = EventKey(accountID: accountID, uniqueKey: uniqueKey, metric: metric, profile: profile)
        if let position = self.changes.eventKeys[key] ?? self.previous?.eventKeys[key] ?? self.fetched.eventKeys[key] { return position }
        // A profile created in this run has no stored events.
        if self.writes.newProfiles.contains(ProfileKey(accountID: accountID, id: profile)) { return nil }
        // Most keys are new (retries are rare), so the answer is assumed: a key the run then
        // inserts is checked by the insert itself (see ``conflicts``); any other becomes a miss
        // at the end of the run (``endRun()``).
        self.assumedAbsent.insert(key)
        return nil
    }

    /// Keys answered "not stored" without asking (see ``storedEventKey``).
    private var assumedAbsent: Set<EventKey> = []

    /// Ends a run: assumed answers the run did not go on to insert are misses after all.
    func endRun() {
        for key in self.assumedAbsent where self.changes.eventKeys[key] == nil {
            self.misses.eventKeys.insert(key)
        }
    }

    /// The flush found one of the keys the run inserted stored already (a retry): every key it
    /// inserted without knowing becomes a fact to fetch, and the group runs again.
    func keysConflicted() {
        for (key, _) in self.writes.eventKeys {
            self.fetched.eventKeys.removeValue(forKey: key)
            self.misses.eventKeys.insert(key)
        }
    }

    func insertEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64, position: UInt64) throws {
        let key = EventKey(accountID: accountID, uniqueKey: uniqueKey, metric: metric, profile: profile)
        self.changes.eventKeys[key] = position
        self.writes.eventKeys.append((key, position))
    }

    // MARK: - Custom metrics

    func customMetricNames(accountID: UInt64) throws -> [String] {
        self.changes.customMetricNames[accountID] ?? self.memory.customMetricNames[accountID] ?? []
    }

    func nextCustomMetricID() throws -> UInt64 { self.counters.customMetric }

    func insertCustomMetric(_ metric: CustomMetric, body: [UInt8]) throws {
        self.counters.customMetric = max(self.counters.customMetric, metric.id + 1)
        self.changes.customMetricNames[metric.accountID] = try self.customMetricNames(accountID: metric.accountID) + [metric.name]
        self.writes.customMetrics.append((metric, body))
    }
}

/// A profile of an account.
struct ProfileKey: Hashable, Sendable {
    var accountID: UInt64
    var id: UInt64
}

/// One row of the idempotency index; equal when the bytes are (see ``IdentityKey``).
struct EventKey: Hashable, Sendable {
    var accountID: UInt64
    var uniqueKey: String
    var metric: String
    var profile: UInt64

    static func == (a: EventKey, b: EventKey) -> Bool {
        a.accountID == b.accountID && a.profile == b.profile && a.uniqueKey.utf8.elementsEqual(b.uniqueKey.utf8)
            && a.metric.utf8.elementsEqual(b.metric.utf8)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.accountID)
        hasher.combine(self.profile)
        hasher.combineBytes(of: self.uniqueKey)
        hasher.combineBytes(of: self.metric)
    }
}

/// What the PostgreSQL writer keeps between groups: the next ids, every account and custom
/// metric name (small), every merge, and a bounded cache of identifier owners. A group is
/// absorbed once its idempotency keys are in, before its commit (the next group is worked out
/// on it meanwhile); if that commit fails, the writer reads it all again. Touched only by the
/// writer's drain.
final class PostgresWriterMemory: @unchecked Sendable {
    struct Counters {
        var position: UInt64 = 1
        var profile: UInt64 = 1
        var account: UInt64 = 1
        var customMetric: UInt64 = 1
        var merge: UInt64 = 1
    }

    var counters = Counters()
    var accounts: [UInt64: Account] = [:]
    var customMetricNames: [UInt64: [String]] = [:]
    var owners: [IdentityKey: UInt64] = [:]
    /// The profiles merged into each survivor (all of them: merges are rare, and made here).
    var mergedInto: [ProfileKey: [UInt64]] = [:]
    /// Owners kept before the cache is dropped and refilled (about 100 bytes each).
    static let ownerCacheLimit = 400_000

    /// Keeps what a committed run changed.
    func absorb(_ transaction: PostgresIngestTransaction) {
        self.counters = transaction.counters
        for (id, account) in transaction.changes.accounts { self.accounts[id] = account }
        for (id, names) in transaction.changes.customMetricNames { self.customMetricNames[id] = names }
        for (profile, merged) in transaction.changes.mergedInto {
            if merged.isEmpty { self.mergedInto.removeValue(forKey: profile) } else { self.mergedInto[profile] = merged }
        }
        if self.owners.count + transaction.changes.owners.count > Self.ownerCacheLimit { self.owners.removeAll(keepingCapacity: true) }
        for (key, owner) in transaction.changes.owners {
            if let owner { self.owners[key] = owner }
        }
        for (key, owner) in transaction.fetched.owners where self.owners.count < Self.ownerCacheLimit {
            if let owner, transaction.changes.owners[key] == nil { self.owners[key] = owner }
        }
    }
}
