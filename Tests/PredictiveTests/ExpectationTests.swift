import Foundation
@testable import Predictive
import Testing

/// The closed forms against direct numerical integration of their definitions.
@Suite("Purchase model predictions")
struct ExpectationTests {
    /// E[(1 − e^(−λpt))/p] for λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x+s), integrating λ in closed
    /// form and p numerically by the midpoint rule (for a < 1 in v = pᵃ, which removes the
    /// density's singularity at 0; for a ≥ 1 in p, where the density is already smooth).
    static func bruteForceIfAlive(_ model: BGNBDModel, x: Int, age: Double, horizon: Double) -> Double {
        let p = model.parameters
        let k = p.r + Double(x)
        let beta = p.b + Double(x) + Double(model.kind.dropoutShift)
        let u = horizon / (p.alpha + age)
        let steps = 400_000
        var sum = 0.0
        let substitute = p.a < 1
        for index in 0..<steps {
            let v = (Double(index) + 0.5) / Double(steps)
            let prob = substitute ? pow(v, 1 / p.a) : v
            let h = -expm1(-k * log1p(prob * u)) / prob
            sum += h * pow(1 - prob, beta - 1) * (substitute ? 1 : pow(prob, p.a - 1))
        }
        let logNormaliser = SpecialFunctions.logBeta(p.a, beta) + (substitute ? log(p.a) : 0)
        return sum / Double(steps) / exp(logNormaliser)
    }

    @Test(
        "E[purchases | alive] matches numerical integration",
        arguments: [
            (BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426), 2, 38.86, 39.0),
            (BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426), 0, 1.0, 52.0),
            (BGNBDParameters(r: 1.5, alpha: 30, a: 1.0, b: 3), 5, 200.0, 365.0),
            (BGNBDParameters(r: 0.8, alpha: 20, a: 2.5, b: 0.7), 40, 700.0, 365.0),
            (BGNBDParameters(r: 0.3, alpha: 2, a: 0.5, b: 5), 0, 0.0, 365.0),
        ]
    )
    func ifAliveMatchesIntegral(parameters: BGNBDParameters, x: Int, age: Double, horizon: Double) {
        for kind in PurchaseModelKind.allCases {
            let model = BGNBDModel(kind: kind, parameters: parameters)
            let closed = model.expectedPurchasesIfAlive(frequency: x, age: age, horizon: horizon)
            let numeric = Self.bruteForceIfAlive(model, x: x, age: age, horizon: horizon)
            #expect(abs(closed - numeric) < 1e-4 * max(1, numeric), "\(kind) x=\(x) T=\(age): \(closed) vs \(numeric)")
        }
    }

    @Test("P(alive): one-time buyers are alive under BG/NBD, not under MBG/NBD; recent buyers more alive")
    func probabilityAlive() {
        let parameters = BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        let plain = BGNBDModel(kind: .bgnbd, parameters: parameters)
        let modified = BGNBDModel(kind: .modifiedBGNBD, parameters: parameters)
        #expect(plain.probabilityAlive(frequency: 0, recency: 0, age: 300) == 1)
        #expect(modified.probabilityAlive(frequency: 0, recency: 0, age: 300) < modified.probabilityAlive(frequency: 0, recency: 0, age: 3))
        #expect(plain.probabilityAlive(frequency: 3, recency: 35, age: 38) > plain.probabilityAlive(frequency: 3, recency: 5, age: 38))
        // Huge frequency and age: no overflow, still a probability.
        let extreme = plain.probabilityAlive(frequency: 1_000_000, recency: 1e7, age: 2e7)
        #expect(extreme >= 0 && extreme <= 1)
        #expect(plain.probabilityAlive(frequency: 1_000_000, recency: 2e7, age: 2e7) > 0.2)
    }

    @Test("predictions stay finite for very large frequencies and ages")
    func largeValues() {
        let model = BGNBDModel(parameters: BGNBDParameters(r: 0.5, alpha: 10, a: 0.9, b: 3))
        for (x, age) in [(1_000_000, 1e7), (100_000, 1e5), (0, 1e9), (5, 1e-9)] {
            let ifAlive = model.expectedPurchasesIfAlive(frequency: x, age: age, horizon: 365)
            #expect(ifAlive.isFinite && ifAlive >= 0, "x=\(x) T=\(age)")
            #expect(model.logLikelihood(CustomerSummary(frequency: x, recency: age / 2, age: age)).isFinite)
        }
        // A live customer buying 1e6 times in 1e7 days buys about 0.1 per day.
        let rate = model.expectedPurchasesIfAlive(frequency: 1_000_000, age: 1e7, horizon: 10) / 10
        #expect(abs(rate - 0.1) < 0.001)
    }

    @Test("the median time to the next purchase halves the chance of a purchase")
    func medianNextPurchase() throws {
        let model = BGNBDModel(parameters: BGNBDParameters(r: 0.8, alpha: 20, a: 0.8, b: 2.5))
        let (x, tx, age) = (4, 90.0, 100.0)
        let tau = try #require(model.medianTimeToNextPurchase(frequency: x, recency: tx, age: age))
        let alive = model.probabilityAlive(frequency: x, recency: tx, age: age)
        let k = model.parameters.r + Double(x)
        let purchaseProbability = alive * (1 - pow((model.parameters.alpha + age) / (model.parameters.alpha + age + tau), k))
        #expect(abs(purchaseProbability - 0.5) < 1e-12)
        // Someone very likely gone gets no date.
        #expect(model.medianTimeToNextPurchase(frequency: 4, recency: 5, age: 1000) == nil)
    }
}
