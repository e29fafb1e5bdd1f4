import Attribution
import Foundation
import SextantContracts
import Testing

/// The state depends only on the set of events: random fixtures applied in shuffled arrival
/// orders and batch sizes all agree with a brute-force evaluation of the rule.
@Suite struct ArrivalOrderTests {
    struct Order { var id: String; var profile: UInt64; var time: Date; var items: [(product: String, price: Decimal, quantity: Decimal)] }
    enum Interaction { case click(UInt64, String, Date), cart(UInt64, String, Date), buyAgain(UInt64, Int, Date) }

    /// A small deterministic generator (SplitMix64).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func shuffledArrivalsAgreeWithTheRule(seed: UInt64) async throws {
        var random = Generator(state: seed)
        let t0 = LogBuilder.base
        let products = ["A", "B", "C", "D"]
        // Minutes over three days, so that windows overlap and some fall just outside.
        func time() -> Date { t0.adding(minutes: Double(Int.random(in: 0..<(3 * 24 * 60), using: &random))) }
        var orders: [Order] = []
        for index in 0..<12 {
            let chosen = products.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random))
            orders.append(Order(
                id: "O\(index)", profile: UInt64.random(in: 1...3, using: &random), time: time(),
                items: chosen.map { ($0, Decimal(Int.random(in: 1...50, using: &random)), Decimal(Int.random(in: 1...3, using: &random))) }))
        }
        var interactions: [Interaction] = []
        for _ in 0..<20 {
            let profile = UInt64.random(in: 1...3, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: interactions.append(.click(profile, products.randomElement(using: &random)!, time()))
            case 1: interactions.append(.cart(profile, products.randomElement(using: &random)!, time()))
            default: interactions.append(.buyAgain(profile, Int.random(in: 0..<orders.count, using: &random), time()))
            }
        }

        // Brute force: an item counts when the same profile touched its product within [T − 24 h, T].
        var expected: [String: Int64] = [:]
        var expectedTotal: Int64 = 0
        for order in orders {
            for item in order.items {
                let qualifies = interactions.contains { interaction in
                    let (profile, products, at): (UInt64, [String], Date) = switch interaction {
                    case .click(let p, let product, let at), .cart(let p, let product, let at): (p, [product], at)
                    case .buyAgain(let p, let earlier, let at): (p, orders[earlier].items.map(\.product), at)
                    }
                    let elapsed = order.time.timeIntervalSince(at)
                    return profile == order.profile && products.contains(item.product) && elapsed >= 0 && elapsed <= 86_400
                }
                if qualifies {
                    let revenue = NSDecimalNumber(decimal: item.price * item.quantity * 100).int64Value
                    expected["\(order.id)/\(item.product)"] = revenue
                    expectedTotal += revenue
                }
            }
        }

        #expect(!expected.isEmpty, "the fixture exercises the rule")
        for attempt in 0..<4 {
            var groups: [[Int]] = (0..<orders.count).map { [0, $0] } + (0..<interactions.count).map { [1, $0] }
            if attempt > 0 { groups.shuffle(using: &random) }
            var log = LogBuilder()
            var entries = [log.account(1)]
            for group in groups {
                if group[0] == 0 {
                    let order = orders[group[1]]
                    entries += log.order(1, profile: order.profile, id: order.id, at: order.time, items: order.items)
                } else {
                    switch interactions[group[1]] {
                    case .click(let p, let product, let at): entries.append(log.clickedProduct(1, profile: p, product: product, at: at))
                    case .cart(let p, let product, let at): entries.append(log.addedToCart(1, profile: p, product: product, at: at))
                    case .buyAgain(let p, let earlier, let at):
                        // Half of them without product_ids: the products come from the stored order.
                        let ids = attempt % 2 == 0 ? orders[earlier].items.map(\.product) : nil
                        entries.append(log.buyAgain(1, profile: p, order: orders[earlier].id, products: ids, at: at))
                    }
                }
            }
            let fixture = try StoreFixture()
            defer { fixture.remove() }
            let store = try fixture.open()
            let batch = [1, 7, 1000][attempt % 3]
            var start = 0
            while start < entries.count {
                try await store.apply(Array(entries[start..<min(start + batch, entries.count)]))
                start += batch
            }
            let rows = try store.allProducts(1)
            var actual: [String: Int64] = [:]
            for row in rows { actual["\(row.orderID)/\(row.productID)"] = row.revenueMinorUnits }
            #expect(actual == expected, "seed \(seed) attempt \(attempt)")
            #expect(try store.total(1, "2026-02-28", "2026-03-05") == expectedTotal)
            let daySum = try store.revenueByDay(RevenueByDayRequest(accountID: 1, firstDay: "2026-02-28", lastDay: "2026-03-05")).days
                .reduce(Int64(0)) { $0 + $1.revenueMinorUnits }
            #expect(daySum == expectedTotal)
        }
    }
}
