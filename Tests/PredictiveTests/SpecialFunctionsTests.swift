import Foundation
@testable import Predictive
import Testing

@Suite("Special functions")
struct SpecialFunctionsTests {
    @Test("digamma matches known values and the recurrence")
    func digamma() {
        let eulerGamma = 0.57721566490153286
        #expect(abs(SpecialFunctions.digamma(1) + eulerGamma) < 1e-14)
        #expect(abs(SpecialFunctions.digamma(0.5) - (-eulerGamma - 2 * log(2.0))) < 1e-14)
        for x in [0.01, 0.3, 2.5, 7.0, 123.4, 1e6] {
            #expect(abs(SpecialFunctions.digamma(x + 1) - SpecialFunctions.digamma(x) - 1 / x) < 1e-12 * max(1, abs(SpecialFunctions.digamma(x))))
        }
        #expect(SpecialFunctions.digamma(0).isNaN)
    }

    @Test("digamma is the derivative of log-gamma")
    func digammaIsDerivative() {
        for x in [0.2, 1.7, 15.0, 4000.0] {
            let h = 1e-5 * x
            let numeric = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
            #expect(abs(numeric - SpecialFunctions.digamma(x)) < 1e-6 * max(1, abs(numeric)))
        }
    }

    @Test("log-sum-exp and the logistic function do not overflow")
    func logSpace() {
        #expect(SpecialFunctions.logSumExp(1000, 1000) == 1000 + log(2.0))
        #expect(SpecialFunctions.logSumExp(-1e6, 0) == 0)
        #expect(SpecialFunctions.logSumExp(-.infinity, 3) == 3)
        #expect(SpecialFunctions.logisticOfNegative(1e6) == 0)
        #expect(SpecialFunctions.logisticOfNegative(-1e6) == 1)
        #expect(SpecialFunctions.logisticOfNegative(0) == 0.5)
    }

    @Test("money is rounded half away from zero to the currency's minor units")
    func moneyRounding() {
        #expect(MoneyRounding.decimal(12.345, minorUnits: 2) == Decimal(string: "12.35"))
        #expect(MoneyRounding.decimal(12.344, minorUnits: 2) == Decimal(string: "12.34"))
        #expect(MoneyRounding.decimal(-0.005, minorUnits: 2) == Decimal(string: "-0.01"))
        #expect(MoneyRounding.decimal(1234.5, minorUnits: 0) == Decimal(1235))
        #expect(MoneyRounding.decimal(.nan, minorUnits: 2) == 0)
        #expect(MoneyRounding.decimal(1e20, minorUnits: 2) == Decimal(string: "100000000000000000000"))
    }
}
