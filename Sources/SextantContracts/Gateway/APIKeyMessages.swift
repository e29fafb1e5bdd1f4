public import Foundation

/// What an API key may do. Account keys (`admin`, `readOnly`, `ingestOnly`) act on their own
/// account only; `operator` keys belong to no account and administer the suite.
public enum APIKeyRole: UInt8, Codable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Suite-wide: create and list accounts, manage any account's keys. No customer data.
    case `operator` = 1
    /// Everything in its account, keys and plan changes included.
    case admin = 2
    /// Reads of its account.
    case readOnly = 3
    /// Sends events and profile upserts to its account; reads nothing.
    case ingestOnly = 4

    /// The name used in JSON and on the command line: "operator", "admin", "read-only", "ingest-only".
    public var name: String {
        switch self {
        case .operator: "operator"
        case .admin: "admin"
        case .readOnly: "read-only"
        case .ingestOnly: "ingest-only"
        }
    }

    /// The role named `name` (as in ``name``), or nil.
    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    /// Whether keys of this role belong to one account.
    public var isAccountScoped: Bool { self != .operator }

    public var description: String { self.name }
}

/// An API key as stored, without its secret (only a hash of the secret is kept).
public struct KeyInfo: Codable, Sendable, Hashable {
    /// The key's public id; it is also part of the secret (`sxt_<id>_<random>`).
    public var id: String
    /// The account the key acts on; nil for an operator key.
    public var accountID: UInt64?
    public var role: APIKeyRole
    /// The owner's label, e.g. "shop backend".
    public var name: String
    public var createdAt: Date
    /// Roughly when the key last authenticated a request (updated at most once a minute); nil if never.
    public var lastUsedAt: Date?
    /// When the key was revoked; nil while it is valid.
    public var revokedAt: Date?

    public init(
        id: String, accountID: UInt64?, role: APIKeyRole, name: String, createdAt: Date, lastUsedAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.role = role
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: Int, CodingKey { case id = 1, accountID, role, name, createdAt, lastUsedAt, revokedAt }
}

/// Creates a key: an operator key (no account, role `operator`) or a key of one account.
public struct CreateKeyRequest: Codable, Sendable, Hashable {
    /// The account; nil exactly when `role` is `operator`.
    public var accountID: UInt64?
    public var role: APIKeyRole
    /// 1 to 100 characters.
    public var name: String

    public init(accountID: UInt64?, role: APIKeyRole, name: String) {
        self.accountID = accountID
        self.role = role
        self.name = name
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, role, name }
}

/// A new key and its secret. The secret is not stored anywhere and cannot be shown again.
public struct CreatedKey: Codable, Sendable, Hashable {
    public var key: KeyInfo
    /// `sxt_<id>_<43 base62 characters>`: what a client sends as `Authorization: Bearer <secret>`.
    public var secret: String

    public init(key: KeyInfo, secret: String) {
        self.key = key
        self.secret = secret
    }

    enum CodingKeys: Int, CodingKey { case key = 1, secret }
}

/// Lists one account's keys, or (no account) the operator keys.
public struct ListKeysRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64?

    public init(accountID: UInt64? = nil) { self.accountID = accountID }

    enum CodingKeys: Int, CodingKey { case accountID = 1 }
}

/// Keys in creation order.
public struct KeyList: Codable, Sendable, Hashable {
    public var keys: [KeyInfo]

    public init(keys: [KeyInfo]) { self.keys = keys }

    enum CodingKeys: Int, CodingKey { case keys = 1 }
}

public struct RevokeKeyRequest: Codable, Sendable, Hashable {
    public var keyID: String

    public init(keyID: String) { self.keyID = keyID }

    enum CodingKeys: Int, CodingKey { case keyID = 1 }
}
