import Foundation

/// How well a purchase model predicted a period it did not see: fitted on the history up to a
/// cut-off, asked for each customer's purchases in the held-back period, compared with what
/// happened. Shown on the model card and used to choose between BG/NBD and MBG/NBD.
public struct HoldoutReport: Sendable {
    public var kind: PurchaseModelKind
    public var fit: ModelFit<BGNBDParameters>
    /// Length of the held-back period, in the model's time unit.
    public var holdoutLength: Double
    /// Expected purchases (purchase days) per customer in the holdout, in input order (empty if
    /// the model could not be fitted).
    public var predicted: [Double]
    /// Actual purchase days per customer in the holdout.
    public var actual: [Int]

    /// Per-customer mean absolute error, or nil without a fitted model.
    public var meanAbsoluteError: Double? {
        guard !self.predicted.isEmpty else { return nil }
        return zip(self.predicted, self.actual).reduce(0) { $0 + abs($1.0 - Double($1.1)) } / Double(self.predicted.count)
    }

    public var predictedTotal: Double? {
        self.predicted.isEmpty ? nil : self.predicted.reduce(0, +)
    }

    public var actualTotal: Int { self.actual.reduce(0, +) }

    /// (predicted total − actual total) / actual total: the error of the account-level forecast.
    public var aggregateRelativeError: Double? {
        guard let predicted = self.predictedTotal, self.actualTotal > 0 else { return nil }
        return (predicted - Double(self.actualTotal)) / Double(self.actualTotal)
    }
}

public enum HoldoutCheck {
    /// Runs the check on calibration summaries (as of the cut-off) and the actual number of
    /// purchase days of the same customers in the `holdoutLength` that followed.
    public static func run(
        calibration: [CustomerSummary], actual: [Int], holdoutLength: Double, kind: PurchaseModelKind,
        settings: OptimizerSettings = OptimizerSettings()
    ) -> HoldoutReport {
        precondition(calibration.count == actual.count, "one actual count per customer")
        let fit = BGNBDModel.fit(calibration, kind: kind, settings: settings)
        var predicted: [Double] = []
        if let parameters = fit.parameters {
            let model = BGNBDModel(kind: kind, parameters: parameters)
            var cache: [Int: [Double: Double]] = [:]
            predicted = calibration.map { summary in
                let ifAlive = cache[summary.frequency, default: [:]][summary.age] ?? {
                    let value = model.expectedPurchasesIfAlive(frequency: summary.frequency, age: summary.age, horizon: holdoutLength)
                    cache[summary.frequency, default: [:]][summary.age] = value
                    return value
                }()
                return model.probabilityAlive(frequency: summary.frequency, recency: summary.recency, age: summary.age) * ifAlive
            }
        }
        return HoldoutReport(kind: kind, fit: fit, holdoutLength: holdoutLength, predicted: predicted, actual: actual)
    }

    /// Runs the check on customers' records: calibration up to the end of `cutoffDay`, holdout
    /// from the next day to the end of `endDay`. Customers whose first order is after the
    /// cut-off are not part of it.
    public static func run<C: Collection>(
        records: C, cutoffDay: Int, endDay: Int, kind: PurchaseModelKind, unitInDays: Double = 1,
        settings: OptimizerSettings = OptimizerSettings()
    ) -> HoldoutReport where C.Element == CustomerRecord {
        var calibration: [CustomerSummary] = []
        var actual: [Int] = []
        for record in records {
            guard let summary = record.summary(asOfDay: cutoffDay, unitInDays: unitInDays) else { continue }
            calibration.append(summary)
            actual.append(record.purchaseDays(after: cutoffDay, through: endDay))
        }
        return Self.run(calibration: calibration, actual: actual, holdoutLength: Double(endDay - cutoffDay) / unitInDays, kind: kind, settings: settings)
    }
}

/// Which purchase model an account uses, and why (for the model card).
public struct PurchaseModelChoice: Sendable {
    public var kind: PurchaseModelKind
    public var reason: String
    public var reports: [HoldoutReport]

    /// Prefers the model with the lower per-customer holdout error. BG/NBD, the published model,
    /// is kept unless MBG/NBD is better by more than 0.5% (a difference that small is noise).
    /// A model that could not be fitted is never chosen; if neither could, BG/NBD is named with
    /// the reason. `unit` names the time unit in the reason ("days" in predictive-service).
    public static func choose(bgnbd: HoldoutReport, modified: HoldoutReport, unit: String = "time units") -> PurchaseModelChoice {
        let reports = [bgnbd, modified]
        func describe(_ report: HoldoutReport) -> String {
            guard let mae = report.meanAbsoluteError else { return "\(report.kind) could not be fitted (\(report.fit.status))" }
            let aggregate = report.aggregateRelativeError.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
            return "\(report.kind) per-customer MAE \(String(format: "%.4f", mae)), aggregate error \(aggregate)"
        }
        let period = String(format: "%.0f", bgnbd.holdoutLength)
        switch (bgnbd.meanAbsoluteError, modified.meanAbsoluteError) {
        case (nil, nil):
            return PurchaseModelChoice(kind: .bgnbd, reason: "neither model could be fitted: \(describe(bgnbd)); \(describe(modified))", reports: reports)
        case (nil, .some):
            return PurchaseModelChoice(kind: .modifiedBGNBD, reason: "\(describe(bgnbd)); \(describe(modified))", reports: reports)
        case (.some, nil):
            return PurchaseModelChoice(kind: .bgnbd, reason: "\(describe(modified)); \(describe(bgnbd))", reports: reports)
        case (.some(let plain), .some(let modifiedError)):
            let chooseModified = modifiedError < plain * 0.995
            let chosen: PurchaseModelKind = chooseModified ? .modifiedBGNBD : .bgnbd
            let verdict = chooseModified
                ? "MBG/NBD predicts the held-back \(period) \(unit) better"
                : (modifiedError < plain ? "MBG/NBD is better by less than 0.5%, so the published BG/NBD is kept" : "BG/NBD predicts the held-back \(period) \(unit) at least as well")
            return PurchaseModelChoice(kind: chosen, reason: "\(verdict): \(describe(bgnbd)) vs \(describe(modified))", reports: reports)
        }
    }
}
