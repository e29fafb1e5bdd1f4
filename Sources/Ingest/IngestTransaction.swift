import Foundation
import SextantContracts
import SextantWire

/// What ingest's rules (identity resolution, de-duplication, derivation, accounts, custom
/// metrics) read and write inside one writer transaction. Both backends implement it:
/// `SQLiteIngestTransaction` runs each call as a statement; `PostgresIngestTransaction` answers
/// from facts fetched in bulk and collects the writes, which it sends in a few set-based
/// statements when the group commits. The rules are written once, against this.
///
/// Calls are synchronous and happen on the writer only, one job at a time.
protocol IngestTransaction: AnyObject {
    // MARK: The log

    /// The position the next ``appendLog(accountID:kind:body:)`` will take.
    var nextPosition: UInt64 { get }
    /// Appends one entry at the next position and returns that position.
    func appendLog(accountID: UInt64, kind: LogEntry.Kind, body: [UInt8]) throws -> UInt64
    /// The highest committed or appended position of the account (0 before any).
    func accountHead(_ accountID: UInt64) throws -> UInt64

    // MARK: Accounts

    /// The stored account, or nil.
    func storedAccount(_ id: UInt64) throws -> Account?
    /// One more than the highest account id.
    func nextAccountID() throws -> UInt64
    /// Stores the account's current version (`isNew`: first version).
    func putAccount(_ account: Account, body: [UInt8], isNew: Bool) throws

    // MARK: Profiles and identities

    /// The profile an identifier names, or nil.
    func identityOwner(_ key: IdentityKey) throws -> UInt64?
    /// Records an identifier unknown so far as the profile's.
    func insertIdentity(_ key: IdentityKey, profile: UInt64) throws
    /// The identifiers of a profile.
    func identities(accountID: UInt64, profile: UInt64) throws -> [IdentityKey]
    /// Gives every identifier of `merged` to `survivor`.
    func moveIdentities(accountID: UInt64, from merged: UInt64, to survivor: UInt64) throws
    /// Creates an empty profile and returns its id.
    func createProfile(accountID: UInt64, at now: Date) throws -> UInt64
    /// A profile's row, or nil if the account has no such profile.
    func profileRecord(accountID: UInt64, id: UInt64) throws -> ProfileRecord?
    /// Sets a profile's properties (their wire encoding).
    func setProperties(accountID: UInt64, profile: UInt64, properties: [UInt8], at now: Date) throws
    /// Marks `merged`, and every profile merged into it so far, as merged into `survivor`.
    func markMerged(accountID: UInt64, merged: UInt64, into survivor: UInt64, at now: Date) throws
    /// The profiles merged into `profile`, in id order.
    func profilesMerged(accountID: UInt64, into profile: UInt64) throws -> [UInt64]
    /// Records a merge (also logged at `position`).
    func insertMerge(accountID: UInt64, survivor: UInt64, merged: UInt64, position: UInt64, at now: Date) throws

    // MARK: The idempotency index

    /// The position stored for (account, unique key, metric, profile), or nil.
    func storedEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64) throws -> UInt64?
    /// Records a stored event's key.
    func insertEventKey(accountID: UInt64, uniqueKey: String, metric: String, profile: UInt64, position: UInt64) throws

    // MARK: Custom metrics

    /// The names of the account's custom metrics.
    func customMetricNames(accountID: UInt64) throws -> [String]
    /// One more than the highest custom-metric id.
    func nextCustomMetricID() throws -> UInt64
    /// Stores a new custom metric.
    func insertCustomMetric(_ metric: CustomMetric, body: [UInt8]) throws
}

/// A profile as its table stores it.
struct ProfileRecord: Sendable, Equatable {
    var mergedInto: UInt64
    /// The wire encoding of ``ProfileProperties``.
    var properties: [UInt8]
    var createdAt: Date
    var updatedAt: Date
}

/// An identifier of a profile as the identity table keys it.
///
/// Equal when the bytes are: the databases compare text byte by byte, while Swift's `String`
/// equality would take canonically equivalent spellings ("é" composed or not) for one key.
struct IdentityKey: Hashable, Sendable {
    var accountID: UInt64
    var kind: IdentityKind
    var value: String

    static func == (a: IdentityKey, b: IdentityKey) -> Bool {
        a.accountID == b.accountID && a.kind == b.kind && a.value.utf8.elementsEqual(b.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.accountID)
        hasher.combine(self.kind)
        hasher.combineBytes(of: self.value)
    }
}

extension Hasher {
    /// Feeds a string's UTF-8 bytes (and their count), as byte-wise equality needs.
    mutating func combineBytes(of text: String) {
        var text = text
        text.withUTF8 { self.combine(bytes: UnsafeRawBufferPointer($0)) }
        self.combine(text.utf8.count)
    }
}

extension IngestTransaction {
    /// The account, or `accountNotFound`.
    func account(_ id: UInt64) throws -> Account {
        guard let account = try self.storedAccount(id) else { throw IngestError.accountNotFound(id) }
        return account
    }

    /// Stores the account and logs the new version.
    func saveAccount(_ account: Account, isNew: Bool) throws {
        let body = try WireEncoder().encode(account)
        try self.putAccount(account, body: body, isNew: isNew)
        _ = try self.appendLog(accountID: account.id, kind: .account, body: body)
    }

    /// The profile `id` of the account, following a merge to the survivor.
    func profile(accountID: UInt64, id: UInt64) throws -> Profile {
        guard let record = try self.profileRecord(accountID: accountID, id: id) else {
            throw IngestError.profileNotFound("\(id)")
        }
        if record.mergedInto != 0 { return try self.profile(accountID: accountID, id: record.mergedInto) }
        return try Profile(
            id: id, accountID: accountID, record: record, identities: try self.identities(accountID: accountID, profile: id),
            merged: try self.profilesMerged(accountID: accountID, into: id))
    }

    /// The profile's properties.
    func properties(accountID: UInt64, profile: UInt64) throws -> [String: JSONValue] {
        guard let record = try self.profileRecord(accountID: accountID, id: profile) else { return [:] }
        return try ProfileProperties.decode(record.properties)
    }
}

extension Profile {
    /// A surviving profile from its row, identifiers and merged profiles.
    init(id: UInt64, accountID: UInt64, record: ProfileRecord, identities: [IdentityKey], merged: [UInt64]) throws {
        let sorted = identities.sorted { ($0.kind.rawValue, $0.value) < ($1.kind.rawValue, $1.value) }
        self.init(
            id: id, accountID: accountID,
            emails: sorted.filter { $0.kind == .email }.map(\.value),
            phones: sorted.filter { $0.kind == .phone }.map(\.value),
            externalIDs: sorted.filter { $0.kind == .externalID }.map(\.value),
            properties: try ProfileProperties.decode(record.properties),
            mergedProfileIDs: merged.sorted(), createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
