import ArgumentParser
import Attribution
import Foundation
import Insights
import Predictive
import SextantContracts
import SextantRPC
import SextantStore
import SextantTesting
import SextantWire

/// The Customer Hub figures of issue 5, in one account:
/// 1. **Apply**: a seeded shop's log (default 10 million entries, 1 million profiles, two years)
///    is applied batch by batch to attribution-service's store and to insights-service's store,
///    as their log followers do; events/s for each.
/// 2. **Dashboard**: `CustomerHubDashboard` for every preset with each comparison, through
///    insights' RPC router (and attribution's `RevenueByDay` through its router), p50/p95/max.
///
/// The log is built in memory batch by batch (not through ingest-service, whose own figures are
/// `sextant-bench ingest`); generating it is not timed.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub", abstract: "Customer Hub: attribution and insights apply rates, dashboard latency at 1M profiles / 10M events.")

    @Option(help: "Log entries (events) in the account.") var events = 10_000_000
    @Option(help: "Distinct profiles.") var profiles = 1_000_000
    @Option(help: "Days the events span, ending today.") var days = 730
    @Option(help: "Entries per applied batch (the followers read up to 1,000 at a time).") var batch = 1_000
    @Option(help: "Dashboard calls per preset and comparison.") var calls = 30
    @Option(help: "full or normal.") var durability = "full"
    @Option(help: "Keep the stores here and reuse them on later runs (skips the apply phase when they hold the log).") var data: String?
    @Option(help: "Seed of the generator.") var seed: UInt64 = 5
    @Flag(help: "Apply to attribution only (for profiling it).") var attributionOnly = false

    func run() async throws {
        guard let durability = Durability(rawValue: self.durability) else { throw ValidationError("durability: full or normal") }
        let directory = self.data ?? NSTemporaryDirectory() + "sextant-bench-hub-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if self.data == nil { try? FileManager.default.removeItem(atPath: directory) } }

        let attribution = try AttributionStore(path: directory + "/attribution.sqlite", durability: durability)
        let insights = try InsightsStore(path: directory + "/insights.sqlite", durability: durability)
        let now = Date()
        var shop = BenchShop(profiles: self.profiles, events: self.events, days: self.days, now: now, seed: self.seed)

        let applied = try await insights.appliedPosition()
        if applied == 0 {
            print("applying \(self.events) log entries (\(self.profiles) profiles, \(self.days) days) to attribution and insights, \(self.batch) per batch, \(durability.rawValue) durability")
            var attributionTime = Duration.zero
            var insightsTime = Duration.zero
            var total = 0
            let clock = ContinuousClock()
            var nextReport = 1_000_000
            while let entries = shop.nextBatch(self.batch) {
                let a = clock.now
                try await attribution.apply(entries)
                let b = clock.now
                if !self.attributionOnly { try await insights.apply(entries) }
                insightsTime += clock.now - b
                attributionTime += b - a
                total += entries.count
                if total >= nextReport {
                    print(String(format: "  %8d entries: attribution %.0f/s, insights %.0f/s", total,
                                 Double(total) / attributionTime.seconds, Double(total) / insightsTime.seconds))
                    nextReport += 1_000_000
                }
            }
            print(String(format: "apply: attribution %.0f events/s (%.1f s), insights %.0f events/s (%.1f s), %d entries",
                         Double(total) / attributionTime.seconds, attributionTime.seconds, Double(total) / insightsTime.seconds, insightsTime.seconds, total))
            print("  shop: \(shop.summary)")
        } else {
            print("reusing the stores in \(directory) (applied up to \(applied))")
        }
        for name in ["attribution", "insights"] {
            let size = ((try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name).sqlite")[.size]) as? Int) ?? 0
            print(String(format: "  %@.sqlite: %.0f MB", name, Double(size) / 1e6))
        }

        // The dashboard through the RPC routers, as insights-service answers the gateway.
        let progress: @Sendable () -> ProgressResponse = { ProgressResponse(appliedPosition: 0, knownHead: 0, following: true, lastAppliedAt: nil) }
        let attributionClient = RPCClient(transport: InProcessTransport(
            server: RPCServer(router: AttributionService.router(store: attribution, progress: progress)), caller: .insightsService))
        let insightsClient = RPCClient(transport: InProcessTransport(
            server: RPCServer(router: InsightsService.router(
                store: insights, progress: progress, revenue: InsightsService.attributionRevenue(client: attributionClient), now: { now })),
            caller: .gateway))
        print("dashboard (\(self.calls) calls each; ms):")
        print("  preset            comparison         p50     p95     max   active accounts")
        var all: [Double] = []
        for preset in PeriodPreset.allCases {
            for comparison in [ComparisonMode.previousPeriod, .yearAgo, .none] {
                var times: [Double] = []
                var board: CustomerHubDashboard?
                for _ in 0..<self.calls {
                    let start = ContinuousClock.now
                    board = try await insightsClient.unary(
                        InsightsService.customerHubDashboard, CustomerHubDashboardRequest(accountID: BenchShop.account, preset: preset, comparison: comparison))
                    times.append((ContinuousClock.now - start).seconds * 1_000)
                }
                times.sort()
                all += times
                print(String(format: "  %-17@ %-17@ %6.2f  %6.2f  %6.2f   %@", "\(preset)", "\(comparison)",
                             times[times.count / 2], times[min(times.count - 1, Int(Double(times.count) * 0.95))], times.last!,
                             "\(board?.activeAccounts.value ?? 0)"))
            }
        }
        // The View report's first page (100 rows) and a later one, as the gateway asks for them.
        print("view report (first page of 100, then the 5th page; ms):")
        for preset in [PeriodPreset.last7Days, .last30Days, .last365Days, .lastMonth] {
            let resolved = try await insightsClient.unary(InsightsService.resolvePeriod, CustomerHubDashboardRequest(accountID: BenchShop.account, preset: preset))
            var first: [Double] = []
            var fifth: [Double] = []
            for _ in 0..<max(3, self.calls / 3) {
                var token = ""
                for page in 1...5 {
                    let start = ContinuousClock.now
                    let answer = try await attributionClient.unary(AttributionService.attributedProducts, AttributedProductsRequest(
                        accountID: BenchShop.account, firstDay: resolved.period.first.description, lastDay: resolved.period.last.description,
                        pageToken: token, pageSize: 100))
                    let elapsed = (ContinuousClock.now - start).seconds * 1_000
                    if page == 1 { first.append(elapsed) }
                    if page == 5 { fifth.append(elapsed) }
                    token = answer.nextPageToken
                    if token.isEmpty { break }
                }
            }
            first.sort()
            fifth.sort()
            print(String(format: "  %-17@ first p50 %7.2f max %7.2f   fifth p50 %7.2f", "\(preset)", first[first.count / 2], first.last!,
                         fifth.isEmpty ? 0 : fifth[fifth.count / 2]))
        }
        all.sort()
        print(String(format: "dashboard overall: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms over %d calls",
                     all[all.count / 2], all[Int(Double(all.count) * 0.95)], all[Int(Double(all.count) * 0.99)], all.last!, all.count))
    }
}

