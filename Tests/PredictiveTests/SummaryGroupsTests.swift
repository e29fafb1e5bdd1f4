@testable import Predictive
import Testing

@Suite("Grouping identical summaries")
struct SummaryGroupsTests {
    static func dailyCustomers(_ count: Int, seed: UInt64) -> [CustomerSummary] {
        let simulator = BuyTillYouDieSimulator(purchase: BGNBDParameters(r: 0.55, alpha: 35, a: 0.8, b: 2.6))
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in simulator.dailyCustomer(ageInDays: 1 + Int(generator.next() % 400), using: &generator) }
    }

    @Test("groups hold every customer once, sorted by frequency, with their exact summaries")
    func grouping() {
        let data = Self.dailyCustomers(20_000, seed: 11)
        let groups = SummaryGroups(data)
        #expect(groups.customers == data.count)
        #expect(groups.frequency == groups.frequency.sorted())
        var expected: [String: Int] = [:]
        for summary in data {
            expected["\(summary.frequency)/\(summary.frequency == 0 ? 0 : summary.recency)/\(summary.age)", default: 0] += 1
        }
        #expect(groups.distinctSummaries == expected.count)
        for index in groups.frequency.indices {
            let key = "\(groups.frequency[index])/\(groups.recency[index])/\(groups.age[index])"
            #expect(Int(groups.count[index]) == expected[key], "\(key)")
            #expect(groups.times[Int(groups.ageIndex[index])] == groups.age[index])
            #expect(groups.times[Int(groups.recencyIndex[index])] == groups.recency[index])
        }
        // Fractional times take the hashed path and group the same way.
        let weekly = data.map { CustomerSummary(frequency: $0.frequency, recency: $0.recency / 7, age: $0.age / 7) }
        #expect(SummaryGroups(weekly).distinctSummaries == groups.distinctSummaries)
    }

    @Test("a systematic sample keeps one customer in k, in proportion per frequency")
    func systematicSample() {
        let groups = SummaryGroups(Self.dailyCustomers(50_000, seed: 12))
        let sample = groups.systematicSample(every: 10)
        #expect(sample.customers == 5_000)
        var full: [Int: Double] = [:], sampled: [Int: Double] = [:]
        for index in groups.frequency.indices { full[groups.frequency[index], default: 0] += groups.count[index] }
        for index in sample.frequency.indices { sampled[sample.frequency[index], default: 0] += sample.count[index] }
        for (x, count) in full {
            #expect(abs((sampled[x] ?? 0) - count / 10) <= 1, "x = \(x)")
        }
        // Its fit lands close to the full fit (within the sample's own standard errors).
        let fullFit = BGNBDModel.fit(groups)
        let sampleFit = BGNBDModel.fit(sample)
        let sampleErrors = sampleFit.covariance?.logStandardErrors ?? []
        for index in 0..<4 where !sampleErrors.isEmpty {
            #expect(abs(fullFit.parameters!.logParameters[index] - sampleFit.parameters!.logParameters[index]) < 3 * sampleErrors[index])
        }

        // Warm-started from the sample (as large fits are), the full fit reaches the same optimum.
        let warm = MaximumLikelihood.fit(
            start: BGNBDModel.startingPoint(groups), names: BGNBDParameters.names, customers: groups.customers, settings: OptimizerSettings(),
            warmStart: (sample.customers, BGNBDLikelihood(groups: sample, kind: .bgnbd).evaluate(logParameters:)),
            logLikelihood: BGNBDLikelihood(groups: groups, kind: .bgnbd).evaluate(logParameters:)
        )
        #expect(warm.status == .converged)
        for index in 0..<4 {
            #expect(abs(warm.outcome.point[index] - fullFit.parameters!.logParameters[index]) < 1e-5)
        }
    }
}
