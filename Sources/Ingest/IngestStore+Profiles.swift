public import Foundation
public import SextantContracts
import SextantWire

extension IngestStore {
    /// Creates or updates the profile the identifiers name (merging when they name several),
    /// sets its properties key by key (`null` removes a key) and logs the result.
    public func upsertProfile(_ request: UpsertProfileRequest) async throws -> Profile {
        var problems = EventValidator.problems(in: request.identifiers, field: "identifiers")
        problems += EventValidator.problems(in: request.properties, field: "properties")
        guard problems.isEmpty else { throw IngestError.invalid(problems) }
        try Self.checkStorable(request.accountID)
        let accountID = request.accountID
        let now = self.clock()
        let keys = IdentityResolver.keys(of: request.identifiers)
        return try await self.backend.write(hint: .identifiers(keys.map { IdentityKey(accountID: accountID, kind: $0.0, value: $0.1) })) { transaction in
            _ = try transaction.account(accountID)
            let id = try IdentityResolver(transaction: transaction, accountID: accountID, now: now).resolve(keys)
            var properties = try transaction.properties(accountID: accountID, profile: id)
            for (key, value) in request.properties {
                if value == .null { properties.removeValue(forKey: key) } else { properties[key] = value }
            }
            guard properties.count <= IngestLimits.properties else {
                throw IngestError.invalid([FieldError(
                    field: "properties", reason: "the profile would have \(properties.count) properties; at most \(IngestLimits.properties)")])
            }
            try transaction.setProperties(accountID: accountID, profile: id, properties: try ProfileProperties.encode(properties), at: now)
            let profile = try transaction.profile(accountID: accountID, id: id)
            _ = try transaction.appendLog(accountID: accountID, kind: .profile, body: try WireEncoder().encode(profile))
            return profile
        }
    }

    /// A profile by id or by one identifier. A merged-away profile's id or identifiers give the survivor.
    public func profile(_ request: GetProfileRequest) async throws -> Profile {
        let given = [request.profileID != nil, request.identifiers.email != nil, request.identifiers.phone != nil,
                     request.identifiers.externalID != nil].filter { $0 }.count
        guard given == 1 else {
            throw IngestError.invalid([FieldError(field: "identifiers", reason: "give exactly one of profileID, email, phone, externalID")])
        }
        _ = try await self.account(request.accountID)
        if let id = request.profileID {
            guard id <= UInt64(Int64.max) else { throw IngestError.profileNotFound("\(id)") }
            return try await self.backend.profile(accountID: request.accountID, id: id)
        }
        guard let (kind, value) = IdentityResolver.keys(of: request.identifiers).first else {
            throw IngestError.profileNotFound("with that identifier (it is not well formed)")
        }
        guard let id = try await self.backend.identityOwner(IdentityKey(accountID: request.accountID, kind: kind, value: value)) else {
            throw IngestError.profileNotFound("with \(kind) \(value)")
        }
        return try await self.backend.profile(accountID: request.accountID, id: id)
    }
}
