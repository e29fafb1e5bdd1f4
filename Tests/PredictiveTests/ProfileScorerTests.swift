import Foundation
import Predictive
import Testing

@Suite("Profile predictions")
struct ProfileScorerTests {
    /// A scorer fitted on CDNOW (weeks), so predictions and ranges come from a real fit.
    static func cdnowScorer(minorUnits: Int = 2) throws -> (ProfileScorer, [CustomerSummary]) {
        let summaries = try CDNOWSample.calibrationSummaries()
        let purchase = BGNBDModel.fit(summaries)
        let spend = GammaGammaModel.fit(GammaGammaModel.SpendData(summaries))
        let scorer = try #require(ProfileScorer(
            purchaseFit: purchase, kind: .bgnbd, spendFit: spend,
            settings: ProfileScorer.Settings(horizonDays: 365, unitInDays: 7, currencyMinorUnits: minorUnits)
        ))
        return (scorer, summaries)
    }

    static let asOf = DayNumber.date(ofDay: CDNOWSample.calibrationEndDay + 1)

    @Test("every prediction has a 90% range around its value, and money is in minor units")
    func rangesAndMoney() throws {
        let (scorer, _) = try Self.cdnowScorer()
        let input = ProfileInput(summary: CustomerSummary(frequency: 2, recency: 30.43, age: 38.86, monetaryValue: 22.35), historicValue: Decimal(string: "70.12")!, historicOrders: 3)
        let prediction = scorer.score(input, asOf: Self.asOf)

        let orders = try #require(prediction.predictedOrders.range)
        #expect(orders.contains(prediction.predictedOrders.value) && orders.lowerBound < orders.upperBound)
        // 52.14 weeks instead of the paper's 39: more than 1.226 purchases.
        #expect(prediction.predictedOrders.value > 1.226 && prediction.predictedOrders.value < 2)

        for money in [prediction.predictedCLV, prediction.averageOrderValue, prediction.totalCLV] {
            let range = try #require(money.range)
            #expect(range.lowerBound <= money.value && money.value <= range.upperBound)
            #expect(money.value.exponent >= -2, "rounded to cents: \(money.value)")
        }
        #expect(prediction.historicCLV == Decimal(string: "70.12"))
        #expect(prediction.totalCLV.value == prediction.historicCLV + prediction.predictedCLV.value)
        #expect(prediction.historicOrders == 3)
        // E[M] shrinks the customer's 22.35 towards the population mean of about 35.
        let aov = NSDecimalNumber(decimal: prediction.averageOrderValue.value).doubleValue
        #expect(aov > 22.35 && aov < 35)

        let alive = try #require(prediction.probabilityAlive.range)
        #expect(alive.contains(prediction.probabilityAlive.value) && alive.upperBound <= 1 && alive.lowerBound >= 0)
        #expect(abs(prediction.churnProbability.value - (1 - prediction.probabilityAlive.value)) < 1e-15)
        #expect(prediction.churnBand == ChurnBand(churnProbability: prediction.churnProbability.value))

        #expect(abs(try #require(prediction.averageDaysBetweenOrders) - 30.43 * 7 / 2) < 1e-9)
        let next = try #require(prediction.expectedNextOrder)
        #expect(next.value > Self.asOf)
        let nextRange = try #require(next.range)
        #expect(nextRange.contains(next.value))
    }

    @Test("one order: no average days between orders; alive under BG/NBD")
    func oneOrder() throws {
        let (scorer, _) = try Self.cdnowScorer()
        let prediction = scorer.score(ProfileInput(summary: CustomerSummary(frequency: 0, recency: 0, age: 20), historicValue: 15, historicOrders: 1), asOf: Self.asOf)
        #expect(prediction.averageDaysBetweenOrders == nil)
        #expect(prediction.probabilityAlive.value == 1)
        #expect(prediction.churnBand == .low)
        #expect(prediction.predictedOrders.value > 0)
    }

    @Test("a lapsed frequent buyer is likely churned and gets no next-order date")
    func lapsed() throws {
        let (scorer, _) = try Self.cdnowScorer()
        let prediction = scorer.score(ProfileInput(summary: CustomerSummary(frequency: 8, recency: 6, age: 38, monetaryValue: 30), historicValue: 270, historicOrders: 9), asOf: Self.asOf)
        #expect(prediction.churnBand == .high)
        #expect(prediction.expectedNextOrder == nil)
        let churn = try #require(prediction.churnProbability.range)
        #expect(churn.contains(prediction.churnProbability.value))
    }

    @Test("churn bands: low below 33%, medium 33–66%, high above 66%")
    func bands() {
        #expect(ChurnBand(churnProbability: 0.3299) == .low)
        #expect(ChurnBand(churnProbability: 0.33) == .medium)
        #expect(ChurnBand(churnProbability: 0.66) == .medium)
        #expect(ChurnBand(churnProbability: 0.6601) == .high)
    }

    @Test("scoring many profiles at once gives the same predictions as one by one")
    func batch() throws {
        let (scorer, summaries) = try Self.cdnowScorer(minorUnits: 0)
        let inputs = summaries.map { ProfileInput(summary: $0, historicValue: 100, historicOrders: $0.frequency + 1) }
        let batch = scorer.scoreAll(inputs, asOf: Self.asOf)
        #expect(batch.count == inputs.count)
        for index in stride(from: 0, to: inputs.count, by: 97) {
            #expect(batch[index] == scorer.score(inputs[index], asOf: Self.asOf))
        }
        #expect(batch.allSatisfy { $0.predictedCLV.value.exponent >= 0 }, "whole currency units when minorUnits is 0")
    }

    @Test("without covariance there are no ranges; without a spend model the historic average is used")
    func fallbacks() {
        let scorer = ProfileScorer(
            purchaseModel: BGNBDModel(parameters: BGNBDParameters(r: 0.5, alpha: 20, a: 0.8, b: 2.5)), purchaseCovariance: nil,
            spendModel: nil, spendCovariance: nil
        )
        let prediction = scorer.score(ProfileInput(summary: CustomerSummary(frequency: 2, recency: 50, age: 60, monetaryValue: 40), historicValue: 90, historicOrders: 3), asOf: Date())
        #expect(prediction.predictedOrders.range == nil)
        #expect(prediction.predictedCLV.range == nil)
        #expect(prediction.averageOrderValue.value == 30)
        #expect(prediction.averageOrderValue.range == nil)
    }
}
