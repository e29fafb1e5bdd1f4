import Foundation
import Ingest
import SextantContracts
import SextantTesting
import SextantWire
import Testing

@Suite struct SubscriptionTests {
    @Test(arguments: StoreBackend.available) func deliversFromAPositionInBatchesThenStops(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let events = (0..<25).map { EventInput.order(email: "a@example.com", id: "\($0)") }
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: events))
        let positions = response.outcomes.map(\.position)

        var batches: [LogBatch] = []
        try await LogSubscription(store: temp.store, request: SubscribeRequest(after: 0, follow: false, batchSize: 10)).run { batches.append($0) }
        #expect(batches.map(\.entries.count) == [10, 10, 6])  // the account entry, then 25 events
        #expect(batches.flatMap(\.entries).map(\.position) == Array(1...26))
        #expect(batches.last?.head == positions.last)

        var middle: [LogEntry] = []
        try await LogSubscription(store: temp.store, request: SubscribeRequest(after: positions[19], accountID: account.id, follow: false))
            .run { middle += $0.entries }
        #expect(middle.map(\.position) == Array(positions[20...]))
    }

    @Test(arguments: StoreBackend.available) func followsNewEntriesLiveAndOnlyTheAccountsOwn(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let other = try await temp.account(CreateAccountRequest(name: "Other"))
        let received = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            group.addTask {
                var positions: [UInt64] = []
                do {
                    try await LogSubscription(store: temp.store, request: SubscribeRequest(after: 0, accountID: account.id, follow: true)).run { batch in
                        positions += batch.entries.map(\.position)
                        if positions.count >= 4 { throw CancellationError() }
                    }
                } catch is CancellationError {}
                return positions
            }
            for index in 0..<3 {
                try await Task.sleep(for: .milliseconds(20))
                _ = try await temp.store.track(TrackEventsRequest(accountID: other.id, events: [.order(email: "o@example.com", id: "\(index)")]))
                _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "\(index)")]))
            }
            return try await group.next()!
        }
        let expected = try await temp.store.allEntries(accountID: account.id).map(\.0.position)
        #expect(received == expected)
        #expect(received.count == 4)
    }

    @Test(arguments: StoreBackend.available) func batchesStopAtAboutOneMebibyteOfBodies(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let note = JSONValue.string(String(repeating: "n", count: 90_000))
        let events = (0..<40).map { index -> EventInput in
            var event = EventInput.order(email: "a@example.com", id: "\(index)")
            event.properties["note"] = note
            return event
        }
        _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: events))
        var batches: [LogBatch] = []
        try await LogSubscription(store: temp.store, request: SubscribeRequest(after: 0, accountID: account.id, follow: false)).run { batches.append($0) }
        #expect(batches.flatMap(\.entries).count == 41)
        #expect(batches.count >= 4)
        for batch in batches {
            let bytes = batch.entries.map(\.body.count).reduce(0, +)
            #expect(bytes < LogSubscription.batchBytes + 100_000)
        }
    }

    @Test(arguments: StoreBackend.available) func followingSubscriptionsEndWhenTheStoreEndsThem(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let task = Task {
            var delivered = 0
            try await LogSubscription(store: temp.store, request: SubscribeRequest(after: 0, follow: true)).run { delivered += $0.entries.count }
            return delivered
        }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        try await Task.sleep(for: .milliseconds(50))
        temp.store.endSubscriptions()
        #expect(try await task.value == 2)  // the account entry and the event, then a normal end
    }

    @Test(arguments: StoreBackend.available) func aFollowingSubscriptionEndsWhenCancelled(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        _ = try await temp.account()
        let task = Task {
            try await LogSubscription(store: temp.store, request: SubscribeRequest(after: 0, follow: true)).run { _ in }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        try await task.value  // returns instead of hanging
    }
}
