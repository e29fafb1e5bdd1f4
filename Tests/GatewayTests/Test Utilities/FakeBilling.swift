import SextantWire
import NIOCore
import Ingest
import HTTPTypes
import Foundation
import SextantContracts
import SextantRPC

/// A billing-service stand-in built on the contract: fixed answers for any account that ingest
/// knows (so an unknown account is `notFound`, as the real service answers).
enum FakeBilling {
    static let tiers = TierList(
        currency: "USD", emailPlanMonthlyPriceMinor: 2_000,
        tiers: [TierInfo(activeProfileLimit: 13_500, monthlyPriceMinor: 10_000), TierInfo(activeProfileLimit: 25_000, monthlyPriceMinor: 15_000)])

    /// - Parameter marketingAnalytics: what the entitlements say of every account's plan.
    static func router(accountExists: @escaping @Sendable (UInt64) async -> Bool, marketingAnalytics: Bool = true) -> RPCRouter {
        var router = RPCRouter()
        @Sendable func check(_ accountID: UInt64) async throws {
            guard await accountExists(accountID) else { throw RPCError(code: .notFound, message: "account \(accountID) does not exist") }
        }
        let now = Date(timeIntervalSince1970: 1_793_534_400)
        router.register(BillingService.getPlan, unary: { request, _ in
            try await check(request.accountID)
            return AccountPlan(accountID: request.accountID, current: PlanView(), changes: [], currency: "USD")
        })
        router.register(BillingService.changePlan, unary: { request, _ in
            try await check(request.accountID)
            let tier = request.marketingAnalytics ? TierInfo(activeProfileLimit: request.tierActiveProfileLimit ?? 13_500, monthlyPriceMinor: 10_000) : nil
            return AccountPlan(
                accountID: request.accountID, current: PlanView(marketingAnalytics: tier),
                changes: [ScheduledPlanChange(effective: request.effective ?? now, plan: PlanView(marketingAnalytics: tier), requestedAt: now)],
                currency: "USD")
        })
        router.register(BillingService.getUsage, unary: { request, _ in
            try await check(request.accountID)
            return UsageReport(
                accountID: request.accountID, asOf: request.asOf ?? now, lookBackMonths: 12, activeProfiles: 12_300,
                tier: tiers.tiers[0], headroom: 1_200, usedBasisPoints: 9_111, warning: true, overLimit: false, tierNeeded: tiers.tiers[0],
                logPosition: 7)
        })
        router.register(BillingService.getMonthlyUsage, unary: { request, _ in
            try await check(request.accountID)
            return MonthlyUsage(accountID: request.accountID, months: [MonthUsage(month: request.to ?? "2026-11", activeProfiles: 3)])
        })
        router.register(BillingService.getInvoice, unary: { request, _ in
            try await check(request.accountID)
            return Self.invoice(request.accountID, month: request.month)
        })
        router.register(BillingService.listInvoices, unary: { request, _ in
            try await check(request.accountID)
            return InvoiceList(invoices: [Self.invoice(request.accountID, month: "2026-11")])
        })
        router.register(BillingService.getEntitlements, unary: { request, _ in
            try await check(request.accountID)
            return EntitlementsView(
                accountID: request.accountID, marketingAnalytics: marketingAnalytics, features: marketingAnalytics ? ["marketing_analytics"] : [],
                customMetricLimit: marketingAnalytics ? 50 : 1)
        })
        router.register(BillingService.listTiers, unary: { _, _ in tiers })
        router.register(BillingService.progress, unary: { _, _ in
            ProgressResponse(appliedPosition: 5, knownHead: 7, following: true, lastAppliedAt: now)
        })
        return router
    }

    static func invoice(_ accountID: UInt64, month: String) -> InvoiceView {
        InvoiceView(
            accountID: accountID, month: month, currency: "USD", activeProfiles: 3,
            lines: [InvoiceLineView(description: "Email plan", firstDay: 1, lastDay: 30, daysInMonth: 30, amountMinor: 2_005, exceedsLargestTier: false)],
            totalMinor: 2_005, final: false)
    }
}
