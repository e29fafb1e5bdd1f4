import ArgumentParser
import Foundation
import Predictive

/// Fits BG/NBD + Gamma-Gamma to a million customers and scores a million profiles, printing one
/// JSON line with wall times, parameters, standard errors and peak memory.
///
/// The customers are simulated from known parameters with a seeded generator, at day granularity
/// like a real account's (see `BuyTillYouDieSimulator.dailyCustomer`), or read from a CSV.
/// `--write-csv` writes them out so `scripts/bench-clv.sh` can fit the very same data with the
/// `lifetimes` Python package.
struct ClvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clv", abstract: "Fit BG/NBD + Gamma-Gamma on 1M customers and score 1M profiles.")

    @Option(help: "Number of simulated customers.")
    var customers = 1_000_000

    @Option(help: "Seed of the simulation.")
    var seed: UInt64 = 2026

    @Option(help: "Longest customer age in days (ages are uniform from 1 to this).")
    var maxAgeDays = 730

    @Option(help: "Write the customer summaries to this CSV (frequency,recency,T,monetary_value) and continue.")
    var writeCsv: String?

    @Option(help: "Read the customer summaries from this CSV instead of simulating them.")
    var readCsv: String?

    @Option(help: "Time budget of each fit, in seconds.")
    var timeBudget: Double = 120

    @Flag(help: "Skip scoring.")
    var noScoring = false

    func run() throws {
        let clock = ContinuousClock()
        let truth = BGNBDParameters(r: 0.55, alpha: 35, a: 0.8, b: 2.6)
        let spendTruth = GammaGammaParameters(p: 6, q: 4, gamma: 15)

        let generateStart = clock.now
        let summaries: [CustomerSummary]
        if let path = self.readCsv {
            summaries = try Self.readSummaries(path: path)
        } else {
            let simulator = BuyTillYouDieSimulator(kind: .bgnbd, purchase: truth, spend: spendTruth)
            var generator = SeededGenerator(seed: self.seed)
            let maxAge = self.maxAgeDays
            summaries = (0..<self.customers).map { _ in
                simulator.dailyCustomer(ageInDays: 1 + Int(generator.next() % UInt64(maxAge)), using: &generator)
            }
        }
        let generateSeconds = Self.seconds(clock.now - generateStart)
        if let path = self.writeCsv { try Self.writeSummaries(summaries, path: path) }

        // Fitting: grouping, both likelihood maximisations and both covariance matrices.
        let settings = OptimizerSettings(timeBudget: .milliseconds(Int64(self.timeBudget * 1000)))
        let fitStart = clock.now
        let groups = SummaryGroups(summaries)
        let groupSeconds = Self.seconds(clock.now - fitStart)
        let purchaseFit = BGNBDModel.fit(groups, settings: settings)
        let purchaseSeconds = Self.seconds(clock.now - fitStart)
        let spendStart = clock.now
        let spendData = GammaGammaModel.SpendData(summaries)
        let spendDataSeconds = Self.seconds(clock.now - spendStart)
        let spendFit = GammaGammaModel.fit(spendData, settings: settings)
        let spendSeconds = Self.seconds(clock.now - spendStart)
        let fitSeconds = Self.seconds(clock.now - fitStart)

        var result: [String: Any] = [
            "bench": "clv",
            "customers": summaries.count,
            "distinct_summaries": groups.distinctSummaries,
            "repeat_customers": spendData.customers,
            "generate_s": Self.round(generateSeconds, 3),
            "fit_s": Self.round(fitSeconds, 3),
            "bgnbd_fit_s": Self.round(purchaseSeconds, 3),
            "group_s": Self.round(groupSeconds, 3),
            "spend_data_s": Self.round(spendDataSeconds, 3),
            "bgnbd_evaluations": purchaseFit.evaluations,
            "gamma_gamma_evaluations": spendFit.evaluations,
            "gamma_gamma_fit_s": Self.round(spendSeconds, 3),
            "bgnbd_status": purchaseFit.status.description,
            "gamma_gamma_status": spendFit.status.description,
            "bgnbd_iterations": purchaseFit.iterations,
            "gamma_gamma_iterations": spendFit.iterations,
            "bgnbd_log_likelihood": purchaseFit.logLikelihood ?? .nan,
            "gamma_gamma_log_likelihood": spendFit.logLikelihood ?? .nan,
        ]
        if self.readCsv == nil {
            result["true_bgnbd"] = Self.named(BGNBDParameters.names, truth.values)
            result["true_gamma_gamma"] = Self.named(GammaGammaParameters.names, spendTruth.values)
        }
        if let parameters = purchaseFit.parameters {
            result["bgnbd"] = Self.named(BGNBDParameters.names, parameters.values)
            result["bgnbd_se"] = purchaseFit.standardErrors.map { Self.named(BGNBDParameters.names, $0) } ?? [:]
        }
        if let parameters = spendFit.parameters {
            result["gamma_gamma"] = Self.named(GammaGammaParameters.names, parameters.values)
            result["gamma_gamma_se"] = spendFit.standardErrors.map { Self.named(GammaGammaParameters.names, $0) } ?? [:]
        }
        result["peak_rss_after_fit_mb"] = Self.peakResidentMegabytes()

        if !self.noScoring, let scorer = ProfileScorer(purchaseFit: purchaseFit, kind: .bgnbd, spendFit: spendFit) {
            let inputs = summaries.map { summary in
                ProfileInput(
                    summary: summary,
                    historicValue: MoneyRounding.decimal(summary.monetaryValue * Double(summary.frequency + 1), minorUnits: 2),
                    historicOrders: summary.frequency + 1
                )
            }
            let asOf = Date(timeIntervalSince1970: 1_800_000_000)
            let scoreStart = clock.now
            let predictions = scorer.scoreAll(inputs, asOf: asOf)
            let scoreSeconds = Self.seconds(clock.now - scoreStart)
            let withRanges = predictions.reduce(0) { $0 + ($1.predictedCLV.range != nil && $1.probabilityAlive.range != nil ? 1 : 0) }
            let totalPredicted = predictions.reduce(Decimal(0)) { $0 + $1.predictedCLV.value }
            result["score_s"] = Self.round(scoreSeconds, 3)
            result["scored_profiles"] = predictions.count
            result["profiles_with_ranges"] = withRanges
            result["total_predicted_clv"] = "\(totalPredicted)"
        }
        result["peak_rss_mb"] = Self.peakResidentMegabytes()

        let line = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: line, as: UTF8.self))
    }

    static func named(_ names: [String], _ values: [Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(names, values))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func round(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded() / scale
    }

    /// VmHWM from /proc/self/status: the peak resident set size of this process, in MB.
    static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return Self.round(kilobytes / 1024, 1)
        }
        return .nan
    }

    static func writeSummaries(_ summaries: [CustomerSummary], path: String) throws {
        var text = "frequency,recency,T,monetary_value\n"
        text.reserveCapacity(summaries.count * 40)
        for summary in summaries {
            text += "\(summary.frequency),\(summary.recency),\(summary.age),\(summary.monetaryValue)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func readSummaries(path: String) throws -> [CustomerSummary] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var summaries: [CustomerSummary] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 4, let x = Int(fields[0]), let recency = Double(fields[1]), let age = Double(fields[2]), let value = Double(fields[3]) else {
                throw ValidationError("bad CSV line: \(line)")
            }
            summaries.append(CustomerSummary(frequency: x, recency: recency, age: age, monetaryValue: value))
        }
        return summaries
    }
}
