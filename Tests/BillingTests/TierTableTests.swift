import Billing
import Foundation
import Testing

@Suite struct TierTableTests {
    @Test func firstDefaultTierIs100DollarsFor13500Profiles() {
        let first = TierTable.defaults.smallest
        #expect(first.activeProfileLimit == 13_500)
        #expect(first.monthlyPrice == Money(units: 100))
        #expect(first.monthlyPrice.description == "100.00")
    }

    @Test func defaultTiersAreTheDocumentedOnes() {
        let rows = TierTable.defaults.tiers.map { "\($0.activeProfileLimit) \($0.monthlyPrice)" }
        #expect(rows == [
            "13500 100.00", "25000 150.00", "50000 250.00", "100000 400.00", "250000 750.00",
            "500000 1250.00", "1000000 2000.00", "2500000 4000.00", "5000000 7000.00",
        ])
    }

    @Test func selectionAtExactBoundaries() {
        let table = TierTable.defaults
        #expect(table.tier(covering: 0)?.activeProfileLimit == 13_500)
        #expect(table.tier(covering: 13_500)?.activeProfileLimit == 13_500)
        #expect(table.tier(covering: 13_501)?.activeProfileLimit == 25_000)
        #expect(table.tier(covering: 25_000)?.activeProfileLimit == 25_000)
        #expect(table.tier(covering: 25_001)?.activeProfileLimit == 50_000)
        #expect(table.tier(covering: 5_000_000)?.activeProfileLimit == 5_000_000)
        #expect(table.tier(covering: 5_000_001) == nil)
    }

    @Test func validationRefusesAnEmptyTable() {
        #expect(throws: TierTableError.empty) { try TierTable([]) }
    }

    @Test func validationRefusesNonPositiveLimitsAndPrices() {
        #expect(throws: TierTableError.nonPositiveLimit(tier: 1, limit: 0)) {
            try TierTable([Tier(activeProfileLimit: 0, monthlyPrice: Money(units: 100))])
        }
        #expect(throws: TierTableError.nonPositivePrice(tier: 2, price: .zero)) {
            try TierTable([
                Tier(activeProfileLimit: 100, monthlyPrice: Money(units: 1)),
                Tier(activeProfileLimit: 200, monthlyPrice: .zero),
            ])
        }
    }

    @Test func validationRefusesLimitsThatDoNotAscend() {
        let error = #expect(throws: TierTableError.self) {
            try TierTable([
                Tier(activeProfileLimit: 13_500, monthlyPrice: Money(units: 100)),
                Tier(activeProfileLimit: 13_500, monthlyPrice: Money(units: 150)),
            ])
        }
        #expect(error == .limitsNotAscending(tier: 2, limit: 13_500, previousLimit: 13_500))
        #expect(error?.description == "tier 2: limits must increase from tier to tier, but 13,500 follows 13,500")
    }

    @Test func validationRefusesALargerTierThatCostsLess() {
        let error = #expect(throws: TierTableError.self) {
            try TierTable([
                Tier(activeProfileLimit: 13_500, monthlyPrice: Money(units: 100)),
                Tier(activeProfileLimit: 25_000, monthlyPrice: Money(units: 90)),
            ])
        }
        #expect(error == .priceDecreases(tier: 2, price: Money(units: 90), previousPrice: Money(units: 100)))
        #expect(error?.description.contains("cannot cost less") == true)
    }

    @Test func readsConfigurationText() throws {
        let table = try TierTable(configurationText: """
            # active profiles   monthly price
            13,500   100.00

            25_000   $150     # second tier
            """)
        #expect(table.tiers == [
            Tier(activeProfileLimit: 13_500, monthlyPrice: Money(units: 100)),
            Tier(activeProfileLimit: 25_000, monthlyPrice: Money(units: 150)),
        ])
    }

    @Test func configurationTextRoundTrips() throws {
        #expect(try TierTable(configurationText: TierTable.defaults.configurationText) == TierTable.defaults)
    }

    @Test func malformedConfigurationLineIsNamed() {
        let error = #expect(throws: TierTableError.self) {
            try TierTable(configurationText: "13500 100.00\n25000 150.005\n")
        }
        #expect(error == .malformedLine(line: 2, text: "25000 150.005"))
        #expect(error?.description.hasPrefix("line 2: expected '<active-profile limit> <monthly price>'") == true)
    }

    @Test func configurationIsValidatedLikeCode() {
        #expect(throws: TierTableError.empty) { try TierTable(configurationText: "# nothing here\n") }
        #expect(throws: TierTableError.limitsNotAscending(tier: 2, limit: 10_000, previousLimit: 13_500)) {
            try TierTable(configurationText: "13500 100\n10000 150\n")
        }
    }

    @Test func readsJSON() throws {
        let json = Data(#"{"tiers": [{"activeProfiles": 13500, "monthlyPrice": "100.00"}, {"activeProfiles": 30000, "monthlyPrice": "175.50"}]}"#.utf8)
        let table = try TierTable(json: json)
        #expect(table.largest == Tier(activeProfileLimit: 30_000, monthlyPrice: Money(minorUnits: 17_550)))
    }

    @Test func jsonPricesMustBeStrings() {
        let json = Data(#"{"tiers": [{"activeProfiles": 13500, "monthlyPrice": 100.0}]}"#.utf8)
        let error = #expect(throws: TierTableError.self) { try TierTable(json: json) }
        #expect(error?.description.hasPrefix("tier table JSON: wrong type at 'tiers.0.monthlyPrice'") == true)
        #expect(throws: TierTableError.malformedJSON(reason: "missing key 'tiers'")) {
            try TierTable(json: Data("{}".utf8))
        }
        #expect(throws: TierTableError.malformedJSON(reason: "not valid JSON")) {
            try TierTable(json: Data("tiers".utf8))
        }
    }
}
