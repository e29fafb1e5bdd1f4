/// What a buy-till-you-die model knows about one customer: the recency-frequency-monetary triple
/// of Fader, Hardie & Lee plus the mean value of the repeat purchases.
///
/// Times are in the model's time unit (days for Sextant's accounts, weeks in the published CDNOW
/// results), measured from the customer's first purchase. Repeat purchases are counted per
/// purchase day, so several orders on one day are one purchase, as in the papers.
public struct CustomerSummary: Sendable, Hashable {
    /// x: the number of repeat purchase days (distinct days with a purchase after the first one).
    public var frequency: Int
    /// t_x: the time of the last purchase minus the time of the first (0 without repeats).
    public var recency: Double
    /// T: the end of the observation minus the time of the first purchase.
    public var age: Double
    /// m: the mean value of the repeat purchase days (0 without repeats). A `Double` because it
    /// only feeds the spend model's likelihood; the exact amounts stay in `CustomerRecord`.
    public var monetaryValue: Double

    public init(frequency: Int, recency: Double, age: Double, monetaryValue: Double = 0) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.monetaryValue = monetaryValue
    }

    /// Why the summary cannot come from real purchases, or nil if it can: negative counts or times,
    /// a last purchase after the end of the observation, or repeats without a later last purchase.
    public var inconsistency: String? {
        if self.frequency < 0 { return "negative frequency" }
        if !(self.recency.isFinite && self.age.isFinite && self.monetaryValue.isFinite) { return "non-finite time or value" }
        if self.recency < 0 || self.age < 0 { return "negative recency or age" }
        if self.recency > self.age { return "recency \(self.recency) after the end of observation \(self.age)" }
        if self.monetaryValue < 0 { return "negative monetary value" }
        return nil
    }
}
