/// Everything an invoice is priced from: the email plan's flat price and the Marketing Analytics
/// tiers, in one billing currency.
public struct PriceList: Hashable, Sendable {
    /// ISO 4217 code printed on invoices; amounts have two decimals (see `Money`).
    public var currency: String
    /// The base email plan's monthly price, billed for every whole month.
    public var emailPlanMonthlyPrice: Money
    public var marketingAnalyticsTiers: TierTable

    public init(currency: String = "USD", emailPlanMonthlyPrice: Money, marketingAnalyticsTiers: TierTable) {
        self.currency = currency
        self.emailPlanMonthlyPrice = emailPlanMonthlyPrice
        self.marketingAnalyticsTiers = marketingAnalyticsTiers
    }

    /// USD, the default tiers, and an email plan at 0.00: Sextant is self-hosted, so the base plan
    /// costs nothing unless the operator who runs it for others configures a price.
    public static let defaults = PriceList(emailPlanMonthlyPrice: .zero, marketingAnalyticsTiers: .defaults)
}
