import SextantRPC
import SextantWire
import NIOCore
import Ingest
import HTTPTypes
import Crypto
import Foundation
@testable import Gateway
import SextantContracts
import Testing

@Suite struct APIKeyStoreTests {
    @Test func secretsAreRandomShownOnceAndStoredOnlyAsAHash() throws {
        let harness = try GatewayHarness()
        let created = try harness.keys.create(accountID: 7, role: .readOnly, name: "reporting")
        #expect(created.secret.hasPrefix("sxt_\(created.key.id)_"))
        #expect(created.secret.count == 4 + 12 + 1 + 43)
        #expect(APIKeySecret(parsing: created.secret)?.id == created.key.id)
        let other = try harness.keys.create(accountID: 7, role: .readOnly, name: "reporting")
        #expect(other.secret != created.secret && other.key.id != created.key.id)

        // The database file holds the hash, never the secret or its random part.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: harness.directory + "/gateway.sqlite"))
        let walBytes = (try? Data(contentsOf: URL(fileURLWithPath: harness.directory + "/gateway.sqlite-wal"))) ?? Data()
        let random = Data(created.secret.suffix(43).utf8)
        #expect(bytes.range(of: random) == nil && walBytes.range(of: random) == nil)
        let hash = Data(SHA256.hash(data: Data(created.secret.utf8)))
        #expect(bytes.range(of: hash) != nil || walBytes.range(of: hash) != nil)

        #expect(try harness.keys.authenticate(secret: created.secret)?.id == created.key.id)
        #expect(try harness.keys.list(accountID: 7).map(\.id) == [created.key.id, other.key.id])
    }

    @Test func wrongMalformedAndRevokedSecretsFail() throws {
        let harness = try GatewayHarness()
        let created = try harness.keys.create(accountID: 1, role: .admin, name: "a")
        var tampered = Array(created.secret)
        tampered[tampered.count - 1] = tampered.last == "a" ? "b" : "a"
        #expect(try harness.keys.authenticate(secret: String(tampered)) == nil)
        #expect(try harness.keys.authenticate(secret: "") == nil)
        #expect(try harness.keys.authenticate(secret: "sxt_") == nil)
        #expect(try harness.keys.authenticate(secret: created.secret + "x") == nil)
        #expect(try harness.keys.authenticate(secret: created.secret.replacingOccurrences(of: "sxt_", with: "sxk_")) == nil)

        let revoked = try harness.keys.revoke(id: created.key.id)
        #expect(revoked.revokedAt != nil)
        #expect(try harness.keys.authenticate(secret: created.secret) == nil)
        // Revoking again changes nothing.
        #expect(try harness.keys.revoke(id: created.key.id).revokedAt == revoked.revokedAt)
        #expect(throws: APIKeyStoreError.keyNotFound("nope")) { try harness.keys.revoke(id: "nope") }
    }

    @Test func rolesAndAccountsMustFit() throws {
        let harness = try GatewayHarness()
        #expect(throws: APIKeyStoreError.accountMismatch(role: "operator")) { try harness.keys.create(accountID: 1, role: .operator, name: "x") }
        #expect(throws: APIKeyStoreError.accountMismatch(role: "admin")) { try harness.keys.create(accountID: nil, role: .admin, name: "x") }
        #expect(throws: APIKeyStoreError.invalidName) { try harness.keys.create(accountID: 1, role: .admin, name: "  ") }
        #expect(throws: APIKeyStoreError.invalidName) { try harness.keys.create(accountID: 1, role: .admin, name: String(repeating: "n", count: 101)) }
        #expect(try !harness.keys.hasValidOperatorKey())
        let op = try harness.keys.create(accountID: nil, role: .operator, name: "bootstrap")
        #expect(try harness.keys.hasValidOperatorKey())
        #expect(try harness.keys.list(accountID: nil).map(\.id) == [op.key.id])
        try harness.keys.revoke(id: op.key.id)
        #expect(try !harness.keys.hasValidOperatorKey())
    }

    @Test func lastUsedIsRecorded() async throws {
        let harness = try GatewayHarness()
        let created = try harness.keys.create(accountID: 1, role: .admin, name: "a")
        #expect(try harness.keys.key(id: created.key.id)?.lastUsedAt == nil)
        _ = try harness.keys.authenticate(secret: created.secret)
        // Recorded in the background, off the request's path: bounded wait.
        var recorded = false
        for _ in 0..<500 where !recorded {
            recorded = try harness.keys.key(id: created.key.id)?.lastUsedAt != nil
            if !recorded { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(recorded)
    }

    @Test func constantTimeComparison() {
        #expect(APIKeySecret.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!APIKeySecret.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!APIKeySecret.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
