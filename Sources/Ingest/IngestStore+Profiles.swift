public import Foundation
import GRDB
public import SextantContracts
import SextantWire

extension IngestStore {
    /// Creates or updates the profile the identifiers name (merging when they name several),
    /// sets its properties key by key (`null` removes a key) and logs the result.
    public func upsertProfile(_ request: UpsertProfileRequest) async throws -> Profile {
        var problems = EventValidator.problems(in: request.identifiers, field: "identifiers")
        problems += EventValidator.problems(in: request.properties, field: "properties")
        guard problems.isEmpty else { throw IngestError.invalid(problems) }
        let accountID = request.accountID
        let now = self.clock()
        let keys = IdentityResolver.keys(of: request.identifiers)
        return try await self.write { db, memory in
            _ = try db.account(accountID)
            let id = try IdentityResolver(db: db, memory: memory, accountID: accountID, now: now).resolve(keys)
            var properties = try ProfileProperties.load(db, profile: id)
            for (key, value) in request.properties {
                if value == .null { properties.removeValue(forKey: key) } else { properties[key] = value }
            }
            guard properties.count <= IngestLimits.properties else {
                throw IngestError.invalid([FieldError(
                    field: "properties", reason: "the profile would have \(properties.count) properties; at most \(IngestLimits.properties)")])
            }
            try ProfileProperties.save(properties, db: db, profile: id, at: now)
            let profile = try db.profile(accountID: accountID, id: id)
            try db.appendLog(memory, accountID: accountID, kind: .profile, body: try WireEncoder().encode(profile))
            return profile
        }
    }

    /// A profile by id or by one identifier. A merged-away profile's id or identifiers give the survivor.
    public func profile(_ request: GetProfileRequest) throws -> Profile {
        let given = [request.profileID != nil, request.identifiers.email != nil, request.identifiers.phone != nil,
                     request.identifiers.externalID != nil].filter { $0 }.count
        guard given == 1 else {
            throw IngestError.invalid([FieldError(field: "identifiers", reason: "give exactly one of profileID, email, phone, externalID")])
        }
        return try self.database.read { db in
            _ = try db.account(request.accountID)
            if let id = request.profileID {
                return try db.profile(accountID: request.accountID, id: id)
            }
            guard let (kind, value) = IdentityResolver.keys(of: request.identifiers).first else {
                throw IngestError.profileNotFound("with that identifier (it is not well formed)")
            }
            guard let id = try Int64.fetchOne(
                db, sql: "SELECT profile_id FROM identity WHERE account_id = ? AND kind = ? AND value = ?",
                arguments: [Int64(request.accountID), kind.rawValue, value])
            else { throw IngestError.profileNotFound("with \(kind) \(value)") }
            return try db.profile(accountID: request.accountID, id: UInt64(id))
        }
    }
}

extension Database {
    /// The profile `id` of the account, following a merge to the survivor.
    func profile(accountID: UInt64, id: UInt64) throws -> Profile {
        guard let row = try Row.fetchOne(
            self, sql: "SELECT id, merged_into, properties, created_at, updated_at FROM profile WHERE id = ? AND account_id = ?",
            arguments: [Int64(id), Int64(accountID)])
        else { throw IngestError.profileNotFound("\(id)") }
        let mergedInto = UInt64(row[1] as Int64)
        if mergedInto != 0 { return try self.profile(accountID: accountID, id: mergedInto) }
        var emails: [String] = []
        var phones: [String] = []
        var externalIDs: [String] = []
        let identities = try Row.fetchAll(
            self, sql: "SELECT kind, value FROM identity WHERE profile_id = ? AND account_id = ? ORDER BY kind, value",
            arguments: [Int64(id), Int64(accountID)])
        for identity in identities {
            switch IdentityKind(rawValue: identity[0]) {
            case .email: emails.append(identity[1])
            case .phone: phones.append(identity[1])
            case .externalID: externalIDs.append(identity[1])
            case nil: break
            }
        }
        let properties = try WireDecoder().decode(ProfileProperties.self, from: row[2] as Data).values
        let merged = try Int64.fetchAll(
            self, sql: "SELECT id FROM profile WHERE merged_into = ? AND account_id = ? ORDER BY id", arguments: [Int64(id), Int64(accountID)])
        return Profile(
            id: id, accountID: accountID, emails: emails, phones: phones, externalIDs: externalIDs, properties: properties,
            mergedProfileIDs: merged.map(UInt64.init), createdAt: Date(timeIntervalSince1970: row[3]), updatedAt: Date(timeIntervalSince1970: row[4]))
    }
}
