import Foundation
import HTTPTypes
import SextantContracts
import SextantRPC
import SextantWire

extension GatewayAPI {
    /// `GET /api/v1/accounts/{accountID}/clv`: eligibility and the model card.
    func getCLVModel(_ call: RouteCall) async throws -> APIResponse {
        // An eligible account without a model yet is fitted by this call.
        let status = try await self.predictive(PredictiveService.status, AccountRef(accountID: call.accountID), deadline: Self.fitDeadline)
        return APIResponse(.ok, CLVJSON.json(status))
    }

    /// `POST /api/v1/accounts/{accountID}/clv/fit`: fits the account's model now.
    func fitCLVModel(_ call: RouteCall) async throws -> APIResponse {
        // A fit takes seconds for a large account (about 1 s per million customers in release).
        let status = try await self.predictive(PredictiveService.fit, AccountRef(accountID: call.accountID), deadline: Self.fitDeadline)
        return APIResponse(.ok, CLVJSON.json(status))
    }

    /// `GET /api/v1/accounts/{accountID}/profiles/{profileID}/clv`: one profile's CLV.
    func getProfileCLV(_ call: RouteCall) async throws -> APIResponse {
        let profileID = try call.positiveIntegerParameter("profileID")
        let clv = try await self.predictive(PredictiveService.profile, ProfileCLVRequest(accountID: call.accountID, profileID: profileID))
        return APIResponse(.ok, CLVJSON.json(clv))
    }

    /// `GET /api/v1/accounts/{accountID}/clv/settings`: conversion metric and horizon.
    func getCLVSettings(_ call: RouteCall) async throws -> APIResponse {
        let settings = try await self.predictive(PredictiveService.settings, AccountRef(accountID: call.accountID))
        return APIResponse(.ok, CLVJSON.json(settings))
    }

    /// `PUT /api/v1/accounts/{accountID}/clv/settings`: `{"conversion_metric_id": 3, "horizon_days": 180}`.
    /// An absent field keeps its value; `"conversion_metric_id": null` goes back to `Placed Order`.
    /// A new horizon refits the model before answering (the fit deadline applies).
    func updateCLVSettings(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        var request = UpdateCLVSettingsRequest(accountID: call.accountID)
        if let given = reader.fields["conversion_metric_id"] {
            request.conversionMetric = given == .null
                ? .placedOrder
                : .custom(id: UInt64(try reader.optionalInteger("conversion_metric_id", in: 1...Int64.max)!))
        }
        if let horizon = try reader.optionalInteger(
            "horizon_days", in: Int64(CLVSettings.minimumHorizonDays)...Int64(CLVSettings.maximumHorizonDays))
        {
            request.horizonDays = UInt32(horizon)
        }
        let settings = try await self.predictive(PredictiveService.updateSettings, request, deadline: Self.fitDeadline)
        return APIResponse(.ok, CLVJSON.json(settings))
    }

    /// How long `POST …/clv/fit` waits for the fit, and `GET …/clv`, which fits an eligible
    /// account that has no model yet.
    static let fitDeadline: Duration = .seconds(120)

    /// A call to predictive-service. It asks billing-service whether the account's plan includes
    /// Marketing Analytics and refuses with `permissionDenied` when it does not; the gateway is
    /// always an allowed caller, so that code can only mean the plan: 403 `plan_required`.
    func predictive<I, O>(
        _ method: RPCMethod<I, O>, _ request: I, notFound: APIError.Code = .accountNotFound, deadline: Duration? = nil
    ) async throws(APIError) -> O where I: AccountScoped {
        do {
            return try await self.backends.predictive.call(method, request, notFound: notFound, deadline: deadline)
        } catch let error where error.status == .forbidden {
            throw APIError(
                .forbidden, .planRequired,
                "predicted CLV needs Marketing Analytics; change the plan with PUT /api/v1/accounts/\(request.accountID)/billing/plan")
        }
    }
}

/// A request about one account.
protocol AccountScoped { var accountID: UInt64 { get } }
extension AccountRef: AccountScoped {}
extension ProfileCLVRequest: AccountScoped {}
extension UpdateCLVSettingsRequest: AccountScoped {}

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
            "settings": status.settings.map { self.json($0) } ?? .null,
            "last_fit_failure": status.lastFitFailure.map { .object(["at": .date($0.at), "reason": .string($0.reason)]) } ?? .null,
            "rebuilding": status.rebuilding.map { .object(["read_through": .uint($0.readThrough), "target": .uint($0.target)]) } ?? .null,
        ])
    }

    static func json(_ settings: CLVSettings) -> JSONValue {
        .object([
            "account_id": .uint(settings.accountID),
            "conversion_metric": .object([
                "id": settings.conversionMetricID.map { .uint($0) } ?? .null, "name": .string(settings.conversionMetricName),
            ]),
            "horizon_days": .uint(UInt64(settings.horizonDays)),
        ])
    }

    static func json(_ card: ModelCard, currency: String) -> JSONValue {
        .object([
            "fitted_at": .date(card.fittedAt),
            "history": .object(["start": .string(card.historyFirstDay), "end": .string(card.historyLastDay)]),
            "horizon_days": .uint(UInt64(card.horizonDays)),
            "conversion_metric": card.conversionMetric.map { .string($0) } ?? .null,
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
