import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import Synchronization
import Testing

/// The durability promise, tested the hard way: a real ingest-service is killed with SIGKILL
/// while a client streams events; the client retries everything not acknowledged, with the
/// same unique ids. Afterwards every acknowledged event is in the log exactly once, at the
/// position it was acknowledged with, and nothing is there twice.
@Suite(.serialized) struct IngestCrashTests {
    /// What the client knows: which event (by index) was acknowledged at which position.
    final class Acknowledgements: Sendable {
        private let positions = Mutex([Int: UInt64]())
        func record(_ response: TrackEventsResponse, firstEvent: Int) {
            self.positions.withLock { positions in
                for (offset, outcome) in response.outcomes.enumerated() where outcome.status == .stored || outcome.status == .duplicate {
                    let index = firstEvent + offset
                    if let earlier = positions[index] { precondition(earlier == outcome.position, "event \(index) acknowledged at two positions") }
                    positions[index] = outcome.position
                }
            }
        }
        var snapshot: [Int: UInt64] { self.positions.withLock { $0 } }
    }

    @Test(arguments: IngestStorage.available) func killedMidStreamLosesNothingAcknowledgedAndStoresNothingTwice(_ storage: IngestStorage) async throws {
        let eventCount = 8_000
        let batchSize = 200
        let events = (0..<eventCount).map { orderEvent($0, email: "buyer-\($0 % 50)@example.com") }
        let harness = try IngestServiceHarness(storage: storage)
        try await harness.start()
        let account = try await harness.client().unary(IngestService.createAccount, CreateAccountRequest(name: "Crash"))
        let acknowledged = Acknowledgements()
        var generator = SplitMix64(seed: 20_261_127)
        var kills = 0

        // Bounded: each round either finishes every batch or is cut short by a kill.
        for round in 0..<12 {
            let pending = stride(from: 0, to: eventCount, by: batchSize).filter { start in
                let known = acknowledged.snapshot
                return (start..<min(start + batchSize, eventCount)).contains { known[$0] == nil }
            }
            if pending.isEmpty { break }
            let client = try harness.client()
            let killAfter: Duration? = kills < 4 ? .milliseconds(Int(40 + generator.next() % 200)) : nil
            let process = harness.process
            let killer = Task {
                guard let killAfter else { return false }
                try await Task.sleep(for: killAfter)
                await process?.kill()
                return true
            }
            do {
                try await client.bidirectional(IngestService.trackEventStream) { writer in
                    for start in pending {
                        try await writer.write(TrackEventsRequest(accountID: account.id, events: Array(events[start..<min(start + batchSize, eventCount)])))
                    }
                } responses: { stream in
                    var index = 0
                    for try await response in stream {
                        acknowledged.record(response, firstEvent: pending[index])
                        index += 1
                    }
                }
            } catch {
                // The server died under the stream: whatever was not acknowledged is retried.
            }
            if try await killer.value { kills += 1 }
            if !(harness.process?.isRunning ?? false) {
                try await harness.start()
            }
            print("crash test round \(round): \(pending.count) batches sent, \(acknowledged.snapshot.count) events acknowledged so far")
        }

        let known = acknowledged.snapshot
        #expect(kills >= 3, "the test must actually kill the server")
        #expect(known.count == eventCount, "every event was eventually acknowledged")
        let logged = try await harness.client().loggedEvents(accountID: account.id)
        let byUniqueID = Dictionary(grouping: logged, by: { $0.uniqueID ?? "" })
        #expect(logged.count == eventCount, "nothing stored twice, nothing lost")
        #expect(byUniqueID.values.allSatisfy { $0.count == 1 })
        for (index, position) in known {
            #expect(byUniqueID["order-\(index)"]?.first?.position == position, "event \(index) is where it was acknowledged")
        }
        await harness.shutdown()
    }
}

/// A small seeded generator, so a failing run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
