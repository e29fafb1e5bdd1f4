import Foundation
import Predictive
import PredictiveService
import SextantContracts
import SextantRPC
import SextantStore
import SextantTesting
import SextantWire
import Testing

/// A predictive store in a fresh temporary directory.
struct StoreFixture {
    let directory = NSTemporaryDirectory() + "predictive-tests-\(UUID().uuidString)"
    func open() throws -> PredictiveStore {
        try PredictiveStore(path: self.directory + "/predictive.sqlite", durability: .normal)
    }
    func remove() { try? FileManager.default.removeItem(atPath: self.directory) }
}

/// Log entries with increasing positions, as ingest writes them.
struct LogBuilder {
    var position: UInt64 = 0
    let encoder = WireEncoder()

    mutating func account(_ id: UInt64, timeZone: String = "UTC", currency: String = "USD") -> LogEntry {
        self.position += 1
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let account = Account(
            id: id, name: "Shop \(id)", timeZone: timeZone, currency: currency, plan: .marketingAnalytics, customerHubActive: false,
            attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: at, updatedAt: at)
        return LogEntry(position: self.position, accountID: id, kind: .account, body: try! self.encoder.encode(account))
    }

    mutating func event(
        _ account: UInt64, profile: UInt64, _ metric: String, at time: Date, value: Decimal? = nil, order: String? = nil,
        properties: [String: JSONValue] = [:]
    ) -> LogEntry {
        self.position += 1
        var properties = properties
        if let order { properties["order_id"] = .string(order) }
        let event = LoggedEvent(
            position: self.position, accountID: account, profileID: profile, metric: metric, time: time, receivedAt: time, value: value,
            uniqueID: "u\(self.position)", properties: properties)
        return LogEntry(position: self.position, accountID: account, kind: .event, body: try! self.encoder.encode(event))
    }

