import Foundation

/// Simulates customers from known BG/NBD (or MBG/NBD) and Gamma-Gamma parameters: the ground
/// truth for recovery tests and the data of the fitting benchmark.
///
/// Each customer draws a purchase rate λ ~ Gamma(r, α), a dropout probability p ~ Beta(a, b) and a
/// spend scale ν ~ Gamma(q, γ); buys at time 0, then at the events of a Poisson process with rate
/// λ until dropping out (with probability p right after each repeat purchase, and for MBG/NBD also
/// right after the first) or until the end of the observation; each repeat purchase is worth a
/// Gamma(p_spend, ν) amount.
public struct BuyTillYouDieSimulator: Sendable {
    public var kind: PurchaseModelKind
    public var purchase: BGNBDParameters
    public var spend: GammaGammaParameters

    public init(kind: PurchaseModelKind = .bgnbd, purchase: BGNBDParameters, spend: GammaGammaParameters = GammaGammaParameters(p: 6, q: 4, gamma: 15)) {
        self.kind = kind
        self.purchase = purchase
        self.spend = spend
    }

    /// One customer observed for `age` time units after the first purchase, in continuous time.
    public func customer(age: Double, using generator: inout SeededGenerator) -> CustomerSummary {
        let times = self.repeatPurchaseTimes(until: age, using: &generator)
        return CustomerSummary(
            frequency: times.count, recency: times.last ?? 0, age: age,
            monetaryValue: self.meanSpend(count: times.count, using: &generator)
        )
    }

    /// One customer observed for `age` time units (the calibration period) and then for `holdout`
    /// more: the calibration summary and the number of purchases in the holdout period.
    public func customer(age: Double, holdout: Double, using generator: inout SeededGenerator) -> (calibration: CustomerSummary, holdoutPurchases: Int) {
        let times = self.repeatPurchaseTimes(until: age + holdout, using: &generator)
        let calibrationTimes = times.filter { $0 <= age }
        let summary = CustomerSummary(
            frequency: calibrationTimes.count, recency: calibrationTimes.last ?? 0, age: age,
            monetaryValue: self.meanSpend(count: calibrationTimes.count, using: &generator)
        )
        return (summary, times.count - calibrationTimes.count)
    }

    /// One customer whose first purchase was `ageInDays` days before the end of the observation
    /// (at a random time of that day), with purchases counted per calendar day as the accumulator
    /// does: the shape of real accounts' data, with many customers sharing a summary.
    public func dailyCustomer(ageInDays: Int, using generator: inout SeededGenerator) -> CustomerSummary {
        let timeOfDay = generator.uniform()
        let times = self.repeatPurchaseTimes(until: Double(ageInDays + 1) - timeOfDay, using: &generator)
        var lastDay = 0, repeatDays = 0
        for time in times {
            let day = Int((timeOfDay + time).rounded(.down))
            if day > lastDay {
                repeatDays += 1
                lastDay = day
            }
        }
        return CustomerSummary(
            frequency: repeatDays, recency: Double(lastDay), age: Double(ageInDays),
            monetaryValue: self.meanSpend(count: repeatDays, using: &generator)
        )
    }

    private func repeatPurchaseTimes(until end: Double, using generator: inout SeededGenerator) -> [Double] {
        let lambda = generator.gamma(shape: self.purchase.r, rate: self.purchase.alpha)
        let p = generator.beta(self.purchase.a, self.purchase.b)
        if self.kind == .modifiedBGNBD && generator.uniform() < p { return [] }
        var times: [Double] = []
        var time = 0.0
        while true {
            time += generator.exponential(rate: lambda)
            guard time <= end else { break }
            times.append(time)
            if generator.uniform() < p { break }
        }
        return times
    }

    private func meanSpend(count: Int, using generator: inout SeededGenerator) -> Double {
        guard count > 0 else { return 0 }
        let nu = generator.gamma(shape: self.spend.q, rate: self.spend.gamma)
        var total = 0.0
        for _ in 0..<count { total += generator.gamma(shape: self.spend.p, rate: nu) }
        return total / Double(count)
    }
}
