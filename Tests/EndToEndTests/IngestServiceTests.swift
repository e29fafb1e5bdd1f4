import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import Testing

/// ingest-service as a real process over loopback mutual TLS.
@Suite(.serialized) struct IngestServiceTests {
    @Test(arguments: IngestStorage.available) func batchAndStreamIngestThenSubscribe(_ storage: IngestStorage) async throws {
        let harness = try IngestServiceHarness(storage: storage)
        try await harness.start()
        let client = try harness.client()
        #expect(try await client.unary(Health.check, HealthCheckRequest()).status == .serving)
        let account = try await client.unary(IngestService.createAccount, CreateAccountRequest(name: "Shop", currency: "USD"))

        let batch = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: (0..<100).map { orderEvent($0) }))
        #expect(batch.stored == 100)

        // Bulk: ten batches on one stream, each acknowledged in order once durable.
        let acks = try await client.bidirectional(IngestService.trackEventStream) { writer in
            for index in 1...10 {
                try await writer.write(TrackEventsRequest(accountID: account.id, events: (index * 100..<(index + 1) * 100).map { orderEvent($0) }))
            }
        } responses: { stream in
            var acks: [TrackEventsResponse] = []
            for try await response in stream { acks.append(response) }
            return acks
        }
        #expect(acks.count == 10 && acks.allSatisfy { $0.stored == 100 })
        #expect(acks.map(\.head) == acks.map(\.head).sorted())

        let events = try await client.loggedEvents(accountID: account.id)
        #expect(events.count == 1_100)
        #expect(events.map(\.uniqueID) == (0..<1_100).map { "order-\($0)" })
        // From the middle.
        let middle = try await client.logEntries(after: events[599].position, accountID: account.id)
        #expect(middle.map(\.position) == events[600...].map(\.position))
        let head = try await client.unary(IngestService.logHead, LogHeadRequest(accountID: account.id))
        #expect(head.position == events.last?.position)
        // One event by id.
        let one = try await client.unary(IngestService.getEvent, GetEventRequest(accountID: account.id, position: events[5].position))
        #expect(one == events[5])
        // SIGTERM: a graceful stop with exit status 0.
        #expect(await harness.process?.stop() == 0)
        await harness.shutdown()
    }

    @Test(arguments: IngestStorage.available) func liveTailAndResumeAfterARestart(_ storage: IngestStorage) async throws {
        let harness = try IngestServiceHarness(storage: storage)
        try await harness.start()
        let account = try await harness.client().unary(IngestService.createAccount, CreateAccountRequest(name: "Shop"))
        let writer = try harness.client()
        _ = try await writer.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: (0..<10).map { orderEvent($0) }))

        // A follower receives the stored events, then new ones as they are committed.
        let follower = try harness.client(as: .insightsService)
        let received = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            group.addTask {
                try await follower.serverStreaming(IngestService.subscribe, SubscribeRequest(after: 0, accountID: account.id, follow: true)) { stream in
                    var positions: [UInt64] = []
                    for try await batch in stream {
                        positions += batch.entries.map(\.position)
                        if positions.count >= 31 { break }  // the account entry and 30 events
                    }
                    return positions
                }
            }
            for round in 1...2 {
                try await Task.sleep(for: .milliseconds(100))
                _ = try await writer.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: (round * 10..<(round + 1) * 10).map { orderEvent($0) }))
            }
            return try await group.next()!
        }
        #expect(received.count == 31)
        #expect(received == received.sorted())

        // The subscriber remembers position 16, the service restarts, the subscriber resumes there.
        let remembered = received[15]
        await harness.process?.kill()
        try await harness.start()
        let resumed = try await harness.client(as: .insightsService).logEntries(after: remembered, accountID: account.id)
        #expect(resumed.map(\.position) == Array(received[16...]))
        await harness.shutdown()
    }

    @Test func shutdownEndsFollowingSubscriptionsPromptly() async throws {
        let harness = try IngestServiceHarness()
        try await harness.start()
        let account = try await harness.client().unary(IngestService.createAccount, CreateAccountRequest(name: "Shop"))
        let follower = try harness.client(as: .attributionService)
        let (served, serving) = AsyncStream<Void>.makeStream()
        let subscription = Task {
            defer { serving.finish() }
            return try await follower.serverStreaming(IngestService.subscribe, SubscribeRequest(after: 0, accountID: account.id, follow: true)) { stream in
                var count = 0
                for try await batch in stream {
                    count += batch.entries.count
                    serving.yield()
                }
                return count
            }
        }
        // Stopped once the subscription is being served (its first batch arrived): a subscribe
        // that reaches a server already going away is refused, rightly, and is not this test.
        for await _ in served { break }
        let start = ContinuousClock.now
        #expect(await harness.process?.stop() == 0)
        #expect(ContinuousClock.now - start < .seconds(5), "the 10 s grace period is not needed")
        #expect(try await subscription.value == 1, "the subscriber got the account entry and a normal end")
        await harness.shutdown()
    }

    @Test func callersAndLimitsAreEnforcedOverTheNetwork() async throws {
        let harness = try IngestServiceHarness()
        try await harness.start()
        let client = try harness.client()
        let account = try await client.unary(IngestService.createAccount, CreateAccountRequest(name: "Shop"))
        // Only the gateway and the admin tool write.
        await #expect { _ = try await harness.client(as: .billingService).unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: [orderEvent(1)])) } throws: { error in
            (error as? RPCError)?.code == .permissionDenied
        }
        // A request over 5 MiB is refused whole, and nothing is stored.
        let big = String(repeating: "x", count: 90_000)
        let huge = (0..<60).map { index -> EventInput in
            var event = orderEvent(index)
            event.properties["note"] = .string(big)
            return event
        }
        await #expect { _ = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: huge)) } throws: { error in
            (error as? RPCError)?.code == .resourceExhausted
        }
        // A bad event is reported by index and field; the good one is stored.
        var bad = orderEvent(2)
        bad.profile = ProfileIdentifiers(phone: "12345")
        let mixed = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: [orderEvent(1), bad]))
        #expect(mixed.outcomes.map(\.status) == [.stored, .rejected])
        #expect(mixed.outcomes[1].errors.map(\.field) == ["profile.phone"])
        #expect(try await client.loggedEvents(accountID: account.id).map(\.uniqueID) == ["order-1"])
        await #expect { _ = try await client.unary(IngestService.getAccount, AccountRef(accountID: 999)) } throws: { error in
            (error as? RPCError)?.code == .notFound
        }
        await harness.shutdown()
    }
}
