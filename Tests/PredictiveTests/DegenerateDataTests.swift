import Foundation
@testable import Predictive
import Testing

/// Data a fitter can choke on: every case ends with a status that says what is wrong, never a
/// crash, a hang or a NaN.
@Suite("Degenerate data")
struct DegenerateDataTests {
    @Test("no customers")
    func empty() {
        let fit = BGNBDModel.fit([CustomerSummary]())
        #expect(fit.status == .notFitted(.noCustomers))
        #expect(fit.parameters == nil)
        #expect(GammaGammaModel.fit(GammaGammaModel.SpendData([CustomerSummary]())).status == .notFitted(.noRepeatPurchases))
    }

    @Test("everyone bought once")
    func everyoneBoughtOnce() {
        let data = (0..<1_000).map { CustomerSummary(frequency: 0, recency: 0, age: Double($0 % 300)) }
        for kind in PurchaseModelKind.allCases {
            #expect(BGNBDModel.fit(data, kind: kind).status == .notFitted(.noRepeatPurchases))
        }
        #expect(GammaGammaModel.fit(GammaGammaModel.SpendData(data)).status == .notFitted(.noRepeatPurchases))
    }

    @Test("one customer")
    func oneCustomer() {
        let fit = BGNBDModel.fit([CustomerSummary(frequency: 3, recency: 20, age: 30, monetaryValue: 12)])
        #expect(fit.status == .notFitted(.tooLittleVariation(distinctSummaries: 1, parameters: 4)))
        let spend = GammaGammaModel.fit(GammaGammaModel.SpendData([CustomerSummary(frequency: 3, recency: 20, age: 30, monetaryValue: 12)]))
        #expect(spend.status == .notFitted(.identicalSpend))
    }

    @Test("identical customers")
    func identicalCustomers() {
        let data = Array(repeating: CustomerSummary(frequency: 2, recency: 10, age: 50, monetaryValue: 20), count: 10_000)
        #expect(BGNBDModel.fit(data).status == .notFitted(.tooLittleVariation(distinctSummaries: 1, parameters: 4)))
        #expect(GammaGammaModel.fit(GammaGammaModel.SpendData(data)).status == .notFitted(.identicalSpend))
    }

    @Test("a few distinct customers: the fit finishes with finite numbers and says what it could not estimate")
    func nearlyIdentical() {
        var data = Array(repeating: CustomerSummary(frequency: 2, recency: 10, age: 50), count: 500)
        data += Array(repeating: CustomerSummary(frequency: 0, recency: 0, age: 50), count: 500)
        data += [CustomerSummary(frequency: 1, recency: 40, age: 50), CustomerSummary(frequency: 5, recency: 49, age: 50)]
        for kind in PurchaseModelKind.allCases {
            let fit = BGNBDModel.fit(data, kind: kind, settings: OptimizerSettings(maxIterations: 300, timeBudget: .seconds(5)))
            #expect(fit.status.hasParameters)
            #expect(fit.parameters.map { $0.values.allSatisfy(\.isFinite) } ?? false)
            #expect(fit.logLikelihood?.isFinite ?? false)
            // Either the information matrix is fine or the fit says why there are no standard errors.
            #expect(fit.covariance != nil || fit.covarianceProblem != nil)
        }
    }

    @Test("huge frequencies, ages and values")
    func hugeValues() throws {
        var generator = SeededGenerator(seed: 7)
        let data = (0..<2_000).map { index -> CustomerSummary in
            let age = 1e6 + 1e6 * generator.uniform()
            let x = index % 3 == 0 ? 0 : Int(1e5 * generator.uniform()) + 1
            return CustomerSummary(frequency: x, recency: x == 0 ? 0 : age * generator.uniform(), age: age, monetaryValue: x == 0 ? 0 : 1e12 * (1 + generator.uniform()))
        }
        let fit = BGNBDModel.fit(data)
        #expect(fit.status.hasParameters)
        let parameters = try #require(fit.parameters)
        #expect(parameters.values.allSatisfy { $0.isFinite && $0 > 0 })
        let spend = GammaGammaModel.fit(GammaGammaModel.SpendData(data))
        #expect(spend.status.hasParameters)
        let scorer = try #require(ProfileScorer(purchaseFit: fit, kind: .bgnbd, spendFit: spend))
        for summary in data.prefix(50) {
            let prediction = scorer.score(ProfileInput(summary: summary, historicValue: 1, historicOrders: summary.frequency + 1), asOf: Date())
            #expect(prediction.predictedOrders.value.isFinite)
            #expect(prediction.probabilityAlive.value >= 0 && prediction.probabilityAlive.value <= 1)
        }
    }

    @Test("inconsistent summaries are skipped, not fitted")
    func inconsistent() {
        let bad = [
            CustomerSummary(frequency: -1, recency: 0, age: 10),
            CustomerSummary(frequency: 1, recency: 20, age: 10),
            CustomerSummary(frequency: 1, recency: .nan, age: 10),
        ]
        let groups = SummaryGroups(bad)
        #expect(groups.skipped == 3)
        #expect(BGNBDModel.fit(groups).status == .notFitted(.noCustomers))
    }

    @Test("the time budget and the iteration limit stop the fit with the best parameters so far")
    func limits() throws {
        let data = RecoveryTests.simulate(customers: 3_000, seed: 5)
        let start = BGNBDLikelihood(groups: SummaryGroups(data), kind: .bgnbd).evaluate(logParameters: BGNBDModel.startingPoint(SummaryGroups(data))).value

        let oneStep = BGNBDModel.fit(data, settings: OptimizerSettings(maxIterations: 1))
        #expect(oneStep.status == .stoppedEarly(.iterationLimit))
        let oneStepLikelihood = try #require(oneStep.logLikelihood)
        #expect(oneStepLikelihood > start, "the best point so far improves on the start")

        let noTime = BGNBDModel.fit(data, settings: OptimizerSettings(timeBudget: .zero))
        #expect(noTime.status == .stoppedEarly(.timeBudget))
        #expect(noTime.parameters != nil)
        #expect(noTime.status.description.contains("best found so far"))
    }
}
