import Foundation
@testable import Gateway
import SextantContracts
import PostgresNIO
import SextantPostgres
import SextantStore
import Testing

/// The key rules on both storages: the gateway's SQLite file and its PostgreSQL schema (on the
/// server scripts/test.sh starts; `SEXTANT_TEST_POSTGRES_URL`).
@Suite struct APIKeyStorageTests {
    static let postgresURL = ProcessInfo.processInfo.environment["SEXTANT_TEST_POSTGRES_URL"]

    @Test func sqlite() async throws {
        let directory = NSTemporaryDirectory() + "sextant-keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await Self.exercise(try APIKeyStore.open(path: directory + "/gateway.sqlite", durability: .normal))
    }

    @Test(.enabled(if: postgresURL != nil, "needs SEXTANT_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
    func postgres() async throws {
        let settings = try PostgresSettings(url: Self.postgresURL!, schema: "test_keys_" + UUID().uuidString.prefix(8).lowercased())
        let keys = try await PostgresAPIKeyStore.open(settings)
        do {
            try await Self.exercise(keys)
            // Only the hash is stored.
            let rows = try await keys.store.query("SELECT count(*) FILTER (WHERE octet_length(secret_hash) = 32), count(*) FROM api_key")
            let (hashed, all) = try #require(rows.first).decode((Int, Int).self)
            #expect(hashed == 5 && all == 5)
        } catch {
            _ = try? await keys.store.query(.init(unsafeSQL: "DROP SCHEMA \(settings.schema) CASCADE"))
            await keys.close()
            throw error
        }
        _ = try? await keys.store.query(.init(unsafeSQL: "DROP SCHEMA \(settings.schema) CASCADE"))
        await keys.close()
        // Opening an existing schema again migrates nothing and finds the keys: covered above by
        // the store's own tests (SextantPostgresTests).
    }

    /// Every rule a key store keeps, whatever the storage.
    static func exercise(_ keys: any APIKeyStorage) async throws {
        // Secrets: sxt_<id>_<43 random characters>, different each time; only the hash is kept.
        let created = try await keys.create(accountID: 7, role: .readOnly, name: "reporting")
        #expect(created.secret.hasPrefix("sxt_\(created.key.id)_") && created.secret.count == 4 + 12 + 1 + 43)
        let other = try await keys.create(accountID: 7, role: .readOnly, name: "reporting")
        #expect(other.secret != created.secret && other.key.id != created.key.id)
        #expect(try await keys.authenticate(secret: created.secret)?.id == created.key.id)
        #expect(try await keys.list(accountID: 7).map(\.id) == [created.key.id, other.key.id])
        #expect(try await keys.key(id: created.key.id)?.name == "reporting")
        #expect(try await keys.list(accountID: 8).isEmpty)

        // Wrong, malformed and revoked secrets fail.
        var tampered = Array(created.secret)
        tampered[tampered.count - 1] = tampered.last == "a" ? "b" : "a"
        #expect(try await keys.authenticate(secret: String(tampered)) == nil)
        for bad in ["", "sxt_", created.secret + "x", created.secret.replacingOccurrences(of: "sxt_", with: "sxk_")] {
            #expect(try await keys.authenticate(secret: bad) == nil, "\(bad)")
        }
        let revoked = try await keys.revoke(id: created.key.id)
        #expect(revoked.revokedAt != nil)
        #expect(try await keys.authenticate(secret: created.secret) == nil)
        #expect(try await keys.revoke(id: created.key.id).revokedAt == revoked.revokedAt)
        await #expect(throws: APIKeyStoreError.keyNotFound("nope")) { try await keys.revoke(id: "nope") }
        #expect(try await keys.list(accountID: 7).count == 2)

        // Roles and accounts must fit; names are 1 to 100 characters, not blank.
        await #expect(throws: APIKeyStoreError.accountMismatch(role: "operator")) { try await keys.create(accountID: 1, role: .operator, name: "x") }
        await #expect(throws: APIKeyStoreError.accountMismatch(role: "admin")) { try await keys.create(accountID: nil, role: .admin, name: "x") }
        await #expect(throws: APIKeyStoreError.invalidName) { try await keys.create(accountID: 1, role: .admin, name: "  ") }
        await #expect(throws: APIKeyStoreError.invalidName) { try await keys.create(accountID: 1, role: .admin, name: String(repeating: "n", count: 101)) }

        // The operator key.
        #expect(try await !keys.hasValidOperatorKey())
        let op = try await keys.create(accountID: nil, role: .operator, name: "bootstrap")
        #expect(try await keys.hasValidOperatorKey())
        #expect(try await keys.list(accountID: nil).map(\.id) == [op.key.id])
        try await keys.revoke(id: op.key.id)
        #expect(try await !keys.hasValidOperatorKey())

        // Account ids use all 64 bits.
        let big = try await keys.create(accountID: UInt64.max - 1, role: .admin, name: "big")
        #expect(try await keys.authenticate(secret: big.secret)?.accountID == UInt64.max - 1)

        // The last use is recorded in the background, off the request's path (bounded wait).
        let used = try await keys.create(accountID: 1, role: .admin, name: "used")
        #expect(try await keys.key(id: used.key.id)?.lastUsedAt == nil)
        _ = try await keys.authenticate(secret: used.secret)
        var recorded = false
        for _ in 0..<500 where !recorded {
            recorded = try await keys.key(id: used.key.id)?.lastUsedAt != nil
            if !recorded { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(recorded)
    }
}
