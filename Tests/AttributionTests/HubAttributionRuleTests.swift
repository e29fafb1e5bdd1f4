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
