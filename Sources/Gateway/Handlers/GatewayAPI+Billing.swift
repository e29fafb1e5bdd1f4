import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

extension GatewayAPI {
    func getPlan(_ call: RouteCall) async throws -> APIResponse {
        let plan = try await self.backends.billing.call(BillingService.getPlan, AccountRef(accountID: call.accountID), notFound: .accountNotFound)
        return APIResponse(.ok, BillingJSON.json(plan))
    }

    /// `{"marketing_analytics": true, "tier_active_profile_limit": 13500, "effective": "2026-12-01"}`.
    /// `effective` is a day ("YYYY-MM-DD", in the account's time zone) or an RFC 3339 time
    /// (billing rounds it down to the start of that day in the account's time zone); absent: now.
    func changePlan(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        guard let marketingAnalytics = try reader.optionalBool("marketing_analytics") else {
            throw APIError.invalidArgument(field: "marketing_analytics", reason: "is required")
        }
        let tier = try reader.optionalInteger("tier_active_profile_limit", in: 1...Int64.max)
        var effective: Date?
        if let text = try reader.optionalString("effective"), text.count == 10 {
            let account = try await self.account(call.accountID)
            guard let day = Self.startOfDay(text, timeZone: account.timeZone) else {
                throw APIError.invalidArgument(field: "effective", reason: "must be a day (YYYY-MM-DD) or an RFC 3339 time")
            }
            effective = day
        } else {
            effective = try reader.optionalDate("effective")
        }
        let plan = try await self.backends.billing.call(
            BillingService.changePlan,
            ChangePlanRequest(accountID: call.accountID, marketingAnalytics: marketingAnalytics, tierActiveProfileLimit: tier, effective: effective),
            notFound: .accountNotFound)
        return APIResponse(.ok, BillingJSON.json(plan))
    }

    /// The start of day "YYYY-MM-DD" in `timeZone`.
    static func startOfDay(_ text: String, timeZone: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let zone = TimeZone(identifier: timeZone)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    func getUsage(_ call: RouteCall) async throws -> APIResponse {
        var asOf: Date?
        if let text = call.query("as_of") {
            guard let date = RFC3339.parse(text) else { throw APIError.invalidArgument(field: "as_of", reason: "must be an RFC 3339 time") }
            asOf = date
        }
        let billing = self.backends.billing
        let accountID = call.accountID
        async let usage = billing.call(BillingService.getUsage, UsageRequest(accountID: accountID, asOf: asOf), notFound: .accountNotFound)
        async let tiers = billing.call(BillingService.listTiers, ListTiersRequest())
        let report = try await usage
        return APIResponse(.ok, BillingJSON.json(report, currency: try await tiers.currency))
    }

    func getMonthlyUsage(_ call: RouteCall) async throws -> APIResponse {
        let from = call.query("from")
        let to = call.query("to")
        for (name, value) in [("from", from), ("to", to)] {
            if let value, !BillingJSON.isMonth(value) { throw APIError.invalidArgument(field: name, reason: "must be a month, YYYY-MM") }
        }
        let usage = try await self.backends.billing.call(
            BillingService.getMonthlyUsage, MonthlyUsageRequest(accountID: call.accountID, from: from, to: to), notFound: .accountNotFound)
        return APIResponse(.ok, BillingJSON.json(usage))
    }

    func listInvoices(_ call: RouteCall) async throws -> APIResponse {
        let list = try await self.backends.billing.call(BillingService.listInvoices, AccountRef(accountID: call.accountID), notFound: .accountNotFound)
        return APIResponse(.ok, .object(["invoices": .array(list.invoices.map(BillingJSON.json))]))
    }

    func getInvoice(_ call: RouteCall) async throws -> APIResponse {
        let month = call.parameter("month")
        guard BillingJSON.isMonth(month) else { throw APIError.invalidArgument(field: "month", reason: "must be a month, YYYY-MM") }
        let invoice = try await self.backends.billing.call(BillingService.getInvoice, InvoiceRequest(accountID: call.accountID, month: month))
        return APIResponse(.ok, BillingJSON.json(invoice))
    }

    func getEntitlements(_ call: RouteCall) async throws -> APIResponse {
        let entitlements = try await self.backends.billing.call(
            BillingService.getEntitlements, AccountRef(accountID: call.accountID), notFound: .accountNotFound)
        return APIResponse(.ok, BillingJSON.json(entitlements))
    }

    func listTiers(_ call: RouteCall) async throws -> APIResponse {
        APIResponse(.ok, BillingJSON.json(try await self.backends.billing.call(BillingService.listTiers, ListTiersRequest())))
    }
}
