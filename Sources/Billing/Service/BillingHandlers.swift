public import SextantContracts
public import SextantRPC

extension BillingService {
    /// A router answering every billing method from `store`; `progress` reports how far the
    /// service's log follower has read (`LogFollower.progress`).
    public static func router(store: BillingStore, progress: @escaping @Sendable () -> ProgressResponse) -> RPCRouter {
        var router = RPCRouter()
        router.register(BillingService.getPlan, unary: { request, _ in try await store.plan(accountID: request.accountID) })
        router.register(BillingService.changePlan, unary: { request, _ in try await store.changePlan(request) })
        router.register(BillingService.getUsage, unary: { request, _ in try await store.usage(request) })
        router.register(BillingService.getMonthlyUsage, unary: { request, _ in try await store.monthlyUsage(request) })
        router.register(BillingService.getInvoice, unary: { request, _ in try await store.invoice(request) })
        router.register(BillingService.listInvoices, unary: { request, _ in try await store.invoices(accountID: request.accountID) })
        router.register(BillingService.getEntitlements, unary: { request, _ in try await store.entitlements(accountID: request.accountID) })
        router.register(BillingService.listTiers, unary: { _, _ in store.tiers() })
        router.register(BillingService.progress, unary: { _, _ in progress() })
        return router
    }
}
