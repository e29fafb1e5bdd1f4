import Billing
import Testing

@Suite struct MoneyTests {
    @Test func parsesDecimalTextExactly() {
        #expect(Money(parsing: "100") == Money(minorUnits: 10_000))
        #expect(Money(parsing: "100.5") == Money(minorUnits: 10_050))
        #expect(Money(parsing: "$1,250.05") == Money(minorUnits: 125_005))
        #expect(Money(parsing: "0.01") == Money(minorUnits: 1))
        #expect(Money(parsing: "-3.05") == Money(minorUnits: -305))
    }

    @Test func refusesWhatItCannotHoldExactly() {
        #expect(Money(parsing: "1.005") == nil)
        #expect(Money(parsing: "") == nil)
        #expect(Money(parsing: "12a") == nil)
        #expect(Money(parsing: ".50") == nil)
        #expect(Money(parsing: "1e3") == nil)
    }

    @Test func printsTwoDecimals() {
        #expect(Money(minorUnits: 10_000).description == "100.00")
        #expect(Money(minorUnits: 7).description == "0.07")
        #expect(Money(minorUnits: -305).description == "-3.05")
    }

    @Test func prorationRoundsHalvesUp() {
        // 100.00 × 10/31 = 32.258… → 32.26; × 22/31 = 70.967… → 70.97.
        #expect(Money(units: 100).prorated(days: 10, of: 31) == Money(minorUnits: 3_226))
        #expect(Money(units: 100).prorated(days: 22, of: 31) == Money(minorUnits: 7_097))
        // Exact halves: 1 cent × 14/28 = 0.5 → 1; 3 cents × 14/28 = 1.5 → 2.
        #expect(Money(minorUnits: 1).prorated(days: 14, of: 28) == Money(minorUnits: 1))
        #expect(Money(minorUnits: 3).prorated(days: 14, of: 28) == Money(minorUnits: 2))
        // A whole month is the price, no day is nothing.
        #expect(Money(units: 150).prorated(days: 30, of: 30) == Money(units: 150))
        #expect(Money(units: 150).prorated(days: 0, of: 30) == .zero)
    }
}
