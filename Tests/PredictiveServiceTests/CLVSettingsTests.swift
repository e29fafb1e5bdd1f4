import Foundation
@testable import PredictiveService
import SextantContracts
import SextantRPC
import SextantStore
import SextantWire
import Synchronization
import Testing

/// Reads `entries` as ingest's per-account `Subscribe` (follow: false) would, `batch` at a time.
/// `failAfter`: throw (as an unreachable ingest) once that many batches were handed over.
func logReader(_ entries: [LogEntry], batch: Int = 2, failAfter: Int? = nil) -> PredictiveStore.LogReader {
    { account, after, handle in
        let mine = entries.filter { $0.accountID == account && $0.position > after }
        var handed = 0
        let head = entries.filter { $0.accountID == account }.last?.position ?? 0
        for start in stride(from: 0, to: mine.count, by: batch) {
            if let failAfter, handed >= failAfter { throw RPCError(code: .unavailable, message: "ingest-service is down") }
            handed += 1
            guard try await handle(Array(mine[start..<min(mine.count, start + batch)])) else { return head }
        }
        return head
    }
}

@Suite struct CLVSettingsTests {
    static let web: [String: JSONValue] = ["source": "web"]
    static let pos: [String: JSONValue] = ["source": "pos"]

    /// Account 1 with four custom metrics and orders from the web, the till and an offline feed.
    static func shop() -> (entries: [LogEntry], log: LogBuilder) {
        var log = LogBuilder()
        let entries = [
            log.account(1),
            log.customMetric(1, id: 1, "Online orders", sources: [
                CustomMetricSource(metric: "Placed Order", filters: [PropertyFilter(property: "source", op: .notEquals, operand: "pos")]),
            ], aggregation: .value(property: nil)),
            log.customMetric(1, id: 2, "All sales", sources: [
                CustomMetricSource(metric: "Placed Order"), CustomMetricSource(metric: "Offline Sale"),
            ], aggregation: .value(property: "amount")),
            log.customMetric(1, id: 3, "Order count", sources: [CustomMetricSource(metric: "Placed Order")], aggregation: .count),
            log.customMetric(1, id: 4, "Cancellations", sources: [CustomMetricSource(metric: "Cancelled Order")], aggregation: .value(property: nil)),
            log.event(1, profile: 1, "Placed Order", at: daysAgo(30), value: 50, order: "A", properties: Self.web.merging(["amount": 50]) { $1 }),
            log.event(1, profile: 2, "Placed Order", at: daysAgo(20), value: 20, order: "B", properties: Self.pos.merging(["amount": 20]) { $1 }),
            log.event(1, profile: 3, "Offline Sale", at: daysAgo(10), order: "C", properties: ["amount": "30.50"]),
            log.event(1, profile: 1, "Placed Order", at: daysAgo(5), value: 15, order: "D", properties: Self.pos.merging(["amount": 15]) { $1 }),
            log.event(1, profile: 1, "Cancelled Order", at: daysAgo(4), order: "D"),
        ]
        return (entries, log)
    }

