import Foundation
import GRDB
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
    let db: Database
    let memory: WriterMemory
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
            if let owner = try self.owner(of: key) {
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
            survivor = try self.createProfile()
        }
        if !unknown.isEmpty {
            let insert = try self.db.cachedStatement(sql: "INSERT INTO identity (account_id, kind, value, profile_id) VALUES (?, ?, ?, ?)")
            for key in unknown {
                try insert.execute(arguments: [Int64(self.accountID), key.kind.rawValue, key.value, Int64(survivor)])
                self.memory.remember(key, profile: survivor)
            }
        }
        return survivor
    }

    private func owner(of key: IdentityKey) throws -> UInt64? {
        if let cached = self.memory.identities[key] { return cached }
        let select = try self.db.cachedStatement(sql: "SELECT profile_id FROM identity WHERE account_id = ? AND kind = ? AND value = ?")
        guard let owner = try Int64.fetchOne(select, arguments: [Int64(self.accountID), key.kind.rawValue, key.value]) else {
            return nil
        }
        self.memory.remember(key, profile: UInt64(owner))
        return UInt64(owner)
    }

    private func createProfile() throws -> UInt64 {
        let insert = try self.db.cachedStatement(
            sql: "INSERT INTO profile (account_id, properties, merged_into, created_at, updated_at) VALUES (?, ?, 0, ?, ?)")
        let time = self.now.timeIntervalSince1970
        try insert.execute(arguments: [Int64(self.accountID), Data(ProfileProperties.emptyEncoding), time, time])
        return UInt64(self.db.lastInsertedRowID)
    }

    private func merge(_ merged: UInt64, into survivor: UInt64) throws {
        let account = Int64(self.accountID)
        let rows = try Row.fetchAll(
            self.db, sql: "SELECT kind, value FROM identity WHERE account_id = ? AND profile_id = ?",
            arguments: [account, Int64(merged)])
        try self.db.execute(
            sql: "UPDATE identity SET profile_id = ? WHERE account_id = ? AND profile_id = ?",
            arguments: [Int64(survivor), account, Int64(merged)])
        for row in rows {
            if let kind = IdentityKind(rawValue: row[0]) {
                self.memory.remember(IdentityKey(accountID: self.accountID, kind: kind, value: row[1]), profile: survivor)
            }
        }
        // Chains stay one hop long: whatever was merged into `merged` now points at the survivor.
        try self.db.execute(
            sql: "UPDATE profile SET merged_into = ?, updated_at = ? WHERE account_id = ? AND (id = ? OR merged_into = ?)",
            arguments: [Int64(survivor), self.now.timeIntervalSince1970, account, Int64(merged), Int64(merged)])
        // Properties: the survivor's values win; it gains the keys only the merged profile had.
        let survivorProperties = try ProfileProperties.load(self.db, profile: survivor)
        let mergedProperties = try ProfileProperties.load(self.db, profile: merged)
        let combined = survivorProperties.merging(mergedProperties) { kept, _ in kept }
        if combined != survivorProperties {
            try ProfileProperties.save(combined, db: self.db, profile: survivor, at: self.now)
        }
        // Idempotency keys stay as they are: a lookup maps each key's profile to its survivor.
        let record = ProfileMerge(accountID: self.accountID, survivor: survivor, merged: merged, at: self.now)
        let position = try self.db.appendLog(self.memory, accountID: self.accountID, kind: .merge, body: try WireEncoder().encode(record))
        try self.db.execute(
            sql: "INSERT INTO merge (account_id, survivor, merged, position, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [account, Int64(survivor), Int64(merged), Int64(position), self.now.timeIntervalSince1970])
    }
}

/// A profile's properties as stored: the wire encoding of this message.
struct ProfileProperties: Codable {
    var values: [String: JSONValue]

    enum CodingKeys: Int, CodingKey { case values = 1 }

    static let emptyEncoding: [UInt8] = (try? WireEncoder().encode(ProfileProperties(values: [:]))) ?? []

    static func load(_ db: Database, profile: UInt64) throws -> [String: JSONValue] {
        guard let data = try Data.fetchOne(db, sql: "SELECT properties FROM profile WHERE id = ?", arguments: [Int64(profile)]) else {
            return [:]
        }
        return try WireDecoder().decode(ProfileProperties.self, from: data).values
    }

    static func save(_ values: [String: JSONValue], db: Database, profile: UInt64, at now: Date) throws {
        try db.execute(
            sql: "UPDATE profile SET properties = ?, updated_at = ? WHERE id = ?",
            arguments: [Data(try WireEncoder().encode(ProfileProperties(values: values))), now.timeIntervalSince1970, Int64(profile)])
    }
}
