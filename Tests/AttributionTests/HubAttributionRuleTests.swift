import Attribution
import Foundation
import SextantContracts
import Testing

@Suite struct HubAttributionRuleTests {
    let order = Date(timeIntervalSince1970: 1_772_366_400)

    @Test func windowIsInclusiveAtBothEnds() {
        #expect(HubAttributionRule.inWindow(interactionTime: order, orderTime: order))
        #expect(HubAttributionRule.inWindow(interactionTime: order.addingTimeInterval(-86_400), orderTime: order))
        #expect(!HubAttributionRule.inWindow(interactionTime: order.addingTimeInterval(-86_400.001), orderTime: order))
        #expect(!HubAttributionRule.inWindow(interactionTime: order.addingTimeInterval(0.001), orderTime: order))
    }

    @Test func latestQualifyingInteractionWinsWithPositionBreakingTies() {
        let item = HubAttributionRule.Item(position: 100, time: order, productID: "A")
        let interactions = [
            HubAttributionRule.Interaction(position: 5, time: order.addingTimeInterval(-600), rule: .clickedProduct, productIDs: ["A"]),
            HubAttributionRule.Interaction(position: 3, time: order.addingTimeInterval(-600), rule: .addedToCart, productIDs: ["A"]),
            HubAttributionRule.Interaction(position: 9, time: order.addingTimeInterval(-60), rule: .clickedBuyAgain, productIDs: ["B"]),
            HubAttributionRule.Interaction(position: 1, time: order.addingTimeInterval(-7_200), rule: .clickedBuyAgain, productIDs: ["A", "B"]),
        ]
        #expect(HubAttributionRule.attribution(of: item, interactions: interactions)?.position == 5)
        #expect(HubAttributionRule.attribution(of: item, interactions: interactions.reversed())?.position == 5)
        #expect(HubAttributionRule.attributions(of: [item, .init(position: 101, time: order, productID: "C")], interactions: interactions).keys.sorted() == [100])
    }

    @Test func minorUnitsAreExact() {
        #expect(MinorUnits.of(Decimal(string: "19.99")! * 3, currency: "USD") == 5_997)
        #expect(MinorUnits.of(1500, currency: "JPY") == 1_500)
        #expect(MinorUnits.of(Decimal(string: "1.234")!, currency: "KWD") == 1_234)
        #expect(MinorUnits.of(Decimal(string: "0.005")!, currency: "USD") == 1)
    }

    @Test func attributionDaysParseAndStep() {
        #expect(AttributionDay("2024-02-29")?.next.text == "2024-03-01")
        #expect(AttributionDay("2025-12-31")?.next.text == "2026-01-01")
        #expect(AttributionDay("2025-02-29") == nil)
        #expect(AttributionDay("2025-2-01") == nil)
    }
}

@Suite struct AttributionDayTests {
    @Test func utcMidnights() {
        #expect(AttributionDay(year: 1970, month: 1, day: 1).utcMidnight == 0)
        #expect(AttributionDay(year: 2026, month: 11, day: 27).utcMidnight == 1_795_737_600)
        #expect(AttributionDay(year: 2024, month: 2, day: 29).utcMidnight == 1_709_164_800)
        #expect(AttributionDay(year: 2000, month: 3, day: 1).utcMidnight == 951_868_800)
        #expect(AttributionDay(year: 1969, month: 12, day: 31).utcMidnight == -86_400)
    }
}