    mutating func customMetric(_ account: UInt64, id: UInt64, _ name: String, sources: [CustomMetricSource], aggregation: CustomMetric.Aggregation) -> LogEntry {
        self.position += 1
        let metric = CustomMetric(id: id, accountID: account, name: name, sources: sources, aggregation: aggregation, createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        return LogEntry(position: self.position, accountID: account, kind: .customMetric, body: try! self.encoder.encode(metric))
    }

    mutating func merge(_ account: UInt64, merged: UInt64, into survivor: UInt64) -> LogEntry {
        self.position += 1
        let merge = ProfileMerge(accountID: account, survivor: survivor, merged: merged, at: Date(timeIntervalSince1970: 1_700_000_000))
        return LogEntry(position: self.position, accountID: account, kind: .merge, body: try! self.encoder.encode(merge))
    }
}

/// 2026-11-28 12:00 UTC.
let now = Date(timeIntervalSince1970: 1_795_867_200)
func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

@Suite struct PredictiveStoreTests {
    @Test func historicFiguresAreNetOfCancellationsRefundsAndFreeOrders() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, currency: "USD"),
            log.event(1, profile: 7, "Placed Order", at: daysAgo(40), value: 50, order: "A"),
            log.event(1, profile: 7, "Placed Order", at: daysAgo(20), value: 30, order: "B"),
            log.event(1, profile: 7, "Placed Order", at: daysAgo(10), value: 0, order: "free"),
            log.event(1, profile: 7, "Refunded Order", at: daysAgo(9), value: Decimal(string: "10.25"), order: "B"),
            log.event(1, profile: 7, "Viewed Product", at: daysAgo(9)),
        ])
        var clv = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: 7), now: now)
        #expect(clv.historicOrders == 2 && clv.historicCLVMinor == 6_975)
        #expect(clv.firstOrderDay == "2026-10-19" && clv.lastOrderDay == "2026-11-08")
        // Not eligible, so no predictions, and no invented numbers.
        #expect(!clv.predicted && clv.predictedCLV == nil && clv.churnBand == nil)

        // A cancellation removes the order; a merged profile's orders join the survivor's.
        try await store.apply([
            log.event(1, profile: 7, "Cancelled Order", at: daysAgo(8), order: "A"),
            log.event(1, profile: 8, "Placed Order", at: daysAgo(5), value: Decimal(string: "12.50"), order: "C"),
            log.merge(1, merged: 8, into: 7),
        ])
        clv = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: 7), now: now)
        #expect(clv.historicOrders == 2 && clv.historicCLVMinor == 1_975 + 1_250)
        // Asking for the merged profile answers for its survivor.
        let merged = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: 8), now: now)
        #expect(merged.profileID == 7 && merged.historicCLVMinor == clv.historicCLVMinor)
        // Entries at or before the applied position are skipped (not even decoded).
        try await store.apply([LogEntry(position: 3, accountID: 1, kind: .event, body: [])])
        #expect(try await store.profile(ProfileCLVRequest(accountID: 1, profileID: 7), now: now) == clv)
    }

    @Test func tooLittleDataSaysWhatIsMissing() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        var entries = [log.account(1)]
        for customer in 1...20 {
            entries.append(log.event(1, profile: UInt64(customer), "Placed Order", at: daysAgo(Double(customer * 3)), value: 10, order: "o\(customer)"))
        }
        try await store.apply(entries)
        let status = try await store.fit(accountID: 1, now: now)
        #expect(!status.eligible && status.model == nil)
        #expect(status.customersWithOrders == 20)
        #expect(status.missing.contains("20 customers with orders; at least 500 are needed"), "\(status.missing)")
        #expect(status.missing.contains { $0.contains("days of order history") }, "\(status.missing)")
        #expect(status.missing.contains { $0.contains("3 or more orders") }, "\(status.missing)")
        await #expect(throws: PredictiveError.accountNotFound(9)) { try await store.fit(accountID: 9, now: now) }
    }

    /// A shop simulated from known BG/NBD parameters over 400 days.
    static func simulatedShop(customers: Int = 1_500, seed: UInt64 = 11) -> [LogEntry] {
        var random = SeededGenerator(seed: seed)
        var log = LogBuilder()
        var entries = [log.account(1, timeZone: "Europe/Berlin", currency: "EUR")]
        let simulator = BuyTillYouDieSimulator(
            kind: .bgnbd, purchase: BGNBDParameters(r: 0.8, alpha: 20, a: 0.6, b: 2.5), spend: GammaGammaParameters(p: 6, q: 4, gamma: 15))
        var orders: [(Date, UInt64, Decimal)] = []
        for customer in 1...customers {
            let age = 30 + Int(random.next() % 370)
            // Purchase days with the simulated summary: the first (day 0), the last repeat one
            // (the recency) and the other repeat days spread between them.
            let summary = simulator.dailyCustomer(ageInDays: age, using: &random)
            var days: Set<Int> = [0]
            if summary.frequency > 0 {
                let last = Int(summary.recency.rounded())
                days.insert(last)
                while days.count < summary.frequency + 1, last > 1 {
                    days.insert(1 + Int(random.next() % UInt64(last - 1)))
                }
            }
            for day in days.sorted() {
                let value = Decimal(20 + Int(random.next() % 8_000)) / 100
                orders.append((daysAgo(Double(age - day) + 0.5), UInt64(customer), value))
            }
        }
        orders.sort { $0.0 < $1.0 }
        for (index, order) in orders.enumerated() {
            entries.append(log.event(1, profile: order.1, "Placed Order", at: order.0, value: order.2, order: "o\(index)"))
        }
        return entries
    }

    @Test(arguments: [11, 12, 13, 14]) func anEligibleShopGetsAModelCardAndPredictionsThatFollowNewOrders(seed: UInt64) async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let entries = Self.simulatedShop(seed: seed)
        for start in stride(from: 0, to: entries.count, by: 1_000) {
            try await store.apply(Array(entries[start..<min(entries.count, start + 1_000)]))
        }
        // Nothing fitted yet: asking for the status of an eligible account fits it.
        let status = try await store.status(accountID: 1, now: now)
        #expect(status.eligible, "\(status.missing)")
        let card = try #require(status.model)
        #expect(card.parameters.map(\.name) == ["r", "alpha", "a", "b", "p", "q", "gamma"])
        #expect(card.parameters.allSatisfy { $0.value.isFinite && $0.value > 0 && ($0.standardError ?? 0) > 0 }, "\(card.parameters) \(card.fitStatus) \(card.spendFitStatus)")
        #expect(["bgnbd", "modified-bgnbd"].contains(card.purchaseModel) && !card.choiceReason.isEmpty)
        #expect(card.fitStatus == "converged", "\(card.fitStatus)")
        #expect(card.customers > 1_000 && card.repeatCustomers > 100)
        #expect(card.holdoutDays >= 30 && card.holdoutMeanAbsoluteError != nil && card.holdoutActualTotal > 0)
        #expect(card.historyLastDay == "2026-11-28" || card.historyLastDay == "2026-11-27")
        #expect(card.horizonDays == 365 && card.logLikelihood.map { $0 < 0 } == true)
        // The five rules each found a customer in a shop this size, in rule order.
        #expect(card.examples.map(\.rule) == [1, 2, 3, 4, 5], "\(card.examples)")
        // Every customer is in one CLV bucket and one churn band.
        #expect(card.clvBuckets.count == 10 && card.clvBuckets.first?.fromMinor == 0 && card.clvBuckets.last?.toMinor == nil)
        #expect(card.clvBuckets.reduce(0) { $0 + $1.customers } == card.customers)
        #expect(card.churnBands.count == 3 && card.churnBands.reduce(0, +) == card.customers)
        #expect(zip(card.clvBuckets, card.clvBuckets.dropFirst()).allSatisfy { $0.toMinor == $1.fromMinor })
        #expect(try await store.status(accountID: 1, now: now) == status)

        // A frequent customer: predictions with ranges around their values.
        let example = card.examples[0].profileID
        let before = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: example), now: now)
        #expect(before.predicted && before.currency == "EUR")
        let predicted = try #require(before.predictedCLV)
        #expect(predicted.minor > 0 && (predicted.lowMinor ?? .max) <= predicted.minor && predicted.minor <= (predicted.highMinor ?? .min))
        #expect(before.totalCLV?.minor == before.historicCLVMinor + predicted.minor)
        let churn = try #require(before.churnProbability)
        #expect((0...1).contains(churn.value) && ["low", "medium", "high"].contains(before.churnBand ?? ""))
        #expect(before.averageDaysBetweenOrders != nil)

        // The customer orders again: the next answer already counts it.
        var log = LogBuilder(position: entries.last!.position)
        try await store.apply([log.event(1, profile: example, "Placed Order", at: now.addingTimeInterval(-60), value: 42, order: "new")])
        let after = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: example), now: now)
        #expect(after.historicOrders == before.historicOrders + 1 && after.historicCLVMinor == before.historicCLVMinor + 4_200)
        #expect(after.lastOrderDay == "2026-11-28")
        #expect(after.churnProbability!.value <= churn.value)

        // A one-time buyer has no average days between orders.
        let newcomer = card.examples.first { $0.rule == 3 }!.profileID
        let single = try await store.profile(ProfileCLVRequest(accountID: 1, profileID: newcomer), now: now)
        #expect(single.historicOrders == 1 && single.averageDaysBetweenOrders == nil && single.predicted)
    }

    @Test func theRouterAnswersForTheGatewayOnly() async throws {
        let fixture = StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(1), log.event(1, profile: 2, "Placed Order", at: daysAgo(1), value: 5, order: "x")])
        let caller = RouterCaller(server: RPCServer(router: PredictiveService.router(
            store: store, entitled: { $0 != 3 }, progress: { ProgressResponse(appliedPosition: 2, knownHead: 2, following: true, lastAppliedAt: nil) }, now: { now })))
        let status = try await caller.call(PredictiveService.fit, AccountRef(accountID: 1))
        #expect(!status.eligible && status.customersWithOrders == 1)
        let profile = try await caller.call(PredictiveService.profile, ProfileCLVRequest(accountID: 1, profileID: 2))
        #expect(profile.historicCLVMinor == 500)
        #expect(await caller.code(PredictiveService.status, AccountRef(accountID: 1), as: .billingService) == .permissionDenied)
        #expect(await caller.code(PredictiveService.status, AccountRef(accountID: 5)) == .notFound)
        #expect(try await caller.call(PredictiveService.progress, ProgressRequest()).appliedPosition == 2)
        // Whoever calls, an account whose plan lacks Marketing Analytics is refused.
        var more = LogBuilder(position: 2)
        try await store.apply([more.account(3)])
        #expect(await caller.code(PredictiveService.status, AccountRef(accountID: 3)) == .permissionDenied)
        #expect(await caller.code(PredictiveService.status, AccountRef(accountID: 3), as: .admin) == .permissionDenied)
        #expect(await caller.code(PredictiveService.updateSettings, UpdateCLVSettingsRequest(accountID: 3, horizonDays: 90)) == .permissionDenied)
    }
}
