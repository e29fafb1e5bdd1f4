import Billing
import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import Testing

@Suite struct BillingHandlerTests {
    @Test(arguments: StoreBackend.available) func everyMethodThroughTheRouter(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([
            log.account(1, timeZone: "Europe/Berlin", createdAt: instant("2025-02-03T10:00:00Z")),
            log.event(1, profile: 1, at: instant("2025-03-01T12:00:00Z")),
            log.event(1, profile: 2, at: instant("2025-04-01T12:00:00Z")),
        ])
        let progress = ProgressResponse(appliedPosition: 3, knownHead: 5, following: true, lastAppliedAt: instant("2025-04-02T09:59:00Z"))
        let router = BillingService.router(store: store, progress: { progress })
        let server = RPCServer(router: router)
        let billing = RouterCaller(server: server)
        let prefix = BillingService.serviceName + "/"
        #expect(Set(server.methods).isSuperset(of: [
            "GetPlan", "ChangePlan", "GetUsage", "GetMonthlyUsage", "GetInvoice", "ListInvoices", "GetEntitlements", "ListTiers", "Progress",
        ].map { prefix + $0 }))

        #expect(try await billing.call(BillingService.getPlan, AccountRef(accountID: 1), as: .insightsService).current == PlanView())
        let changed = try await billing.call(
            BillingService.changePlan,
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-03-10T14:00:00+01:00")))
        #expect(changed.current.marketingAnalytics?.activeProfileLimit == 13_500)
        #expect(changed.changes.last?.effective == instant("2025-03-10T00:00:00+01:00"))

        let usage = try await billing.call(BillingService.getUsage, UsageRequest(accountID: 1), as: .ingestService)
        #expect(usage.activeProfiles == 2 && usage.headroom == 13_498 && usage.logPosition == 3)
        let months = try await billing.call(BillingService.getMonthlyUsage, MonthlyUsageRequest(accountID: 1, from: "2025-02", to: "2025-04"))
        #expect(months.months.map(\.activeProfiles) == [0, 1, 2])
        let march = try await billing.call(BillingService.getInvoice, InvoiceRequest(accountID: 1, month: "2025-03"))
        #expect(march.totalMinor == 7_097)  // 100 × 22/31 = 70.967…
        #expect(march.final && march.currency == "USD" && march.activeProfiles == 1)
        let invoices = try await billing.call(BillingService.listInvoices, AccountRef(accountID: 1))
        #expect(invoices.invoices.map(\.month) == ["2025-04", "2025-03", "2025-02"])
        #expect(invoices.invoices[1] == march)
        let entitlements = try await billing.call(BillingService.getEntitlements, AccountRef(accountID: 1), as: .ingestService)
        #expect(entitlements.customMetricLimit == 50 && entitlements.marketingAnalytics)
        let tiers = try await billing.call(BillingService.listTiers, ListTiersRequest(), as: .predictiveService)
        #expect(tiers.tiers.first == TierInfo(activeProfileLimit: 13_500, monthlyPriceMinor: 10_000) && tiers.tiers.count == 9)
        #expect(try await billing.call(BillingService.progress, ProgressRequest(), as: .admin) == progress)
    }

    @Test(arguments: StoreBackend.available) func errorsMapToStatusCodes(_ backend: StoreBackend) async throws {
        let fixture = try StoreFixture(backend: backend, now: instant("2025-04-02T10:00:00Z"))
        defer { fixture.remove() }
        let store = try await fixture.open()
        var log = LogBuilder()
        try await store.apply([log.account(1, createdAt: instant("2025-02-03T10:00:00Z"))])
        let billing = RouterCaller(server: RPCServer(router: BillingService.router(store: store, progress: {
            ProgressResponse(appliedPosition: 0, knownHead: 0, following: false, lastAppliedAt: nil)
        })))

        #expect(await billing.code(BillingService.getPlan, AccountRef(accountID: 7)) == .notFound)
        #expect(await billing.code(BillingService.getUsage, UsageRequest(accountID: 7)) == .notFound)
        #expect(await billing.code(BillingService.getEntitlements, AccountRef(accountID: 7)) == .notFound)
        #expect(await billing.code(BillingService.listInvoices, AccountRef(accountID: 7)) == .notFound)
        #expect(await billing.code(BillingService.changePlan, ChangePlanRequest(accountID: 7, marketingAnalytics: false)) == .notFound)
        #expect(await billing.code(
            BillingService.changePlan,
            ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 13_500, effective: instant("2025-02-01T00:00:00Z"))) == .invalidArgument)
        #expect(await billing.code(BillingService.changePlan, ChangePlanRequest(accountID: 1, marketingAnalytics: true, tierActiveProfileLimit: 1)) == .invalidArgument)
        #expect(await billing.code(BillingService.getInvoice, InvoiceRequest(accountID: 1, month: "March")) == .invalidArgument)
        #expect(await billing.code(BillingService.getInvoice, InvoiceRequest(accountID: 1, month: "2025-05")) == .failedPrecondition)
        #expect(await billing.code(BillingService.getMonthlyUsage, MonthlyUsageRequest(accountID: 1, from: "2025-04", to: "2025-01")) == .invalidArgument)
        // Only the gateway and admin change plans.
        #expect(await billing.code(BillingService.changePlan, ChangePlanRequest(accountID: 1, marketingAnalytics: false), as: .insightsService) == .permissionDenied)
        #expect(await billing.code(BillingService.changePlan, ChangePlanRequest(accountID: 1, marketingAnalytics: false), as: .admin) == .ok)
        #expect(await billing.code(BillingService.getPlan, AccountRef(accountID: 1), as: nil) == .permissionDenied)
    }
}