    static func historic(_ store: PredictiveStore, _ profile: UInt64) async throws -> (UInt64, Int64) {
        let clv = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: profile), now: now)
        return (clv.historicOrders, clv.historicCLVMinor)
    }

    @Test func aCustomConversionMetricReReadsTheLogAndCountsOnlyItsEvents() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        var (entries, log) = Self.shop()
        try await store.apply(entries)
        // Placed Order by default: the till order counts, the offline sale does not.
        #expect(try await store.settings(accountID: 1) == CLVSettings(accountID: 1, conversionMetricID: nil, conversionMetricName: "Placed Order", horizonDays: 365))
        #expect(try await Self.historic(store, 2) == (1, 2_000))
        #expect(try await Self.historic(store, 3) == (0, 0))

        // Online orders only: until the log is read again, the status says so and nothing is judged.
        let online = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 1)), now: now)
        #expect(online.conversionMetricID == 1 && online.conversionMetricName == "Online orders" && online.horizonDays == 365)
        var status = try await store.status(accountID: 1, now: now)
        #expect(!status.eligible && status.model == nil)
        #expect(status.rebuilding == RebuildProgress(readThrough: 0, target: entries.last!.position))
        #expect(status.missing == ["the orders of the conversion metric \"Online orders\" are being read from the log (entry 0 of 10)"], "\(status.missing)")
        #expect(try await store.rebuildPending(read: logReader(entries), now: { now }) == [1])
        status = try await store.status(accountID: 1, now: now)
        #expect(status.rebuilding == nil && status.settings?.conversionMetricName == "Online orders")
        #expect(status.customersWithOrders == 1 && !status.missing.contains { $0.contains("conversion metric") })
        #expect(try await Self.historic(store, 1) == (1, 5_000))
        #expect(try await Self.historic(store, 2) == (0, 0))

        // New events are judged by the new metric as they arrive.
        let live = [
            log.event(1, profile: 2, "Placed Order", at: daysAgo(2), value: 70, order: "E", properties: Self.web),
            log.event(1, profile: 2, "Placed Order", at: daysAgo(1), value: 90, order: "F", properties: Self.pos),
        ]
        try await store.apply(live)
        entries += live
        #expect(try await Self.historic(store, 2) == (1, 7_000))

        // All sales: the value is the `amount` property, offline sales included; the cancelled
        // order stays cancelled.
        _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 2)), now: now)
        try await store.rebuildPending(read: logReader(entries, batch: 3), now: { now })
        #expect(try await Self.historic(store, 1) == (1, 5_000))
        #expect(try await Self.historic(store, 3) == (1, 3_050))
        // E and F have no `amount`: zero-value orders, left out.
        #expect(try await Self.historic(store, 2) == (1, 2_000))

        // The setting and the conversion survive a restart: live events still use "All sales".
        store = try fixture.open()
        #expect(try await store.settings(accountID: 1).conversionMetricID == 2)
        try await store.apply([log.event(1, profile: 3, "Offline Sale", at: daysAgo(1), order: "G", properties: ["amount": 12])])
        #expect(try await Self.historic(store, 3) == (2, 4_250))

        // Back to Placed Order.
        let back = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .placedOrder), now: now)
        #expect(back.conversionMetricID == nil && back.conversionMetricName == "Placed Order")
        try await store.rebuildPending(read: logReader(entries), now: { now })
        #expect(try await Self.historic(store, 3) == (0, 0))
        #expect(try await Self.historic(store, 2) == (3, 18_000))
    }

    @Test func badSettingsAreRefusedByName() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        try await store.apply(Self.shop().entries)
        await #expect(throws: PredictiveError.customMetricNotFound(account: 1, id: 99)) {
            try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 99)), now: now)
        }
        for (id, words) in [(UInt64(3), "counts events"), (4, "\"Cancelled Order\", which undoes orders")] {
            do {
                _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: id)), now: now)
                Issue.record("custom metric \(id) was accepted")
            } catch let error as PredictiveError {
                #expect(error.rpcError.code == .invalidArgument && error.description.contains(words), "\(error)")
            }
        }
        for horizon: UInt32 in [0, 29, 1_096] {
            await #expect(throws: PredictiveError.invalidSetting("horizonDays: between 30 and 1095 days, not \(horizon)")) {
                try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, horizonDays: horizon), now: now)
            }
        }
        await #expect(throws: PredictiveError.accountNotFound(7)) {
            try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 7, horizonDays: 90), now: now)
        }
        // Nothing changed, nothing to re-read.
        #expect(try await store.settings(accountID: 1).conversionMetricID == nil)
        #expect(try await Self.historic(store, 2) == (1, 2_000))
        #expect(try await store.rebuildPending(read: logReader([]), now: { now }) == [])
    }

    @Test func aReReadThatFailsGoesOnWhereItStopped() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        let entries = Self.shop().entries
        try await store.apply(entries)
        _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 2)), now: now)
        await #expect(throws: PredictiveError.self) { try await store.rebuildPending(read: logReader(entries, batch: 4, failAfter: 1), now: { now }) }
        let status = try await store.status(accountID: 1, now: now)
        #expect(status.rebuilding == RebuildProgress(readThrough: 4, target: 10))
        // After a restart the rest is read, from entry 5 on.
        store = try fixture.open()
        let seen = Mutex<[UInt64]>([])
        let reader = logReader(entries, batch: 4)
        try await store.rebuildPending(read: { account, after, handle in
            seen.withLock { $0.append(after) }
            return try await reader(account, after, handle)
        }, now: { now })
        #expect(seen.withLock { $0 } == [4])
        #expect(try await Self.historic(store, 3) == (1, 3_050))
        #expect(try await Self.historic(store, 1) == (1, 5_000))
        #expect(try await store.status(accountID: 1, now: now).rebuilding == nil)
    }

    @Test func aReadThatEndsEarlyWithoutAnErrorIsNotTakenAsComplete() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let entries = Self.shop().entries
        try await store.apply(entries)
        _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 2)), now: now)
        // The stream stops after one batch with no error (a server that ended the call early).
        let short: PredictiveStore.LogReader = { account, after, handle in
            let mine = entries.filter { $0.accountID == account && $0.position > after }
            _ = try await handle(Array(mine.prefix(4)))
            return entries.last!.position
        }
        await #expect(throws: PredictiveError.self) { try await store.rebuildPending(read: short, now: { now }) }
        #expect(try await store.status(accountID: 1, now: now).rebuilding == RebuildProgress(readThrough: 4, target: 10))
        #expect(try await store.rebuildPending(read: logReader(entries), now: { now }) == [1])
        #expect(try await Self.historic(store, 3) == (1, 3_050))
    }

    @Test func aFitThatEndsAfterASettingsChangeIsNotKept() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        // The first fit sees the settings change (a new epoch, as a committed change makes) while
        // it runs; its model must not be kept, and the answer comes from a fit made after it.
        let box = Mutex<PredictiveStore?>(nil)
        let fits = Mutex(0)
        let store = try PredictiveStore(
            database: try SQLiteStore.open(path: fixture.directory + "/p.sqlite", durability: .normal, migrations: PredictiveSchema.migrations),
            fitTimeBudget: .seconds(60), beforeFit: { account in
                if fits.withLock({ $0 += 1; return $0 }) == 1 { box.withLock { $0 }?.bumpEpoch(account) }
            })
        box.withLock { $0 = store }
        try await store.apply(PredictiveStoreTests.simulatedShop(seed: 12))
        let status = try await store.fit(accountID: 1, now: now)
        #expect(fits.withLock { $0 } == 2)
        #expect(status.model != nil && store.models.withLock { $0[1]?.card } == status.model)
    }

    @Test func aSecondChangeDuringAReReadStartsItAgain() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let entries = Self.shop().entries
        try await store.apply(entries)
        _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 1)), now: now)
        // Half way through the re-read for "Online orders", the metric becomes "All sales" (no
        // log entry applied in between, so the target stays the same).
        let reader = logReader(entries, batch: 4)
        let batches = Mutex(0)
        let finished = try await store.rebuildPending(read: { account, after, handle in
            return try await reader(account, after) { batch in
                if batches.withLock({ $0 += 1; return $0 }) == 3 {
                    _ = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, conversionMetric: .custom(id: 2)), now: now)
                }
                return try await handle(batch)
            }
        }, now: { now })
        #expect(finished.isEmpty)
        #expect(try await store.status(accountID: 1, now: now).rebuilding == RebuildProgress(readThrough: 0, target: 10))
        // The next round reads everything again for "All sales".
        #expect(try await store.rebuildPending(read: logReader(entries, batch: 4), now: { now }) == [1])
        #expect(try await Self.historic(store, 1) == (1, 5_000))
        #expect(try await Self.historic(store, 2) == (1, 2_000))
        #expect(try await Self.historic(store, 3) == (1, 3_050))
    }

    @Test func aNewHorizonRefitsAndAFailedFitIsReported() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let failing = Mutex(false)
        let store = try PredictiveStore(
            database: try SQLiteStore.open(path: fixture.directory + "/p.sqlite", durability: .normal, migrations: PredictiveSchema.migrations),
            fitTimeBudget: .seconds(60), beforeFit: { _ in if failing.withLock({ $0 }) { throw PredictiveError.fitFailed("injected") } })
        try await store.apply(PredictiveStoreTests.simulatedShop(seed: 11))
        let year = try #require(try await store.status(accountID: 1, now: now).model)
        #expect(year.horizonDays == 365 && year.conversionMetric == "Placed Order")
        let profile = year.examples[0].profileID
        let before = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: profile), now: now)

        let settings = try await store.updateSettings(UpdateCLVSettingsRequest(accountID: 1, horizonDays: 90), now: now)
        #expect(settings.horizonDays == 90)
        let quarter = try #require(try await store.status(accountID: 1, now: now).model)
        #expect(quarter.horizonDays == 90)
        let after = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: profile), now: now)
        #expect(after.horizonDays == 90 && after.predictedCLV!.minor < before.predictedCLV!.minor)
        #expect(after.historicCLVMinor == before.historicCLVMinor)

        // A fit that fails keeps the model and says so, until one succeeds.
        failing.withLock { $0 = true }
        await #expect(throws: PredictiveError.fitFailed("injected")) { try await store.fit(accountID: 1, now: now) }
        var status = try await store.status(accountID: 1, now: now)
        #expect(status.model == quarter)
        #expect(status.lastFitFailure?.reason == "the model could not be fitted: injected" && status.lastFitFailure?.at == now)
        failing.withLock { $0 = false }
        status = try await store.fit(accountID: 1, now: now)
        #expect(status.lastFitFailure == nil && status.model != nil)
    }
}
