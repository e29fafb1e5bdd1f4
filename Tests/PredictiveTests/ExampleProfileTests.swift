import Predictive
import Testing

@Suite("Example profiles")
struct ExampleProfileTests {
    @Test("rule 1: more than 3 orders, last within 90 days")
    func rule1() {
        let rule = ExampleProfileRule.frequentRecent
        #expect(rule.matches(orders: 4, daysSinceLastOrder: 90))
        #expect(!rule.matches(orders: 3, daysSinceLastOrder: 10))
        #expect(!rule.matches(orders: 4, daysSinceLastOrder: 91))
    }

    @Test("rule 2: 2 orders, last within 90 days")
    func rule2() {
        let rule = ExampleProfileRule.twoOrdersRecent
        #expect(rule.matches(orders: 2, daysSinceLastOrder: 0))
        #expect(rule.matches(orders: 2, daysSinceLastOrder: 90))
        #expect(!rule.matches(orders: 2, daysSinceLastOrder: 91))
        #expect(!rule.matches(orders: 3, daysSinceLastOrder: 5))
    }

    @Test("rule 3: 1 order, within the last 60 days")
    func rule3() {
        let rule = ExampleProfileRule.oneOrderRecent
        #expect(rule.matches(orders: 1, daysSinceLastOrder: 60))
        #expect(!rule.matches(orders: 1, daysSinceLastOrder: 61))
        #expect(!rule.matches(orders: 2, daysSinceLastOrder: 1))
    }

    @Test("rule 4: more than 3 orders, last more than 180 days ago")
    func rule4() {
        let rule = ExampleProfileRule.frequentLapsed
        #expect(rule.matches(orders: 10, daysSinceLastOrder: 181))
        #expect(!rule.matches(orders: 10, daysSinceLastOrder: 180))
        #expect(!rule.matches(orders: 3, daysSinceLastOrder: 400))
    }

    @Test("rule 5: 1 order, more than 60 days ago")
    func rule5() {
        let rule = ExampleProfileRule.oneOrderLapsed
        #expect(rule.matches(orders: 1, daysSinceLastOrder: 61))
        #expect(!rule.matches(orders: 1, daysSinceLastOrder: 60))
        #expect(!rule.matches(orders: 2, daysSinceLastOrder: 100))
    }

    @Test("selection takes the first match per rule and leaves unmatched rules out")
    func selection() {
        let candidates = [
            ExampleCandidate(profileID: "a", orders: 3, daysSinceLastOrder: 10),  // matches nothing
            ExampleCandidate(profileID: "b", orders: 5, daysSinceLastOrder: 10),
            ExampleCandidate(profileID: "c", orders: 7, daysSinceLastOrder: 20),
            ExampleCandidate(profileID: "d", orders: 2, daysSinceLastOrder: 30),
            ExampleCandidate(profileID: "e", orders: 1, daysSinceLastOrder: 100),
            ExampleCandidate(profileID: "f", orders: 1, daysSinceLastOrder: 3),
        ]
        let chosen = ExampleProfiles.select(from: candidates)
        #expect(chosen == [.frequentRecent: "b", .twoOrdersRecent: "d", .oneOrderLapsed: "e", .oneOrderRecent: "f"])
        #expect(chosen[.frequentLapsed] == nil)
    }
}
