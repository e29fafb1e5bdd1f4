import Logging
import HTTPTypes
import Foundation
import SextantWire

/// The JSON Schemas of the API's bodies, by name (`#/components/schemas/<name>`). Routes name
/// their request and response schemas; a test checks every name a route uses is here.
enum OpenAPISchemas {
    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }

    private static func type(_ name: String, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        .object(extra.merging(["type": .string(name)]) { $1 })
    }
    private static var string: JSONValue { type("string") }
    private static var integer: JSONValue { type("integer") }
    private static var boolean: JSONValue { type("boolean") }
    private static var time: JSONValue { type("string", ["format": .string("date-time")]) }
    private static var anyObject: JSONValue { type("object") }
    private static func nullable(_ schema: JSONValue) -> JSONValue { .object(["oneOf": .array([schema, type("null")])]) }
    private static func array(_ items: JSONValue) -> JSONValue { type("array", ["items": items]) }
    private static func enumeration(_ values: [String]) -> JSONValue { type("string", ["enum": .strings(values)]) }
    private static func object(_ properties: [String: JSONValue], required: [String] = [], description: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { fields["required"] = .strings(required) }
        if let description { fields["description"] = .string(description) }
        return .object(fields)
    }
    /// A decimal number, as a JSON number or a string of plain decimal digits.
    private static var decimal: JSONValue {
        .object(["oneOf": .array([type("number"), type("string", ["pattern": .string("^-?[0-9]+(\\.[0-9]+)?$")])])])
    }

    static var all: [String: JSONValue] {
        let windows = object(Dictionary(uniqueKeysWithValues: AccountJSON.windowFields.map { ($0.name, integer) }))
        let identifiers = object(["email": string, "phone": string, "external_id": string])
        let fieldError = object(["field": string, "reason": string], required: ["field", "reason"])
        let tier = object(["active_profile_limit": integer, "monthly_price": ref("Money")], required: ["active_profile_limit", "monthly_price"])
        let planView = object(["marketing_analytics": boolean, "tier": nullable(ref("Tier"))])
        let outcome = object(
            [
                "index": integer, "status": enumeration(["stored", "duplicate", "rejected", "not_collected"]),
                "position": nullable(integer), "profile_id": nullable(integer), "errors": array(ref("FieldError")),
            ], required: ["index", "status", "errors"])
        let key = object(
            [
                "id": string, "account_id": nullable(integer), "role": enumeration(["operator", "admin", "read-only", "ingest-only"]),
                "name": string, "created_at": time, "last_used_at": nullable(time), "revoked_at": nullable(time),
            ], required: ["id", "role", "name", "created_at"])
        let account = object(
            [
                "id": integer, "name": string, "time_zone": string, "currency": string, "plan": enumeration(["email", "marketing_analytics"]),
                "customer_hub_active": boolean, "attribution_windows": ref("AttributionWindows"), "sends_ordered_products": boolean,
                "created_at": time, "updated_at": time,
            ], required: ["id", "name", "time_zone", "currency", "plan", "created_at", "updated_at"])
        let event = object(
            [
                "metric": string, "profile": ref("ProfileIdentifiers"),
                "time": .object(["oneOf": .array([time, type("number")])]), "value": decimal, "unique_id": string,
                "properties": anyObject,
            ], required: ["metric", "profile"])
        let profile = object(
            [
                "id": integer, "account_id": integer, "emails": array(string), "phones": array(string), "external_ids": array(string),
                "properties": anyObject, "merged_profile_ids": array(integer), "created_at": time, "updated_at": time,
            ], required: ["id", "account_id"])
        let filter = object(
            ["property": string, "op": enumeration(CustomMetricJSON.operators.map(\.1)), "operand": .object([:])], required: ["property", "op"])
        let source = object(["metric": string, "filters": array(filter)], required: ["metric"])
        let aggregation = object(["type": enumeration(["count", "value"]), "property": string], required: ["type"])
        let invoice = object(
            [
                "account_id": integer, "month": string, "currency": string, "active_profiles": integer,
                "lines": array(object([
                    "description": string, "first_day": integer, "last_day": integer, "days_in_month": integer, "amount": ref("Money"),
                    "exceeds_largest_tier": boolean,
                ])),
                "total": ref("Money"), "final": boolean,
            ], required: ["account_id", "month", "currency", "lines", "total", "final"])
        let dayRange = object(["start": string, "end": string], required: ["start", "end"], description: "Local days, both inclusive (YYYY-MM-DD).")
        let percent = nullable(type("string", ["pattern": .string("^-?[0-9]+\\.[0-9]$")]))
        let countTile = object(["value": integer, "previous": nullable(integer), "percent_change": percent], required: ["value", "previous", "percent_change"])
        let orderValue = object(["orders": integer, "revenue": ref("Money"), "average": nullable(ref("Money"))], required: ["orders", "revenue", "average"])
        return [
            "Error": object(
                ["error": object(["code": string, "message": string, "details": array(ref("FieldError")), "service": string], required: ["code", "message"])],
                required: ["error"]),
            "FieldError": fieldError,
            "Money": object(
                ["amount_minor": integer, "currency": string, "amount": type("string", ["pattern": .string("^-?[0-9]+(\\.[0-9]{2,4})?$")])],
                required: ["amount_minor", "currency", "amount"],
                description: "Exact money: whole minor units of the currency (cents; yen), and the same as decimal text with the currency's digits."),
            "Health": object(["service": string, "status": string], required: ["service", "status"]),
            "Readiness": object(
                [
                    "ready": boolean,
                    "services": array(object([
                        "name": string, "status": enumeration(["serving", "not_serving", "unknown", "unavailable", "deadline_exceeded", "error"]),
                        "message": string,
                        "progress": nullable(object([
                            "applied_position": integer, "known_head": integer, "lag": integer, "following": boolean, "last_applied_at": nullable(time),
                        ])),
                    ])),
                    "error": ref("Error"),
                ], required: ["ready", "services"]),
            "OpenAPIDocument": object(["openapi": string, "info": anyObject, "paths": anyObject, "components": anyObject], required: ["openapi", "paths"]),
            "AttributionWindows": windows,
            "Account": account,
            "AccountList": object(["accounts": array(ref("Account"))], required: ["accounts"]),
            "CreateAccount": object(
                [
                    "name": string, "time_zone": string, "currency": string, "plan": enumeration(["email", "marketing_analytics"]),
                    "customer_hub_active": boolean, "attribution_windows": ref("AttributionWindows"),
                ], required: ["name"]),
            "UpdateAccount": object(
                ["name": string, "time_zone": string, "currency": string, "customer_hub_active": boolean, "attribution_windows": ref("AttributionWindows")]),
            "Key": key,
            "KeyList": object(["keys": array(ref("Key"))], required: ["keys"]),
            "CreateKey": object(["role": enumeration(["admin", "read-only", "ingest-only"]), "name": string], required: ["role", "name"]),
            "CreatedKey": object(["key": ref("Key"), "secret": string], required: ["key", "secret"], description: "The secret is shown only here."),
            "ProfileIdentifiers": identifiers,
            "Event": event,
            "EventBatch": object(["events": array(ref("Event"))], required: ["events"]),
            "EventOutcome": outcome,
            "BatchResult": object(
                [
                    "stored": integer, "duplicates": integer, "rejected": integer, "not_collected": integer, "derived_events": integer,
                    "head": nullable(integer), "outcomes": array(ref("EventOutcome")),
                ], required: ["stored", "duplicates", "rejected", "not_collected", "outcomes"]),
            "LoggedEvent": object(
                [
                    "position": integer, "account_id": integer, "profile_id": integer, "metric": string, "time": time, "received_at": time,
                    "value": nullable(type("number")), "unique_id": nullable(string), "properties": anyObject, "derived_from": nullable(integer),
                ], required: ["position", "account_id", "profile_id", "metric", "time"]),
            "ProfileUpsert": object(["identifiers": ref("ProfileIdentifiers"), "properties": anyObject], required: ["identifiers"]),
            "Profile": profile,
            "CreateCustomMetric": object(["name": string, "sources": array(source), "aggregation": aggregation], required: ["name", "sources", "aggregation"]),
            "CustomMetric": object(
                ["id": integer, "account_id": integer, "name": string, "sources": array(source), "aggregation": aggregation, "created_at": time],
                required: ["id", "name", "sources", "aggregation"]),
            "CustomMetricList": object(["metrics": array(ref("CustomMetric")), "limit": integer], required: ["metrics", "limit"]),
            "Tier": tier,
            "PlanView": planView,
            "AccountPlan": object(
                [
                    "account_id": integer, "currency": string, "current": ref("PlanView"),
                    "changes": array(object(["effective": time, "plan": ref("PlanView"), "requested_at": time])),
                ], required: ["account_id", "currency", "current", "changes"]),
            "ChangePlan": object(
                [
                    "marketing_analytics": boolean, "tier_active_profile_limit": integer,
                    "effective": type("string", ["description": .string("A day (YYYY-MM-DD, the account's time zone) or an RFC 3339 time; absent: now")]),
                ], required: ["marketing_analytics"]),
            "Usage": object(
                [
                    "account_id": integer, "as_of": time, "look_back_months": integer, "active_profiles": integer, "tier": nullable(ref("Tier")),
                    "headroom": nullable(integer), "used_percent": nullable(string), "warning": boolean, "over_limit": boolean,
                    "tier_needed": nullable(ref("Tier")), "log_position": integer,
                ], required: ["account_id", "active_profiles", "warning", "over_limit"]),
            "MonthlyUsage": object(
                ["account_id": integer, "months": array(object(["month": string, "active_profiles": integer]))], required: ["account_id", "months"]),
            "Invoice": invoice,
            "InvoiceList": object(["invoices": array(ref("Invoice"))], required: ["invoices"]),
            "Entitlements": object(
                ["account_id": integer, "marketing_analytics": boolean, "features": array(string), "custom_metric_limit": integer],
                required: ["account_id", "marketing_analytics", "features", "custom_metric_limit"]),
            "TierList": object(
                ["currency": string, "email_plan_monthly_price": ref("Money"), "tiers": array(ref("Tier"))],
                required: ["currency", "email_plan_monthly_price", "tiers"]),
            "DayRange": dayRange,
            "CountTile": countTile,
            "OrderValue": orderValue,
            "CustomerHubDashboard": object(
                [
                    "account_id": integer, "currency": string, "time_zone": string, "customer_hub_active": boolean,
                    "period": ref("DayRange"), "compare": enumeration(CustomerHubJSON.comparisons.map(\.name)),
                    "comparison_period": nullable(ref("DayRange")), "bucket": enumeration(["day", "week", "month"]),
                    "buckets": array(ref("DayRange")),
                    "overview": object(
                        [
                            "total_accounts": integer, "service_interactions": ref("CountTile"), "active_accounts": ref("CountTile"),
                            "revenue_generated": object(["value": ref("Money"), "previous": nullable(ref("Money")), "percent_change": percent]),
                        ], required: ["total_accounts", "service_interactions", "active_accounts", "revenue_generated"]),
                    "revenue_points": array(ref("Money")),
                    "service_interactions": array(object(
                        [
                            "type": enumeration(CustomerHubJSON.interactions.map(\.name)), "label": string, "metric": string,
                            "total": ref("CountTile"), "points": array(integer),
                        ], required: ["type", "total", "points"])),
                    "average_order_value": object(
                        ["period": ref("OrderValue"), "previous": nullable(ref("OrderValue")), "percent_change": percent, "points": array(ref("OrderValue"))],
                        required: ["period", "points"]),
                ],
                required: ["account_id", "currency", "time_zone", "period", "bucket", "buckets", "overview", "service_interactions", "average_order_value"],
                description: "Series have one point per entry of buckets. Percent changes are decimal text with one decimal place, null without a comparison or when the previous value is 0."),
            "AttributedProduct": object(
                [
                    "order_id": string, "order_position": integer, "item_position": integer, "time": time, "day": string, "profile_id": integer,
                    "product_id": string, "product_name": string, "quantity": type("number"), "price": type("number"), "revenue": ref("Money"),
                    "rule": enumeration(CustomerHubJSON.rules.values.sorted()), "interaction_position": integer, "interaction_time": time,
                ], required: ["order_position", "item_position", "time", "product_id", "revenue", "rule", "interaction_position"]),
            "RangedNumber": nullable(object(["value": type("number"), "low": nullable(type("number")), "high": nullable(type("number"))], required: ["value", "low", "high"],
                description: "A prediction and its 90% range (the model parameters' uncertainty only); the range is null when the fit gave no covariance.")),
            "RangedMoney": nullable(object(["value": ref("Money"), "low": nullable(ref("Money")), "high": nullable(ref("Money"))], required: ["value", "low", "high"])),
            "CLVStatus": object(
                [
                    "account_id": integer, "eligible": boolean, "missing": array(string), "customers_with_orders": integer,
                    "first_order_day": nullable(string), "last_order_day": nullable(string),
                    "model": nullable(object(
                        [
                            "fitted_at": time, "history": ref("DayRange"), "horizon_days": integer, "conversion_metric": nullable(string),
                            "purchase_model": enumeration(["bgnbd", "modified-bgnbd"]), "choice_reason": string, "fit_status": string,
                            "spend_fit_status": string, "log_likelihood": nullable(type("number")),
                            "parameters": array(object(["name": string, "value": type("number"), "standard_error": nullable(type("number"))], required: ["name", "value"])),
                            "customers": integer, "repeat_customers": integer,
                            "holdout": object([
                                "days": integer, "mean_absolute_error": nullable(type("number")), "predicted_total": nullable(type("number")),
                                "actual_total": integer,
                            ]),
                            "examples": array(object(["rule": integer, "description": string, "profile_id": integer], required: ["rule", "profile_id"])),
                            "clv_distribution": array(object(["from": ref("Money"), "to": nullable(ref("Money")), "customers": integer], required: ["from", "to", "customers"])),
                            "churn_bands": object(["low": integer, "medium": integer, "high": integer]),
                        ], required: ["fitted_at", "history", "purchase_model", "parameters", "examples"])),
                    "settings": nullable(ref("CLVSettings")),
                    "last_fit_failure": nullable(object(["at": time, "reason": string], required: ["at", "reason"])),
                    "rebuilding": nullable(object(["read_through": integer, "target": integer], required: ["read_through", "target"])),
                ], required: ["account_id", "eligible", "missing", "customers_with_orders", "model"],
                description: "Eligibility names each missing requirement; the model is null until an eligible account is fitted. last_fit_failure: the last fit failed (the model, if any, is older). rebuilding: a new conversion metric's orders are being read from the log (not eligible until done)."),
            "CLVSettings": object(
                [
                    "account_id": integer,
                    "conversion_metric": object(["id": nullable(integer), "name": string], required: ["id", "name"]),
                    "horizon_days": integer,
                ], required: ["account_id", "conversion_metric", "horizon_days"],
                description: "conversion_metric.id is null for Placed Order, else a custom metric's id."),
            "UpdateCLVSettings": object(
                [
                    "conversion_metric_id": nullable(type("integer", ["description": .string("A custom metric measuring revenue (aggregation value); null: Placed Order; absent: unchanged")])),
                    "horizon_days": type("integer", ["description": .string("Days the predictions cover, 30 to 1095; absent: unchanged")]),
                ], required: []),
            "ProfileCLV": object(
                [
                    "account_id": integer, "profile_id": integer, "currency": string, "historic_orders": integer, "historic_clv": ref("Money"),
                    "first_order_day": nullable(string), "last_order_day": nullable(string), "predicted": boolean, "horizon_days": integer,
                    "predicted_clv": ref("RangedMoney"), "total_clv": ref("RangedMoney"), "predicted_orders": ref("RangedNumber"),
                    "average_order_value": ref("RangedMoney"), "average_days_between_orders": nullable(type("number")),
                    "expected_next_order": nullable(object(["value": time, "low": nullable(time), "high": nullable(time)])),
                    "probability_alive": ref("RangedNumber"), "churn_probability": ref("RangedNumber"),
                    "churn_band": nullable(enumeration(["low", "medium", "high"])),
                ], required: ["account_id", "profile_id", "currency", "historic_orders", "historic_clv", "predicted"],
                description: "Predictions are null while the account has no model (predicted is false)."),
            "AttributedProductPage": object(
                [
                    "account_id": integer, "period": ref("DayRange"), "time_zone": string, "products": array(ref("AttributedProduct")),
                    "next_page_token": nullable(string),
                ], required: ["account_id", "period", "products", "next_page_token"]),
        ]
    }
}
