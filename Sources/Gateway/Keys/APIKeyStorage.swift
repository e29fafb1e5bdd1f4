public import Foundation
public import SextantContracts

/// Where the gateway keeps its API keys: its SQLite database (``APIKeyStore``, the default) or
/// its schema in PostgreSQL (``PostgresAPIKeyStore``, `--storage postgres`). Both keep only each
/// secret's SHA-256, compare in constant time, keep revoked keys for listing and record a key's
/// last use at most once a minute, off the request's path.
public protocol APIKeyStorage: Sendable {
    /// Creates a key and returns it with its secret (the only time the secret exists outside the client).
    func create(accountID: UInt64?, role: APIKeyRole, name: String) async throws -> CreatedKey
    /// One account's keys, or (nil) the operator keys, oldest first, revoked ones included.
    func list(accountID: UInt64?) async throws -> [KeyInfo]
    /// The key with id `id`, revoked or not.
    func key(id: String) async throws -> KeyInfo?
    /// Revokes the key `id`; revoking a revoked key changes nothing.
    @discardableResult
    func revoke(id: String) async throws -> KeyInfo
    /// The valid (not revoked) key whose secret is `secret`, or nil.
    func authenticate(secret: String) async throws -> KeyInfo?
    /// Whether a valid operator key exists (the executable creates one when not).
    func hasValidOperatorKey() async throws -> Bool
}

extension APIKeyStore: APIKeyStorage {}

/// What both stores check before storing a key.
enum APIKeyRules {
    static func check(accountID: UInt64?, role: APIKeyRole, name: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, name.count <= APIKeyStore.maximumNameLength else { throw APIKeyStoreError.invalidName }
        guard (accountID == nil) == (role == .operator) else { throw APIKeyStoreError.accountMismatch(role: role.name) }
    }
}
