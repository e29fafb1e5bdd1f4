import Foundation
import HTTPTypes
import SextantContracts
import SextantWire

extension GatewayAPI {
    /// `GET /api/v1/accounts/{accountID}/clv`: eligibility and the model card.
    func getCLVModel(_ call: RouteCall) async throws -> APIResponse {
        try await self.requireMarketingAnalytics(call.accountID)
        // An eligible account without a model yet is fitted by this call.
        let status = try await self.backends.predictive.call(
            PredictiveService.status, AccountRef(accountID: call.accountID), notFound: .accountNotFound, deadline: Self.fitDeadline)
        return APIResponse(.ok, CLVJSON.json(status))
    }

    /// `POST /api/v1/accounts/{accountID}/clv/fit`: fits the account's model now.
    func fitCLVModel(_ call: RouteCall) async throws -> APIResponse {
        try await self.requireMarketingAnalytics(call.accountID)
        // A fit takes seconds for a large account (about 1 s per million customers in release).
        let status = try await self.backends.predictive.call(
            PredictiveService.fit, AccountRef(accountID: call.accountID), notFound: .accountNotFound, deadline: Self.fitDeadline)
        return APIResponse(.ok, CLVJSON.json(status))
    }

    /// `GET /api/v1/accounts/{accountID}/profiles/{profileID}/clv`: one profile's CLV.
    func getProfileCLV(_ call: RouteCall) async throws -> APIResponse {
        let profileID = try call.positiveIntegerParameter("profileID")
        try await self.requireMarketingAnalytics(call.accountID)
        let clv = try await self.backends.predictive.call(
            PredictiveService.profile, ProfileCLVRequest(accountID: call.accountID, profileID: profileID), notFound: .accountNotFound)
        return APIResponse(.ok, CLVJSON.json(clv))
    }

    /// How long `POST …/clv/fit` waits for the fit, and `GET …/clv`, which fits an eligible
    /// account that has no model yet.
    static let fitDeadline: Duration = .seconds(120)

    /// Predicted CLV is part of Marketing Analytics (PRODUCT.md 6): billing-service says whether
    /// the account's plan has it.
    func requireMarketingAnalytics(_ accountID: UInt64) async throws {
        let entitlements = try await self.backends.billing.call(
            BillingService.getEntitlements, AccountRef(accountID: accountID), notFound: .accountNotFound)
        guard entitlements.marketingAnalytics else {
            throw APIError(
                .forbidden, .planRequired,
                "predicted CLV needs Marketing Analytics; change the plan with PUT /api/v1/accounts/\(accountID)/billing/plan")
        }
    }
}

/// Predicted CLV in JSON. Money is ``MoneyJSON`` with `low`/`high` money for its 90% range;
/// counts and probabilities are numbers with `low`/`high`; ranges are `null` when the fit gave
/// no covariance.
enum CLVJSON {
    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        // Six significant digits are plenty for a prediction; the text stays short and exact.
        return .number(Decimal(string: String(format: "%.6g", value)) ?? 0)
    }

    static func json(_ value: RangedValue?) -> JSONValue {
        guard let value else { return .null }
        return .object(["value": self.number(value.value), "low": self.number(value.low), "high": self.number(value.high)])
    }

    static func json(_ money: RangedMoney?, currency: String) -> JSONValue {
        guard let money else { return .null }
        return .object([
            "value": MoneyJSON.json(minor: money.minor, currency: currency),
            "low": money.lowMinor.map { MoneyJSON.json(minor: $0, currency: currency) } ?? .null,
            "high": money.highMinor.map { MoneyJSON.json(minor: $0, currency: currency) } ?? .null,
        ])
    }

    static func json(_ status: PredictiveStatus) -> JSONValue {
        .object([
            "account_id": .uint(status.accountID),
            "eligible": .bool(status.eligible),
            "missing": .strings(status.missing),
            "customers_with_orders": .uint(status.customersWithOrders),
            "first_order_day": status.firstOrderDay.map { .string($0) } ?? .null,
            "last_order_day": status.lastOrderDay.map { .string($0) } ?? .null,
            "model": status.model.map { self.json($0, currency: status.currency) } ?? .null,
        ])
    }

    static func json(_ card: ModelCard, currency: String) -> JSONValue {
        .object([
            "fitted_at": .date(card.fittedAt),
            "history": .object(["start": .string(card.historyFirstDay), "end": .string(card.historyLastDay)]),
            "horizon_days": .uint(UInt64(card.horizonDays)),
            "purchase_model": .string(card.purchaseModel),
            "choice_reason": .string(card.choiceReason),
            "fit_status": .string(card.fitStatus),
            "spend_fit_status": .string(card.spendFitStatus),
            "log_likelihood": self.number(card.logLikelihood),
            "parameters": .array(card.parameters.map { .object(["name": .string($0.name), "value": self.number($0.value), "standard_error": self.number($0.standardError)]) }),
            "customers": .uint(card.customers),
            "repeat_customers": .uint(card.repeatCustomers),
            "holdout": .object([
                "days": .uint(UInt64(card.holdoutDays)),
                "mean_absolute_error": self.number(card.holdoutMeanAbsoluteError),
                "predicted_total": self.number(card.holdoutPredictedTotal),
                "actual_total": .int(card.holdoutActualTotal),
            ]),
            "examples": .array(card.examples.map { .object(["rule": .uint(UInt64($0.rule)), "description": .string($0.description), "profile_id": .uint($0.profileID)]) }),
            "clv_distribution": .array(card.clvBuckets.map { bucket in
                .object([
                    "from": MoneyJSON.json(minor: bucket.fromMinor, currency: currency),
                    "to": bucket.toMinor.map { MoneyJSON.json(minor: $0, currency: currency) } ?? .null,
                    "customers": .uint(bucket.customers),
                ])
            }),
            "churn_bands": .object(Dictionary(uniqueKeysWithValues: zip(["low", "medium", "high"], card.churnBands).map { ($0.0, JSONValue.uint($0.1)) })),
        ])
    }

    static func json(_ clv: ProfileCLV) -> JSONValue {
        let currency = clv.currency
        return .object([
            "account_id": .uint(clv.accountID),
            "profile_id": .uint(clv.profileID),
            "currency": .string(currency),
            "historic_orders": .uint(clv.historicOrders),
            "historic_clv": MoneyJSON.json(minor: clv.historicCLVMinor, currency: currency),
            "first_order_day": clv.firstOrderDay.map { .string($0) } ?? .null,
            "last_order_day": clv.lastOrderDay.map { .string($0) } ?? .null,
            "predicted": .bool(clv.predicted),
            "horizon_days": .uint(UInt64(clv.horizonDays)),
            "predicted_clv": self.json(clv.predictedCLV, currency: currency),
            "total_clv": self.json(clv.totalCLV, currency: currency),
            "predicted_orders": self.json(clv.predictedOrders),
            "average_order_value": self.json(clv.averageOrderValue, currency: currency),
            "average_days_between_orders": self.number(clv.averageDaysBetweenOrders),
            "expected_next_order": clv.expectedNextOrder.map { .object([
                "value": .date($0), "low": .date(clv.expectedNextOrderLow), "high": .date(clv.expectedNextOrderHigh),
            ]) } ?? .null,
            "probability_alive": self.json(clv.probabilityAlive),
            "churn_probability": self.json(clv.churnProbability),
            "churn_band": clv.churnBand.map { .string($0) } ?? .null,
        ])
    }
}
