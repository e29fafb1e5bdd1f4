import Attribution
import Foundation
import GRDB
import SextantContracts
import SextantRPC
import SextantStore
import SextantWire
import Testing

/// Hand-computed fixtures for each Customer Hub rule, applied through the store.
@Suite struct HubAttributionStoreTests {
    let t0 = LogBuilder.base  // 2026-03-01T12:00:00Z

    func withStore(_ body: (AttributionStore, StoreFixture) async throws -> Void) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        try await body(try fixture.open(), fixture)
    }

    @Test func productClickAt23h59mIsAttributedAt24h01mNot() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
            entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 23, minutes: 59), items: [("A", 25, 2)])
            entries.append(log.clickedProduct(1, profile: 20, product: "A", at: t0))
            entries += log.order(1, profile: 20, id: "O2", at: t0.adding(hours: 24, minutes: 1), items: [("A", 25, 2)])
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(rows.count == 1)
            #expect(rows.first?.orderID == "O1")
            #expect(rows.first?.revenueMinorUnits == 5_000)
            #expect(rows.first?.rule == .clickedProduct)
            #expect(rows.first?.interactionPosition == 2)
            #expect(rows.first?.orderPosition == 3)
            #expect(rows.first?.quantity == 2)
            #expect(rows.first?.price == 25)
            #expect(rows.first?.productName == "Name A")
            #expect(try store.total(1, "2026-03-01", "2026-03-03") == 5_000)
        }
    }

    @Test func exactly24HoursCountsAndInteractionAfterOrderDoesNot() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries.append(log.addedToCart(1, profile: 10, product: "A", at: t0))
            entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 24), items: [("A", Decimal(string: "9.99")!, 1)])
            entries += log.order(1, profile: 11, id: "O2", at: t0, items: [("B", 5, 1)])
            entries.append(log.clickedProduct(1, profile: 11, product: "B", at: t0.adding(minutes: 1)))
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(rows.map(\.orderID) == ["O1"])
            #expect(rows.first?.rule == .addedToCart)
            #expect(try store.total(1, "2026-03-01", "2026-03-02") == 999)
        }
    }

    @Test func otherItemsOfTheSameOrderAreNotAttributed() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
            entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 2), items: [("A", 10, 1), ("B", 20, 1), ("C", 30, 3)])
            // Another profile's click on B does not count for profile 10.
            entries.append(log.clickedProduct(1, profile: 99, product: "B", at: t0))
            try await store.apply(entries)
            #expect(try store.allProducts(1).map(\.productID) == ["A"])
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_000)
        }
    }

    @Test func buyAgainAttributesOnlyItemsOfTheEarlierOrder() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries += log.order(1, profile: 10, id: "OLD", at: t0.adding(hours: -24 * 30), items: [("A", 10, 1), ("B", 20, 1)])
            // No product_ids property: the products come from the stored order.
            entries.append(log.buyAgain(1, profile: 10, order: "OLD", at: t0))
            entries += log.order(1, profile: 10, id: "NEW", at: t0.adding(hours: 1), items: [("A", 10, 2), ("B", 20, 1), ("C", 7, 1)])
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(Set(rows.map(\.productID)) == ["A", "B"])
            #expect(rows.allSatisfy { $0.rule == .clickedBuyAgain && $0.orderID == "NEW" })
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 4_000)
            // The old order itself is outside every window.
            #expect(try store.total(1, "2026-01-01", "2026-02-28") == 0)
        }
    }

    @Test func buyAgainBeforeItsEarlierOrderArrivesIsExtendedLater() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var earlier = LogBuilder(position: 1000)
            var entries = [log.account(1)]
            entries.append(log.buyAgain(1, profile: 10, order: "OLD", at: t0))
            entries += log.order(1, profile: 10, id: "NEW", at: t0.adding(hours: 1), items: [("A", 10, 1), ("C", 7, 1)])
            entries += earlier.order(1, profile: 10, id: "OLD", at: t0.adding(hours: -48), items: [("A", 10, 1)])
            try await store.apply(entries)
            #expect(try store.allProducts(1).map(\.productID) == ["A"])
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_000)
        }
    }

    @Test func twoClicksAttributeOnceAndTheLatestExplains() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
            entries.append(log.addedToCart(1, profile: 10, product: "A", at: t0.adding(hours: 3)))
            entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0.adding(hours: 1)))
            entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 5), items: [("A", 12, 1)])
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(rows.count == 1)
            #expect(rows.first?.rule == .addedToCart)
            #expect(rows.first?.interactionPosition == 3)
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_200)
            let day = try store.revenueByDay(RevenueByDayRequest(accountID: 1, firstDay: "2026-03-01", lastDay: "2026-03-01"))
            #expect(day.days == [DayRevenue(day: "2026-03-01", revenueMinorUnits: 1_200, currency: "USD", items: 1)])
        }
    }

    @Test func interactionStoredAfterTheOrderGivesTheSameAnswer() async throws {
        // The same events in two arrival orders: interactions first, then orders first.
        func run(interactionsFirst: Bool) async throws -> ([AttributedProduct], Int64) {
            let fixture = try StoreFixture()
            defer { fixture.remove() }
            let store = try fixture.open()
            var log = LogBuilder()
            var entries = [log.account(1)]
            var interactions: [LogEntry] = []
            var orders: [LogEntry] = []
            if interactionsFirst {
                interactions = [log.clickedProduct(1, profile: 10, product: "A", at: t0), log.addedToCart(1, profile: 10, product: "A", at: t0.adding(hours: 2))]
                orders = log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 4), items: [("A", 10, 1), ("B", 3, 1)])
                entries += interactions + orders
            } else {
                orders = log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 4), items: [("A", 10, 1), ("B", 3, 1)])
                entries += orders
                entries.append(log.addedToCart(1, profile: 10, product: "A", at: t0.adding(hours: 2)))
                entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
            }
            try await store.apply(entries)
            return (try store.allProducts(1), try store.total(1, "2026-03-01", "2026-03-01"))
        }
        let inOrder = try await run(interactionsFirst: true)
        let late = try await run(interactionsFirst: false)
        #expect(inOrder.1 == 1_000)
        #expect(late.1 == 1_000)
        #expect(inOrder.0.map(\.rule) == [.addedToCart])
        #expect(late.0.map(\.rule) == [.addedToCart])
        #expect(late.0.first?.productID == "A")
    }

    @Test func reapplyingChangesNothingAndReopeningKeepsResults() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var log = LogBuilder()
        var entries = [log.account(1)]
        entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
        entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 1), items: [("A", 10, 1)])
        do {
            let store = try fixture.open()
            try await store.apply(entries)
            try await store.apply(entries)
            try await store.apply(Array(entries.suffix(2)))
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_000)
            #expect(try await store.appliedPosition() == entries.last!.position)
        }
        let reopened = try fixture.open()
        #expect(try reopened.total(1, "2026-03-01", "2026-03-01") == 1_000)
        #expect(try reopened.allProducts(1).count == 1)
        // Entries after a restart continue from the stored position.
        let more = log.order(1, profile: 10, id: "O2", at: t0.adding(hours: 2), items: [("A", 10, 3)])
        try await reopened.apply(entries + more)
        #expect(try reopened.total(1, "2026-03-01", "2026-03-01") == 4_000)
    }

    @Test func mergedProfileHistoryFollowsTheSurvivor() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
            entries += log.order(1, profile: 20, id: "O1", at: t0.adding(hours: 1), items: [("A", 10, 1)])
            entries.append(log.merge(1, merged: 20, into: 10, at: t0.adding(hours: 2)))
            // An event naming the merged profile later goes to the survivor too.
            entries.append(log.clickedProduct(1, profile: 20, product: "B", at: t0.adding(hours: 3)))
            entries += log.order(1, profile: 10, id: "O2", at: t0.adding(hours: 4), items: [("B", 5, 1)])
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(Set(rows.map(\.orderID)) == ["O1", "O2"])
            #expect(rows.allSatisfy { $0.profileID == 10 })
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_500)
        }
    }

    @Test func daysAreLocalAcrossAMidnightAndADSTChange() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1, timeZone: "America/New_York")]
            // 2026-03-08 is the US spring-forward day (23 hours long in New York).
            // 2026-03-08T04:30Z is 2026-03-07 23:30 EST; 2026-03-08T05:30Z is 2026-03-08 00:30 EST.
            let beforeMidnight = Date(timeIntervalSince1970: 1_772_944_200)
            let afterMidnight = beforeMidnight.adding(hours: 1)
            // 2026-03-09T03:30Z is 2026-03-08 23:30 EDT; 2026-03-09T04:30Z is 2026-03-09 00:30 EDT.
            let endOfShortDay = Date(timeIntervalSince1970: 1_773_027_000)
            let nextDay = endOfShortDay.adding(hours: 1)
            for (index, time) in [beforeMidnight, afterMidnight, endOfShortDay, nextDay].enumerated() {
                entries.append(log.clickedProduct(1, profile: 10, product: "P\(index)", at: time.adding(hours: -1)))
                entries += log.order(1, profile: 10, id: "O\(index)", at: time, items: [("P\(index)", Decimal(index + 1), 1)])
            }
            try await store.apply(entries)
            let response = try store.revenueByDay(RevenueByDayRequest(accountID: 1, firstDay: "2026-03-06", lastDay: "2026-03-09"))
            #expect(response.timeZone == "America/New_York")
            #expect(response.days.map(\.day) == ["2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"])
            #expect(response.days.map(\.revenueMinorUnits) == [0, 100, 500, 400])
            #expect(response.totals == [MinorAmount(currency: "USD", minorUnits: 1_000)])
            #expect(try store.allProducts(1, "2026-03-08", "2026-03-08").map(\.orderID) == ["O2", "O1"])
            // In UTC the same instants fall on other days.
            var update = LogBuilder(position: log.position)
            try await store.apply([update.account(1, timeZone: "UTC")])
            let utc = try store.revenueByDay(RevenueByDayRequest(accountID: 1, firstDay: "2026-03-08", lastDay: "2026-03-09"))
            #expect(utc.days.map(\.revenueMinorUnits) == [300, 700])
        }
    }

    /// The report reads a time window around the days asked for: the zones farthest from UTC
    /// (UTC+14, UTC−12) still put an item on its local day.
    @Test func reportDaysAtTheExtremeTimeZones() async throws {
        for (zone, day) in [("Pacific/Kiritimati", "2026-03-02"), ("Etc/GMT+12", "2026-02-28")] {
            try await self.withStore { store, _ in
                var log = LogBuilder()
                var entries = [log.account(1, timeZone: zone)]
                // 2026-03-01T10:30Z: 2026-03-02 00:30 in Kiritimati, 2026-02-28 22:30 at UTC−12.
                let at = Date(timeIntervalSince1970: 1_772_361_000)
                entries.append(log.clickedProduct(1, profile: 10, product: "A", at: at.adding(hours: -1)))
                entries += log.order(1, profile: 10, id: "O1", at: at, items: [("A", 5, 1)])
                try await store.apply(entries)
                #expect(try store.allProducts(1, day, day).map(\.orderID) == ["O1"], "\(zone)")
                #expect(try store.allProducts(1, "2026-03-01", "2026-03-01").isEmpty, "\(zone)")
            }
        }
    }

    @Test func pagingGivesEveryRowOnceNewestFirst() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1, currency: "JPY")]
            for index in 0..<5 {
                entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0.adding(hours: Double(index))))
                entries += log.order(1, profile: 10, id: "O\(index)", at: t0.adding(hours: Double(index), minutes: 30), items: [("A", 1500, 1)])
            }
            try await store.apply(entries)
            let first = try store.attributedProducts(AttributedProductsRequest(accountID: 1, firstDay: "2026-03-01", lastDay: "2026-03-01", pageSize: 2))
            #expect(first.rows.map(\.orderID) == ["O4", "O3"])
            #expect(!first.nextPageToken.isEmpty)
            let all = try store.allProducts(1)
            #expect(all.map(\.orderID) == ["O4", "O3", "O2", "O1", "O0"])
            #expect(all.allSatisfy { $0.revenueMinorUnits == 1500 && $0.currency == "JPY" })
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 7_500)
        }
    }

    @Test func clientSentOrderedProductsAndRefunds() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            var entries = [log.account(1)]
            // A numeric product id is the same product as its decimal text.
            entries.append(log.event(1, profile: 10, metric: "Hub Clicked Product", at: t0, properties: ["product_id": .number(1001)]))
            // Sent by the client: no derivedFrom, no value, price as text, no quantity (1).
            let item = log.event(
                1, profile: 10, metric: "Ordered Product", at: t0.adding(hours: 1),
                properties: ["order_id": .number(77), "product_id": .string("1001"), "price": .string("4.50"), "name": .string("Mug")])
            entries.append(item)
            entries.append(log.event(1, profile: 10, metric: "Refunded Order", at: t0.adding(hours: 5), value: Decimal(string: "4.50"), properties: ["order_id": .number(77)]))
            try await store.apply(entries)
            let rows = try store.allProducts(1)
            #expect(rows.count == 1)
            #expect(rows.first?.orderPosition == item.position)
            #expect(rows.first?.orderID == "77")
            #expect(rows.first?.productName == "Mug")
            #expect(rows.first?.quantity == 1)
            // Refunds do not change attributed revenue (counted at order time).
            #expect(try store.total(1, "2026-03-01", "2026-03-01") == 450)
        }
    }

    @Test func badRequestsAreRefused() async throws {
        try await self.withStore { store, _ in
            var log = LogBuilder()
            try await store.apply([log.account(1)])
            #expect(throws: AttributionError.self) { try store.total(1, "2026-03-02", "2026-03-01") }
            #expect(throws: AttributionError.self) { try store.total(1, "2026-02-30", "2026-03-01") }
            #expect(throws: AttributionError.accountNotFound(2)) { try store.total(2, "2026-03-01", "2026-03-01") }
            #expect(throws: AttributionError.self) {
                try store.attributedProducts(AttributedProductsRequest(accountID: 1, firstDay: "2026-03-01", lastDay: "2026-03-01", pageToken: "nonsense"))
            }
        }
    }
}

@Suite struct AttributionSchemaTests {
    /// A database of the executable's cursor-only days: the new step replays the log from 0.
    @Test func cursorOnlyDatabaseIsReplayedFromTheStart() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        do {
            let old = try DatabasePool(path: fixture.path)
            try AttributionSchema.migrations.apply(to: old, through: 1)
            try await old.write { try LogCursor.advance($0, to: 42) }
            try old.close()
        }
        let store = try fixture.open()
        #expect(try await store.appliedPosition() == 0)
        var log = LogBuilder()
        var entries = [log.account(1)]
        entries.append(log.clickedProduct(1, profile: 10, product: "A", at: LogBuilder.base))
        entries += log.order(1, profile: 10, id: "O1", at: LogBuilder.base.adding(hours: 1), items: [("A", 10, 1)])
        try await store.apply(entries)
        #expect(try store.total(1, "2026-03-01", "2026-03-01") == 1_000)
    }
}
