import Foundation
import Ingest
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantTesting
import SextantWire
import Testing

/// The writer's grouping: jobs that share a transaction succeed or fail on their own, and (on
/// PostgreSQL) one process writes a schema's log and survives losing its connection.
@Suite struct WriterGroupTests {
    @Test(arguments: StoreBackend.available) func failingJobsInASharedGroupChangeNothingAndSpareTheOthers(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let tooMany = Dictionary(uniqueKeysWithValues: (0...IngestLimits.properties).map { ("p\($0)", JSONValue.string("x")) })
        // Rounds of concurrent writes, so good and failing jobs land in the same groups.
        for round in 0..<4 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<6 {
                    group.addTask {
                        let email = "r\(round)-w\(writer)@example.com"
                        switch writer % 3 {
                        case 0:
                            let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
                                .order(email: email, id: "\(round)-\(writer)"),
                            ]))
                            #expect(response.stored == 1)
                        case 1:
                            // Fails after resolving (creating) its profile: the profile must not remain.
                            await #expect(throws: IngestError.self) {
                                _ = try await temp.store.upsertProfile(UpsertProfileRequest(
                                    accountID: account.id, identifiers: ProfileIdentifiers(email: email), properties: tooMany))
                            }
                        default:
                            await #expect(throws: IngestError.accountNotFound(999)) {
                                _ = try await temp.store.track(TrackEventsRequest(accountID: 999, events: [.order(email: email, id: "x")]))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let events = try await temp.store.events(accountID: account.id)
        #expect(events.count == 8)
        #expect(Set(events.map(\.position)).count == 8)
        // Positions have no holes: failed jobs took none.
        let entries = try await temp.store.allEntries()
        #expect(entries.map(\.0.position) == Array(1...UInt64(entries.count)))
        for round in 0..<4 {
            await #expect(throws: IngestError.self) {
                _ = try await temp.store.profile(GetProfileRequest(
                    accountID: account.id, identifiers: ProfileIdentifiers(email: "r\(round)-w1@example.com")))
            }
        }
    }

    @Test(arguments: StoreBackend.available) func consecutiveGroupsSeeEachOthersChanges(_ backend: StoreBackend) async throws {
        // On PostgreSQL a group is worked out while the one before it is still being written:
        // it must build on that group's changes, not on what the database held before.
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        for round in 0..<3 {
            let older = try await temp.store.upsertProfile(UpsertProfileRequest(
                accountID: account.id, identifiers: ProfileIdentifiers(phone: "+4712345\(round)00")))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Busy groups, so the writes below spread over consecutive ones.
                for writer in 0..<3 {
                    group.addTask {
                        let events = (0..<300).map { EventInput.order(email: "busy-\(writer)-\($0 % 9)@example.com", id: "\(round)-\(writer)-\($0)") }
                        _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: events))
                    }
                }
                // One profile's properties, set key by key from many requests: eight clients,
                // each sending its next request once the last one is answered.
                for client in 0..<8 {
                    group.addTask {
                        for step in 0..<8 {
                            let key = client * 8 + step
                            _ = try await temp.store.upsertProfile(UpsertProfileRequest(
                                accountID: account.id, identifiers: ProfileIdentifiers(email: "same-\(round)@example.com"),
                                properties: ["k\(key)": .string("v\(key)")]))
                        }
                    }
                }
                // A profile created by one request and merged into an older one by the next.
                group.addTask {
                    _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "new-\(round)@example.com", id: "n\(round)")]))
                    _ = try await temp.store.upsertProfile(UpsertProfileRequest(
                        accountID: account.id, identifiers: ProfileIdentifiers(email: "new-\(round)@example.com", phone: "+4712345\(round)00")))
                }
                try await group.waitForAll()
            }
            let same = try await temp.store.profile(GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(email: "same-\(round)@example.com")))
            #expect(Set(same.properties.keys) == Set((0..<64).map { "k\($0)" }))
            let merged = try await temp.store.profile(GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(email: "new-\(round)@example.com")))
            #expect(merged.id == older.id)
            #expect(merged.emails == ["new-\(round)@example.com"] && merged.phones == ["+4712345\(round)00"])
            #expect(merged.mergedProfileIDs.count == 1)
            let byPhone = try await temp.store.profile(GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(phone: "+4712345\(round)00")))
            #expect(byPhone == merged)
        }
        // Heads and positions stay in order with no holes.
        let entries = try await temp.store.allEntries()
        #expect(entries.map(\.0.position) == Array(1...UInt64(entries.count)))
        #expect(try await temp.store.head(accountID: account.id) == UInt64(entries.count))
    }

    @Test(.enabled(if: StoreBackend.postgresURL != nil, "needs SEXTANT_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
    func aSecondProcessCannotWriteTheSameLog() async throws {
        let temp = try await TemporaryStore(.postgres)
        let settings = try PostgresSettings(url: StoreBackend.postgresURL!, schema: temp.schema)
        await #expect {
            _ = try await IngestStore.open(postgres: settings)
        } throws: { error in
            "\(error)".contains("another ingest-service is writing the log in schema \(temp.schema)")
        }
        // The first goes on writing.
        let account = try await temp.account()
        #expect(account.id == 1)
    }

    @Test(.enabled(if: StoreBackend.postgresURL != nil, "needs SEXTANT_TEST_POSTGRES_URL (scripts/test.sh starts a server)"))
    func theWriterReconnectsAfterLosingItsConnectionAndLosesNothing() async throws {
        let temp = try await TemporaryStore(.postgres)
        let account = try await temp.account()
        let first = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        // Ends the writer's session from outside, as a database restart or failover would.
        let settings = try PostgresSettings(url: StoreBackend.postgresURL!, schema: temp.schema)
        let admin = try await PostgresStore.open(settings, migrations: IngestSchema.postgresMigrations)
        defer { Task { await admin.close() } }
        let lock = "sextant-ingest-log:" + temp.schema
        let ended = try await admin.query("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND objid = (hashtext(\(lock))::bigint & 4294967295)::oid AND granted
            """)
        #expect(ended.count == 1)
        // The next writes either fail cleanly (the loss is noticed on them) or succeed; within a
        // few tries the writer is back, and retries store nothing twice.
        var stored: TrackEventsResponse?
        for _ in 0..<20 where stored == nil {
            stored = try? await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
                .order(email: "a@example.com", id: "1"), .order(email: "a@example.com", id: "2"),
            ]))
            if stored == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let response = try #require(stored)
        #expect(response.outcomes.map(\.status) == [.duplicate, .stored])
        #expect(response.outcomes[0].position == first.outcomes[0].position)
        #expect(response.outcomes[1].position == first.head + 1)
        let events = try await temp.store.events(accountID: account.id)
        #expect(events.map(\.uniqueID) == ["1", "2"])
    }
}
