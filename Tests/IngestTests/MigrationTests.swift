import Foundation
import GRDB
import Ingest
import SextantContracts
import SextantStore
import SextantWire
import Testing

@Suite struct MigrationTests {
    /// A database written by the first schema (idempotency keys ordered by profile) opens with
    /// the current one, and what it stored stays a duplicate.
    @Test func aVersionOneDatabaseIsMigratedAndKeepsItsKeys() async throws {
        let directory = NSTemporaryDirectory() + "sextant-migration-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/ingest.sqlite"

        // Version 1, filled the way the first release stored one event.
        let old = try DatabaseQueue(path: path)
        try IngestSchema.migrations.apply(to: old, through: 1)
        let now = Date(timeIntervalSince1970: 1_793_534_400)
        let account = Account(
            id: 1, name: "Old", timeZone: "UTC", currency: "USD", plan: .email, customerHubActive: false,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: now, updatedAt: now)
        let event = LoggedEvent(
            position: 2, accountID: 1, profileID: 1, metric: "Placed Order", time: now, receivedAt: now, value: 5,
            uniqueID: "order-1", properties: [:])
        try await old.write { db in
            try db.execute(sql: "INSERT INTO account (id, body) VALUES (1, ?)", arguments: [Data(try WireEncoder().encode(account))])
            try db.execute(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (1, 1, 2, ?)", arguments: [Data(try WireEncoder().encode(account))])
            try db.execute(sql: "INSERT INTO log (position, account_id, kind, body) VALUES (2, 1, 1, ?)", arguments: [Data(try WireEncoder().encode(event))])
            try db.execute(sql: "INSERT INTO profile (id, account_id, properties, created_at, updated_at) VALUES (1, 1, ?, 0, 0)",
                           arguments: [Data(try WireEncoder().encode(StoredProperties(values: ["tier": "gold"])))])
            try db.execute(sql: "INSERT INTO identity (account_id, kind, value, profile_id) VALUES (1, 1, 'a@example.com', 1)")
            try db.execute(sql: "INSERT INTO event_key (account_id, profile_id, metric, unique_key, position) VALUES (1, 1, 'Placed Order', 'u:order-1', 2)")
        }
        try old.close()

        let store = try IngestStore.open(path: path, durability: .normal, clock: { now })
        let retry = try await store.track(TrackEventsRequest(accountID: 1, events: [
            EventInput(metric: "Placed Order", profile: ProfileIdentifiers(email: "a@example.com"), time: now, value: 5, uniqueID: "order-1"),
        ]))
        #expect(retry.outcomes.map(\.status) == [.duplicate])
        #expect(retry.outcomes.first?.position == 2)
        await #expect(try store.head() == 2)
        await #expect(try store.profile(GetProfileRequest(accountID: 1, identifiers: ProfileIdentifiers(email: "a@example.com"))).properties == ["tier": "gold"])
    }

    /// How version 1 stored a profile's properties (field 1: the properties object).
    struct StoredProperties: Encodable {
        var values: [String: JSONValue]
        enum CodingKeys: Int, CodingKey { case values = 1 }
    }
}
