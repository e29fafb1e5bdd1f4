public import Foundation
public import SextantWire

/// One customer of one account.
public struct Profile: Codable, Sendable, Hashable {
    public var id: UInt64
    public var accountID: UInt64
    /// Every identifier that finds this profile (lower-cased emails, E.164 phones, external ids).
    public var emails: [String]
    public var phones: [String]
    public var externalIDs: [String]
    public var properties: [String: JSONValue]
    /// Profiles merged into this one, oldest id first. Reads by their ids or identifiers give this profile.
    public var mergedProfileIDs: [UInt64]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UInt64, accountID: UInt64, emails: [String], phones: [String], externalIDs: [String],
        properties: [String: JSONValue], mergedProfileIDs: [UInt64], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.emails = emails
        self.phones = phones
        self.externalIDs = externalIDs
        self.properties = properties
        self.mergedProfileIDs = mergedProfileIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, emails, phones, externalIDs, properties, mergedProfileIDs, createdAt, updatedAt
    }
}

/// Creates or updates the profile the identifiers name (merging profiles when they name several).
/// Properties are set key by key; a `null` value removes the key.
public struct UpsertProfileRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var identifiers: ProfileIdentifiers
    public var properties: [String: JSONValue]

    public init(accountID: UInt64, identifiers: ProfileIdentifiers, properties: [String: JSONValue] = [:]) {
        self.accountID = accountID
        self.identifiers = identifiers
        self.properties = properties
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, identifiers, properties }
}

/// Finds a profile by id or by any one identifier (exactly one of the four must be given).
public struct GetProfileRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var profileID: UInt64?
    public var identifiers: ProfileIdentifiers

    public init(accountID: UInt64, profileID: UInt64? = nil, identifiers: ProfileIdentifiers = ProfileIdentifiers()) {
        self.accountID = accountID
        self.profileID = profileID
        self.identifiers = identifiers
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, profileID, identifiers }
}

/// Two profiles became one: history of `merged` follows `survivor`.
public struct ProfileMerge: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var survivor: UInt64
    public var merged: UInt64
    public var at: Date

    public init(accountID: UInt64, survivor: UInt64, merged: UInt64, at: Date) {
        self.accountID = accountID
        self.survivor = survivor
        self.merged = merged
        self.at = at
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, survivor, merged, at }
}
