import Billing
import Foundation
import SextantContracts
import SextantTesting
import Testing

/// How fast the store applies the log (the demo loads ~500k events; billing must keep up). Prints
/// the rate; asserts only a floor far below the target so slow CI machines and debug builds pass.
@Suite struct BillingApplyRateTests {
    @Test(arguments: StoreBackend.available) func applyRate(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-06-15T12:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        var generator = SeededGenerator(state: 7)
        let base = instant("2024-06-01T00:00:00Z")
        var entries = [log.account(1, timeZone: "Europe/Berlin", plan: .marketingAnalytics, createdAt: base)]
        let count = 100_000
        for index in 0..<count {
            // 20,000 profiles, a year of history, mostly in time order with some stragglers.
            let profile = UInt64.random(in: 1...20_000, using: &generator)
            var time = base.addingTimeInterval(Double(index) * 300)
            if index % 10 == 0 { time = time.addingTimeInterval(-Double.random(in: 0...(90 * 86_400), using: &generator)) }
            entries.append(log.event(1, profile: profile, at: time))
        }
        let start = ContinuousClock.now
        try await store.apply(entries, batchSize: 1_000)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("billing apply (\(backend)): \(entries.count) entries in \(elapsed): \(Int(Double(entries.count) / seconds)) entries/s")
        #expect(try await store.appliedPosition() == log.position)
        #expect(Double(entries.count) / seconds > 1_000)
    }
}
