import Foundation
import SextantContracts
import SextantWire

/// Finds the profile that identifiers name, creating or merging profiles (PRODUCT.md 1):
/// - no identifier known: a new profile owns them all;
/// - all known identifiers name one profile: that one, and it gains the unknown identifiers;
/// - they name several: the oldest (smallest id) survives; the others are merged into it — their
///   identifiers and missing properties move to it (their events' idempotency keys count as the
///   survivor's, see `EventKeyIndex`), the merge is recorded in
///   the `merge` table and the log, and later reads by any of their identifiers find the survivor.
/// Runs on the writer inside a transaction.
struct IdentityResolver {
    let transaction: any IngestTransaction
    let accountID: UInt64
    let now: Date

    /// Normalized (kind, value) pairs of identifiers that passed validation.
    static func keys(of identifiers: ProfileIdentifiers) -> [(IdentityKind, String)] {
        var keys: [(IdentityKind, String)] = []
        if let email = identifiers.email.flatMap(IdentityNormalizer.email) { keys.append((.email, email)) }
        if let phone = identifiers.phone.flatMap(IdentityNormalizer.phone) { keys.append((.phone, phone)) }
        if let external = identifiers.externalID.flatMap(IdentityNormalizer.externalID) { keys.append((.externalID, external)) }
        return keys
    }

    /// The surviving profile for `keys`, after any creation and merges.
    func resolve(_ keys: [(IdentityKind, String)]) throws -> UInt64 {
        var owners: [UInt64] = []
        var unknown: [IdentityKey] = []
        for (kind, value) in keys {
            let key = IdentityKey(accountID: self.accountID, kind: kind, value: value)
            if let owner = try self.transaction.identityOwner(key) {
                if !owners.contains(owner) { owners.append(owner) }
            } else {
                unknown.append(key)
            }
        }
        let survivor: UInt64
        if let oldest = owners.min() {
            survivor = oldest
            for merged in owners where merged != survivor {
                try self.merge(merged, into: survivor)
            }
        } else {
            survivor = try self.transaction.createProfile(accountID: self.accountID, at: self.now)
        }
        for key in unknown {
            try self.transaction.insertIdentity(key, profile: survivor)
        }
        return survivor
    }

    private func merge(_ merged: UInt64, into survivor: UInt64) throws {
        let transaction = self.transaction
        try transaction.moveIdentities(accountID: self.accountID, from: merged, to: survivor)
        // Chains stay one hop long: whatever was merged into `merged` now points at the survivor.
        try transaction.markMerged(accountID: self.accountID, merged: merged, into: survivor, at: self.now)
        // Properties: the survivor's values win; it gains the keys only the merged profile had.
        let survivorProperties = try transaction.properties(accountID: self.accountID, profile: survivor)
        let mergedProperties = try transaction.properties(accountID: self.accountID, profile: merged)
        let combined = survivorProperties.merging(mergedProperties) { kept, _ in kept }
        if combined != survivorProperties {
            try transaction.setProperties(
                accountID: self.accountID, profile: survivor, properties: try ProfileProperties.encode(combined), at: self.now)
        }
        // Idempotency keys stay as they are: a lookup maps each key's profile to its survivor.
        let record = ProfileMerge(accountID: self.accountID, survivor: survivor, merged: merged, at: self.now)
        let position = try transaction.appendLog(accountID: self.accountID, kind: .merge, body: try WireEncoder().encode(record))
        try transaction.insertMerge(accountID: self.accountID, survivor: survivor, merged: merged, position: position, at: self.now)
    }
}

/// A profile's properties as stored: the wire encoding of this message.
struct ProfileProperties: Codable {
    var values: [String: JSONValue]

    enum CodingKeys: Int, CodingKey { case values = 1 }

    static let emptyEncoding: [UInt8] = (try? WireEncoder().encode(ProfileProperties(values: [:]))) ?? []

    static func decode(_ bytes: [UInt8]) throws -> [String: JSONValue] {
        try WireDecoder().decode(ProfileProperties.self, from: bytes).values
    }

    static func encode(_ values: [String: JSONValue]) throws -> [UInt8] {
        try WireEncoder().encode(ProfileProperties(values: values))
    }
}
