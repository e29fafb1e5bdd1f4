public import SextantRPC

/// billing-service: plans, active-profile usage, invoices and entitlements, per account.
/// proto-spec/billing.md is the normative description of each method.
///
/// billing-service counts active profiles from the ingest log (it subscribes like every other
/// consumer) and owns each account's plan from the moment it first sees the account: the plan
/// recorded on the ingest `Account` at creation is only the starting point.
public enum BillingService {
    public static let serviceName = "sextant.billing.v1.Billing"

    /// Who may change plans: the gateway and the admin tool.
    static let writers = CallerPolicy.only(.gateway, .admin)
    /// Who may read: every suite service (ingest asks for entitlements).
    static let readers = CallerPolicy.anyAuthenticated

    public static let getPlan = RPCMethod<AccountRef, AccountPlan>(
        service: serviceName, method: "GetPlan", kind: .unary, allowedCallers: readers)
    /// Schedules a plan change with an effective date (now when absent). Changes take effect
    /// by day in the account's time zone; invoices prorate by day.
    public static let changePlan = RPCMethod<ChangePlanRequest, AccountPlan>(
        service: serviceName, method: "ChangePlan", kind: .unary, allowedCallers: writers)
    public static let getUsage = RPCMethod<UsageRequest, UsageReport>(
        service: serviceName, method: "GetUsage", kind: .unary, allowedCallers: readers)
    public static let getMonthlyUsage = RPCMethod<MonthlyUsageRequest, MonthlyUsage>(
        service: serviceName, method: "GetMonthlyUsage", kind: .unary, allowedCallers: readers)
    public static let getInvoice = RPCMethod<InvoiceRequest, InvoiceView>(
        service: serviceName, method: "GetInvoice", kind: .unary, allowedCallers: readers)
    /// Every month from the account's creation to the current one, newest first.
    public static let listInvoices = RPCMethod<AccountRef, InvoiceList>(
        service: serviceName, method: "ListInvoices", kind: .unary, allowedCallers: readers)
    public static let getEntitlements = RPCMethod<AccountRef, EntitlementsView>(
        service: serviceName, method: "GetEntitlements", kind: .unary, allowedCallers: readers)
    public static let listTiers = RPCMethod<ListTiersRequest, TierList>(
        service: serviceName, method: "ListTiers", kind: .unary, allowedCallers: readers)
    /// How far billing-service has read the ingest log.
    public static let progress = LogConsumerProgress.method(service: serviceName)
}
