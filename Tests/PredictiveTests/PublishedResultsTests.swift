import Foundation
import Predictive
import Testing

/// The published estimates on the CDNOW sample: BG/NBD from Fader, Hardie & Lee (2005, table 1
/// and text) and Gamma-Gamma from Fader & Hardie (2013), to the digits printed there.
@Suite("Published results on CDNOW")
struct PublishedResultsTests {
    @Test("the sample has 2,357 customers, 946 of them with repeat purchases in calibration")
    func sampleShape() throws {
        let summaries = try CDNOWSample.calibrationSummaries()
        #expect(summaries.count == 2357)
        #expect(summaries.filter { $0.frequency > 0 }.count == 946)
        #expect(summaries.map(\.frequency).reduce(0, +) == 2457)
    }

    @Test("BG/NBD: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4")
    func bgnbd() throws {
        let fit = BGNBDModel.fit(try CDNOWSample.calibrationSummaries())
        #expect(fit.status == .converged)
        let parameters = try #require(fit.parameters)
        #expect(Self.rounded(parameters.r, 3) == 0.243)
        #expect(Self.rounded(parameters.alpha, 3) == 4.414)
        #expect(Self.rounded(parameters.a, 3) == 0.793)
        #expect(Self.rounded(parameters.b, 3) == 2.426)
        #expect(Self.rounded(try #require(fit.logLikelihood), 1) == -9582.4)
        #expect(fit.standardErrors != nil)
    }

    @Test("BG/NBD prediction of the paper: customer with x = 2, t_x = 30.43, T = 38.86 makes 1.226 purchases in 39 weeks")
    func bgnbdConditionalExpectation() {
        let model = BGNBDModel(parameters: BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426))
        let expected = model.expectedPurchases(CustomerSummary(frequency: 2, recency: 30.43, age: 38.86), horizon: 39)
        #expect(Self.rounded(expected, 3) == 1.226)
    }

    @Test("Gamma-Gamma on the repeat customers: p = 6.25, q = 3.74, γ = 15.44")
    func gammaGamma() throws {
        let data = GammaGammaModel.SpendData(try CDNOWSample.calibrationSummaries())
        #expect(data.customers == 946)
        let fit = GammaGammaModel.fit(data)
        #expect(fit.status == .converged)
        let parameters = try #require(fit.parameters)
        #expect(Self.rounded(parameters.p, 2) == 6.25)
        #expect(Self.rounded(parameters.q, 2) == 3.74)
        #expect(Self.rounded(parameters.gamma, 2) == 15.44)
    }

    static func rounded(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded() / scale
    }
}
