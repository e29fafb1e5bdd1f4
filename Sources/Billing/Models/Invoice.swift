public import Foundation

/// A month's invoice, computed from stored data only: the account's plan schedule, its time zone,
/// the month's active-profile count and the price list. The same inputs always give the same
/// invoice (nothing here reads the clock), so an invoice can be recomputed at any time and equal
/// the one issued.
///
/// **Lines.** The email plan for the whole month, then one Marketing Analytics line per run of local
/// days with the same purchased tier.
///
/// **Proration.** Each local day is billed at the plan in force at the end of that day (see
/// `PlanSchedule`). A Marketing Analytics line for `d` of the month's `n` days costs
/// `price × d / n`, rounded to the cent, halves up; a whole month costs exactly the price.
///
/// **Over the purchased tier.** The month's active profiles (the count at the month's end, see
/// `ActiveProfileCounter`) are compared with each line's purchased tier. When they exceed it the
/// line is billed at the tier actually needed, the smallest tier of the current table that covers
/// them, at that tier's price for the line's days, and the line names both tiers. Beyond the
/// largest tier the largest tier is billed and the line says the table was exceeded (the operator
/// adds a tier). A purchased tier larger than needed is billed as purchased: no automatic downgrade.
public struct Invoice: Hashable, Sendable, Codable {
    public let month: CalendarMonth
    public let currency: String
    /// The month's active profiles the invoice was computed with.
    public let activeProfiles: Int
    public let lines: [InvoiceLine]

    public var total: Money { self.lines.reduce(.zero) { $0 + $1.amount } }

    public init(month: CalendarMonth, currency: String, activeProfiles: Int, lines: [InvoiceLine]) {
        self.month = month
        self.currency = currency
        self.activeProfiles = activeProfiles
        self.lines = lines
    }

    public init(
        month: CalendarMonth, timeZone: TimeZone, schedule: PlanSchedule, activeProfiles: Int, prices: PriceList
    ) {
        let daysInMonth = month.numberOfDays
        var lines = [
            InvoiceLine(
                item: .emailPlan, firstDay: 1, lastDay: daysInMonth, daysInMonth: daysInMonth,
                amount: prices.emailPlanMonthlyPrice)
        ]
        let needed = prices.marketingAnalyticsTiers.tier(covering: activeProfiles)
        for run in Self.runs(of: schedule.dailyPlans(in: month, timeZone: timeZone)) {
            let purchased = run.tier
            var billed = purchased
            var exceedsLargestTier = false
            if !purchased.covers(activeProfiles: activeProfiles) {
                billed = needed ?? prices.marketingAnalyticsTiers.largest
                exceedsLargestTier = needed == nil
                if billed.activeProfileLimit < purchased.activeProfileLimit { billed = purchased }
            }
            let days = run.lastDay - run.firstDay + 1
            lines.append(
                InvoiceLine(
                    item: .marketingAnalytics(purchased: purchased, billed: billed),
                    firstDay: run.firstDay, lastDay: run.lastDay, daysInMonth: daysInMonth,
                    amount: billed.monthlyPrice.prorated(days: days, of: daysInMonth),
                    exceedsLargestTier: exceedsLargestTier))
        }
        self.init(month: month, currency: prices.currency, activeProfiles: activeProfiles, lines: lines)
    }

    /// The invoice as text, one line per line and the total.
    public var text: String {
        var text = "Invoice \(self.month), \(self.activeProfiles.grouped) active profiles (\(self.currency))\n"
        for line in self.lines { text += "  \(line)\n" }
        return text + "  Total: \(self.total)\n"
    }

    /// Consecutive days with the add-on at the same tier (days without the add-on end a run).
    private static func runs(of dailyPlans: [Plan]) -> [(tier: Tier, firstDay: Int, lastDay: Int)] {
        var runs: [(tier: Tier, firstDay: Int, lastDay: Int)] = []
        for (offset, plan) in dailyPlans.enumerated() {
            let day = offset + 1
            guard let tier = plan.marketingAnalytics else { continue }
            if let last = runs.last, last.tier == tier, last.lastDay == day - 1 {
                runs[runs.count - 1].lastDay = day
            } else {
                runs.append((tier, day, day))
            }
        }
        return runs
    }
}
