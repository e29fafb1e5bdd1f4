import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

/// Billing in JSON. Prices are ``MoneyJSON`` objects; counts are integers; `used_percent` is
/// decimal text from billing's basis points ("91.25").
enum BillingJSON {
    static func json(_ tier: TierInfo?, currency: String) -> JSONValue {
        guard let tier else { return .null }
        return .object([
            "active_profile_limit": .int(tier.activeProfileLimit),
            "monthly_price": MoneyJSON.json(minor: tier.monthlyPriceMinor, currency: currency),
        ])
    }

    static func json(_ plan: PlanView, currency: String) -> JSONValue {
        .object([
            "marketing_analytics": .bool(plan.marketingAnalytics != nil),
            "tier": Self.json(plan.marketingAnalytics, currency: currency),
        ])
    }

    static func json(_ plan: AccountPlan) -> JSONValue {
        .object([
            "account_id": .uint(plan.accountID),
            "currency": .string(plan.currency),
            "current": Self.json(plan.current, currency: plan.currency),
            "changes": .array(plan.changes.map { change in
                .object([
                    "effective": .date(change.effective),
                    "plan": Self.json(change.plan, currency: plan.currency),
                    "requested_at": .date(change.requestedAt),
                ])
            }),
        ])
    }

    static func json(_ usage: UsageReport, currency: String) -> JSONValue {
        .object([
            "account_id": .uint(usage.accountID),
            "as_of": .date(usage.asOf),
            "look_back_months": .uint(UInt64(usage.lookBackMonths)),
            "active_profiles": .int(usage.activeProfiles),
            "tier": Self.json(usage.tier, currency: currency),
            "headroom": usage.headroom.map { .int($0) } ?? .null,
            "used_percent": usage.usedBasisPoints.map { .string(MoneyJSON.text(minor: $0)) } ?? .null,
            "warning": .bool(usage.warning),
            "over_limit": .bool(usage.overLimit),
            "tier_needed": Self.json(usage.tierNeeded, currency: currency),
            "log_position": .uint(usage.logPosition),
        ])
    }

    static func json(_ usage: MonthlyUsage) -> JSONValue {
        .object([
            "account_id": .uint(usage.accountID),
            "months": .array(usage.months.map { .object(["month": .string($0.month), "active_profiles": .int($0.activeProfiles)]) }),
        ])
    }

    static func json(_ invoice: InvoiceView) -> JSONValue {
        .object([
            "account_id": .uint(invoice.accountID),
            "month": .string(invoice.month),
            "currency": .string(invoice.currency),
            "active_profiles": .int(invoice.activeProfiles),
            "lines": .array(invoice.lines.map { line in
                .object([
                    "description": .string(line.description),
                    "first_day": .uint(UInt64(line.firstDay)),
                    "last_day": .uint(UInt64(line.lastDay)),
                    "days_in_month": .uint(UInt64(line.daysInMonth)),
                    "amount": MoneyJSON.json(minor: line.amountMinor, currency: invoice.currency),
                    "exceeds_largest_tier": .bool(line.exceedsLargestTier),
                ])
            }),
            "total": MoneyJSON.json(minor: invoice.totalMinor, currency: invoice.currency),
            "final": .bool(invoice.final),
        ])
    }

    static func json(_ entitlements: EntitlementsView) -> JSONValue {
        .object([
            "account_id": .uint(entitlements.accountID),
            "marketing_analytics": .bool(entitlements.marketingAnalytics),
            "features": .strings(entitlements.features),
            "custom_metric_limit": .uint(UInt64(entitlements.customMetricLimit)),
        ])
    }

    static func json(_ tiers: TierList) -> JSONValue {
        .object([
            "currency": .string(tiers.currency),
            "email_plan_monthly_price": MoneyJSON.json(minor: tiers.emailPlanMonthlyPriceMinor, currency: tiers.currency),
            "tiers": .array(tiers.tiers.map { Self.json($0, currency: tiers.currency) }),
        ])
    }

    /// "YYYY-MM" with a month 01–12.
    static func isMonth(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }),
            let month = Int(text.suffix(2)), (1...12).contains(month)
        else { return false }
        return true
    }
}
