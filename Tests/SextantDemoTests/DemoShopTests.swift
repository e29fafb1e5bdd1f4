import Foundation
import SextantContracts
import SextantDemo
import SextantWire
import Testing

@Suite struct DemoShopTests {
    static let end = Date(timeIntervalSince1970: 1_780_000_000.25)

    /// A small shop, cheap enough to read whole in debug builds.
    static let small = DemoShop(seed: 7, profiles: 2_000, end: end)
    static let smallEvents = Array(small.events())

    @Test func sameInputsGiveIdenticalEvents() throws {
        let again = Array(DemoShop(seed: 7, profiles: 2_000, end: Self.end).events())
        #expect(again.count == Self.smallEvents.count)
        #expect(Array(again.prefix(500)) == Array(Self.smallEvents.prefix(500)))
        #expect(Array(again.suffix(500)) == Array(Self.smallEvents.suffix(500)))
        // Byte-identical on the wire, too.
        let encoder = WireEncoder()
        #expect(try encoder.encode(TrackEventsRequest(accountID: 1, events: Array(again.suffix(200))))
            == encoder.encode(TrackEventsRequest(accountID: 1, events: Array(Self.smallEvents.suffix(200)))))
        let other = DemoShop(seed: 8, profiles: 2_000, end: Self.end).events()
        #expect(Array(other.prefix(100)) != Array(Self.smallEvents.prefix(100)))
    }

    @Test func fullSizeCountsAreInRange() {
        let shop = DemoShop(end: Self.end)
        let events = shop.events()
        #expect((300_000...600_000).contains(events.count), "\(events.count) events")
        #expect(shop.catalog.count == 200)
        #expect(shop.catalog.filter { !$0.available }.count == 10)
        #expect(Set(shop.catalog.map(\.id)).count == 200)
        #expect(shop.account.name == "Demo Shop" && shop.account.plan == .marketingAnalytics && shop.account.customerHubActive)
        let batches = shop.batches(size: 1_000)
        #expect(batches.count == (events.count + 999) / 1_000)
        #expect(batches.eventCount == events.count)
    }

    @Test func everyEventIsWithinLimitsAndInTimeOrder() {
        let start = Self.small.start
        var previous = start
        var uniqueKeys = Set<String>()
        for event in Self.smallEvents {
            let time = event.time!
            #expect(time >= start && time <= Self.end)
            #expect(time >= previous)
            previous = time
            #expect(event.properties.count <= 400)
            #expect(event.profile.email != nil)
            #expect(!event.metric.isEmpty && event.metric != StandardMetric.orderedProduct)
            if let value = event.value { #expect(value >= 0) }
            let id = event.uniqueID!
            #expect(!id.isEmpty && id.count <= 255)
            #expect(uniqueKeys.insert("\(event.profile.email!)|\(event.metric)|\(id)").inserted, "duplicate key \(id)")
        }
    }

    @Test func everyMetricAppears() {
        let metrics = Set(Self.smallEvents.map(\.metric))
        let expected: Set<String> = [
            "Placed Order", "Started Checkout", "Fulfilled Order", "Cancelled Order", "Refunded Order", "Active on Site",
            "Viewed Product", "Added to Cart", "Subscribed to List", "Received Email", "Opened Email", "Clicked Email",
            "Received SMS", "Clicked SMS", "Received Push", "Opened Push",
        ]
        #expect(expected.subtracting(metrics).isEmpty, "missing: \(expected.subtracting(metrics))")
        #expect(StandardMetric.customerHub.subtracting(metrics).isEmpty, "missing: \(StandardMetric.customerHub.subtracting(metrics))")
    }

    @Test func orderValuesEqualTheirItems() throws {
        var orders = 0
        var repeatBuyers: [String: Int] = [:]
        for event in Self.smallEvents where event.metric == "Placed Order" {
            orders += 1
            repeatBuyers[event.profile.email!, default: 0] += 1
            guard case .array(let items)? = event.properties["items"] else {
                Issue.record("no items")
                continue
            }
            var total = Decimal(0)
            for case .object(let item) in items {
                guard case .number(let price)? = item["price"], case .number(let quantity)? = item["quantity"],
                    case .string? = item["product_id"]
                else {
                    Issue.record("bad item \(item)")
                    continue
                }
                total += price * quantity
            }
            #expect(event.value == total)
            #expect(event.properties["order_id"] == .string(event.uniqueID!))
            // Exact cents.
            var scaled = event.value! * 100
            var rounded = Decimal()
            NSDecimalRound(&rounded, &scaled, 0, .plain)
            #expect(rounded == scaled)
        }
        #expect(orders > 1_000)
        #expect(repeatBuyers.values.filter { $0 >= 2 }.count > 100)
        #expect(repeatBuyers.values.filter { $0 == 1 }.count > 100)
    }

    @Test func hubClicksAreSometimesFollowedByOrdersOfThatProduct() {
        // Latest order times per (profile, product), looked up after each click.
        var ordersByProfile: [String: [(Date, Set<String>)]] = [:]
        for event in Self.smallEvents where event.metric == "Placed Order" {
            guard case .array(let items)? = event.properties["items"] else { continue }
            let products = Set(items.compactMap { item -> String? in
                if case .object(let fields) = item, case .string(let id)? = fields["product_id"] { return id }
                return nil
            })
            ordersByProfile[event.profile.email!, default: []].append((event.time!, products))
        }
        var clicks = 0
        var followed = 0
        for event in Self.smallEvents where event.metric == "Hub Clicked Product" {
            clicks += 1
            guard case .string(let product)? = event.properties["product_id"] else { continue }
            let click = event.time!
            let orders = ordersByProfile[event.profile.email!] ?? []
            if orders.contains(where: { $0.0 > click && $0.0.timeIntervalSince(click) <= 86_400 && $0.1.contains(product) }) {
                followed += 1
            }
        }
        #expect(clicks > 50)
        #expect(followed > 5 && followed < clicks, "\(followed) of \(clicks)")
        let buyAgain = Self.smallEvents.filter { $0.metric == "Hub Clicked Buy Again" }
        #expect(buyAgain.allSatisfy { if case .string? = $0.properties["order_id"] { true } else { false } })
    }

    @Test func unavailableProductsAreNotOrderedRecently() {
        let unavailable = Set(Self.small.catalog.filter { !$0.available }.map(\.id))
        let recent = Self.end.addingTimeInterval(-89 * 86_400)
        for event in Self.smallEvents where event.metric == "Placed Order" && event.time! > recent {
            guard case .array(let items)? = event.properties["items"] else { continue }
            for case .object(let item) in items {
                if case .string(let id)? = item["product_id"] { #expect(!unavailable.contains(id)) }
            }
        }
    }

    @Test func uniqueIDsDoNotDependOnTheEnd() {
        let later = DemoShop(seed: 7, profiles: 200, end: Self.end.addingTimeInterval(3_600))
        let earlier = DemoShop(seed: 7, profiles: 200, end: Self.end)
        let laterIDs = Set(later.events().map { "\($0.metric)|\($0.uniqueID!)" })
        let earlierIDs = Set(earlier.events().map { "\($0.metric)|\($0.uniqueID!)" })
        // Only events near either end of the history differ.
        #expect(Double(laterIDs.intersection(earlierIDs).count) > 0.97 * Double(earlierIDs.count))
    }
}