/// A seeded shop's log in one account, produced batch by batch, in the order ingest would log it:
/// event times move forward through `days`; an order's Hub interaction (when it has one) is logged
/// just before it, hours earlier in event time.
///
/// Mix: 15% `Hub Opened`, 2% `Hub Created Account`, 10% the five service interactions, 10%
/// Hub product clicks / adds to cart / buy-again clicks, 5% `Placed Order` (40% logged in, 1–3
/// items, each followed by its derived `Ordered Product`), the rest `Viewed Product`.
struct BenchShop {
    static let account: UInt64 = 1
    let profiles: Int
    let events: Int
    let start: Date
    let span: TimeInterval
    var random: SeededGenerator
    var position: UInt64 = 0
    var pending: [LogEntry] = []
    var counts: [String: Int] = [:]
    let encoder = WireEncoder()
    static let products = (0..<500).map { "SKU-\(1_000 + $0)" }

    init(profiles: Int, events: Int, days: Int, now: Date, seed: UInt64) {
        self.profiles = profiles
        self.events = events
        self.span = TimeInterval(days) * 86_400
        self.start = now.addingTimeInterval(-self.span)
        self.random = SeededGenerator(seed: seed)
    }

    var summary: String {
        self.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    mutating func int(_ bound: Int) -> Int { Int(self.random.next() % UInt64(bound)) }

    mutating func nextBatch(_ size: Int) -> [LogEntry]? {
        if self.position == 0 {
            let account = Account(
                id: Self.account, name: "Bench shop", timeZone: "America/New_York", currency: "USD", plan: .marketingAnalytics,
                customerHubActive: true, attributionWindows: .defaults, sendsOrderedProducts: false, createdAt: self.start, updatedAt: self.start)
            self.position = 1
            self.pending.append(LogEntry(position: 1, accountID: Self.account, kind: .account, body: try! self.encoder.encode(account)))
        }
        while self.pending.count < size, Int(self.position) < self.events {
            self.generate()
        }
        guard !self.pending.isEmpty else { return nil }
        let count = min(size, self.pending.count)
        let batch = Array(self.pending.prefix(count))
        self.pending.removeFirst(count)
        return batch
    }

    mutating func event(_ metric: String, profile: UInt64, time: Date, value: Decimal? = nil, properties: [String: JSONValue] = [:], derivedFrom: UInt64 = 0) -> UInt64 {
        self.position += 1
        let event = LoggedEvent(
            position: self.position, accountID: Self.account, profileID: profile, metric: metric, time: time, receivedAt: time,
            value: value, uniqueID: "u\(self.position)", properties: properties, derivedFrom: derivedFrom)
        self.pending.append(LogEntry(position: self.position, accountID: Self.account, kind: .event, body: try! self.encoder.encode(event)))
        self.counts[metric, default: 0] += 1
        return self.position
    }

    mutating func generate() {
        let time = self.start.addingTimeInterval(self.span * Double(self.position) / Double(self.events) + Double(self.int(3_600)))
        let profile = UInt64(1 + self.int(self.profiles))
        let roll = self.int(100)
        switch roll {
        case 0..<15: _ = self.event("Hub Opened", profile: profile, time: time)
        case 15..<17: _ = self.event("Hub Created Account", profile: profile, time: time)
        case 17..<27: _ = self.event(HubInteraction.allCases[self.int(5)].metric, profile: profile, time: time)
        case 27..<37:
            let product = Self.products[self.int(Self.products.count)]
            switch self.int(3) {
            case 0: _ = self.event("Hub Clicked Product", profile: profile, time: time, properties: ["product_id": .string(product)])
            case 1: _ = self.event("Hub Added to Cart", profile: profile, time: time, properties: ["product_id": .string(product)])
            default: _ = self.event("Hub Clicked Buy Again", profile: profile, time: time, properties: ["order_id": .string("O-\(self.int(1_000_000))")])
            }
        case 37..<42:
            let items = (0..<(1 + self.int(3))).map { _ in
                (product: Self.products[self.int(Self.products.count)], price: Decimal(500 + self.int(9_500)) / 100, quantity: Decimal(1 + self.int(2)))
            }
            if self.int(10) < 3 {
                // A Hub click on one of its products, 1 to 20 hours before.
                _ = self.event("Hub Clicked Product", profile: profile, time: time.addingTimeInterval(-Double(3_600 * (1 + self.int(20)))),
                               properties: ["product_id": .string(items[0].product)])
            }
            let orderID = "O-\(self.position + 1)"
            let lines: [JSONValue] = items.map {
                ["product_id": .string($0.product), "product_name": .string("Product \($0.product)"), "price": .number($0.price), "quantity": .number($0.quantity)]
            }
            let total = items.reduce(Decimal(0)) { $0 + $1.price * $1.quantity }
            let placed = self.event("Placed Order", profile: profile, time: time, value: total, properties: [
                "order_id": .string(orderID), "items": .array(lines), "logged_in": .bool(self.int(10) < 4),
            ])
            for item in items {
                _ = self.event("Ordered Product", profile: profile, time: time, value: item.price * item.quantity, properties: [
                    "order_id": .string(orderID), "product_id": .string(item.product), "product_name": .string("Product \(item.product)"),
                    "price": .number(item.price), "quantity": .number(item.quantity),
                ], derivedFrom: placed)
            }
        default:
            _ = self.event("Viewed Product", profile: profile, time: time, properties: ["product_id": .string(Self.products[self.int(Self.products.count)])])
        }
    }
}
