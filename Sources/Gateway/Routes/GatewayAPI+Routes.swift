import Logging
import Foundation
import HTTPTypes
import SextantContracts

extension GatewayAPI {
    /// Every role that has a key.
    static let anyKey: Set<APIKeyRole> = [.operator, .admin, .readOnly, .ingestOnly]
    /// Readers of an account's data.
    static let readers: Set<APIKeyRole> = [.admin, .readOnly]
    /// Senders of an account's events and profiles.
    static let senders: Set<APIKeyRole> = [.admin, .ingestOnly]

    /// The period selector's query parameters.
    static let periodParameters: [APIRoute.QueryParameter] = [
        APIRoute.QueryParameter(
            name: "period", description: "today, last_7_days, last_30_days (default), last_90_days, last_365_days, this_month, last_month; or custom with start and end",
            type: "string", required: false),
        APIRoute.QueryParameter(name: "start", description: "First day of a custom range, YYYY-MM-DD (the account's time zone)", type: "string", required: false),
        APIRoute.QueryParameter(name: "end", description: "Last day of a custom range, YYYY-MM-DD, inclusive", type: "string", required: false),
        APIRoute.QueryParameter(name: "compare", description: "previous_period (default), year_ago or none", type: "string", required: false),
        APIRoute.QueryParameter(name: "account_id", description: "The key's own account (optional)", type: "integer", required: false),
    ]

    /// The API: one entry per route, registered by ``router()`` and listed by the OpenAPI
    /// document in this order.
    public var routes: [APIRoute] {
        let v1 = Self.basePath
        let body = self.configuration.maximumBodyBytes
        func route(
            _ method: HTTPRequest.Method, _ path: String, _ operationID: String, _ tag: String, _ summary: String,
            _ access: APIRoute.Access, request: String? = nil, response: String, status: HTTPResponse.Status = .ok,
            query: [APIRoute.QueryParameter] = [], maximumBody: Int? = nil,
            _ handler: @escaping @Sendable (RouteCall) async throws -> APIResponse
        ) -> APIRoute {
            APIRoute(
                method: method, path: v1 + path, operationID: operationID, summary: summary, tag: tag, access: access, query: query,
                requestSchema: request, responseSchema: response, successStatus: status, maximumBodyBytes: maximumBody ?? body,
                handler: handler)
        }
        func parameter(_ name: String, _ description: String, type: String = "string") -> APIRoute.QueryParameter {
            APIRoute.QueryParameter(name: name, description: description, type: type, required: false)
        }
        let api = self
        return [
            // Service
            route(.get, "/health", "getHealth", "service", "Report the gateway's own liveness", .open, response: "Health") { _ in
                api.health()
            },
            route(.get, "/ready", "getReadiness", "service", "Report every service's health and log-consumer progress", .open, response: "Readiness") { _ in
                await api.readiness()
            },
            route(.get, "/openapi.json", "getOpenAPIDocument", "service", "Get this API's OpenAPI 3.1 document", .open, response: "OpenAPIDocument") { _ in
                APIResponse(.ok, api.openAPIDocument())
            },

            // Accounts
            route(.post, "/accounts", "createAccount", "accounts", "Create an account", .roles([.operator]),
                  request: "CreateAccount", response: "Account", status: .created) { try await api.createAccount($0) },
            route(.get, "/accounts", "listAccounts", "accounts", "List accounts (an account key sees its own)", .roles([.operator, .admin, .readOnly]),
                  response: "AccountList") { try await api.listAccounts($0) },
            route(.get, "/accounts/{accountID}", "getAccount", "accounts", "Get an account", .roles([.operator, .admin, .readOnly]),
                  response: "Account") { try await api.getAccount($0) },
            route(.patch, "/accounts/{accountID}", "updateAccount", "accounts", "Change an account's settings", .roles([.operator, .admin]),
                  request: "UpdateAccount", response: "Account") { try await api.updateAccount($0) },

            // Keys
            route(.post, "/accounts/{accountID}/keys", "createKey", "keys", "Create an API key for the account", .roles([.operator, .admin]),
                  request: "CreateKey", response: "CreatedKey", status: .created) { try await api.createKey($0) },
            route(.get, "/accounts/{accountID}/keys", "listKeys", "keys", "List the account's API keys", .roles([.operator, .admin]),
                  response: "KeyList") { try await api.listKeys($0) },
            route(.delete, "/accounts/{accountID}/keys/{keyID}", "revokeKey", "keys", "Revoke an API key of the account", .roles([.operator, .admin]),
                  response: "Key") { try await api.revokeKey($0) },

            // Events
            route(.post, "/accounts/{accountID}/events", "trackEvent", "events", "Send one event", .roles(Self.senders),
                  request: "Event", response: "EventOutcome", status: .created) { try await api.trackEvent($0) },
            route(.post, "/accounts/{accountID}/events/batch", "trackEventBatch", "events", "Send a batch of up to 1,000 events", .roles(Self.senders),
                  request: "EventBatch", response: "BatchResult", maximumBody: self.configuration.maximumBatchBytes) { try await api.trackEventBatch($0) },
            route(.get, "/accounts/{accountID}/events/{position}", "getEvent", "events", "Get a stored event by its position", .roles(Self.readers),
                  response: "LoggedEvent") { try await api.getEvent($0) },

            // Profiles
            route(.put, "/accounts/{accountID}/profiles", "upsertProfile", "profiles", "Create or update a profile", .roles(Self.senders),
                  request: "ProfileUpsert", response: "Profile") { try await api.upsertProfile($0) },
            route(.get, "/accounts/{accountID}/profiles", "findProfile", "profiles", "Find a profile by exactly one identifier", .roles(Self.readers),
                  response: "Profile",
                  query: [parameter("email", "An email address"), parameter("phone", "An E.164 phone number"), parameter("external_id", "The shop's customer id")]) {
                try await api.findProfile($0)
            },
            route(.get, "/accounts/{accountID}/profiles/{profileID}", "getProfile", "profiles", "Get a profile by id", .roles(Self.readers),
                  response: "Profile") { try await api.getProfile($0) },

            // Custom metrics
            route(.post, "/accounts/{accountID}/custom-metrics", "createCustomMetric", "custom-metrics", "Define a custom metric", .roles([.admin]),
                  request: "CreateCustomMetric", response: "CustomMetric", status: .created) { try await api.createCustomMetric($0) },
            route(.get, "/accounts/{accountID}/custom-metrics", "listCustomMetrics", "custom-metrics", "List the account's custom metrics", .roles(Self.readers),
                  response: "CustomMetricList") { try await api.listCustomMetrics($0) },

            // Billing
            route(.get, "/accounts/{accountID}/billing/plan", "getPlan", "billing", "Get the account's plan and plan changes", .roles(Self.readers),
                  response: "AccountPlan") { try await api.getPlan($0) },
            route(.put, "/accounts/{accountID}/billing/plan", "changePlan", "billing", "Change the account's plan from an effective date", .roles([.admin]),
                  request: "ChangePlan", response: "AccountPlan") { try await api.changePlan($0) },
            route(.get, "/accounts/{accountID}/billing/usage", "getUsage", "billing", "Get active profiles against the plan's tier", .roles(Self.readers),
                  response: "Usage", query: [parameter("as_of", "RFC 3339 time to count at (default now)")]) { try await api.getUsage($0) },
            route(.get, "/accounts/{accountID}/billing/usage/monthly", "getMonthlyUsage", "billing", "Get active profiles per month", .roles(Self.readers),
                  response: "MonthlyUsage",
                  query: [parameter("from", "First month, YYYY-MM (default 11 months before to)"), parameter("to", "Last month, YYYY-MM (default this month)")]) {
                try await api.getMonthlyUsage($0)
            },
            route(.get, "/accounts/{accountID}/billing/invoices", "listInvoices", "billing", "List the account's invoices, newest first", .roles(Self.readers),
                  response: "InvoiceList") { try await api.listInvoices($0) },
            route(.get, "/accounts/{accountID}/billing/invoices/{month}", "getInvoice", "billing", "Get the invoice of a month (YYYY-MM)", .roles(Self.readers),
                  response: "Invoice") { try await api.getInvoice($0) },
            route(.get, "/accounts/{accountID}/billing/entitlements", "getEntitlements", "billing", "Get what the account's plan allows", .roles(Self.readers),
                  response: "Entitlements") { try await api.getEntitlements($0) },
            // Customer Hub
            route(.get, "/customer-hub/dashboard", "getCustomerHubDashboard", "customer-hub",
                  "Get the Customer Hub dashboard of the key's account", .roles(Self.readers), response: "CustomerHubDashboard",
                  query: Self.periodParameters) { try await api.customerHubDashboard($0) },
            route(.get, "/customer-hub/attributed-products", "listCustomerHubAttributedProducts", "customer-hub",
                  "List the ordered products whose revenue the Customer Hub generated", .roles(Self.readers), response: "AttributedProductPage",
                  query: Self.periodParameters.filter { $0.name != "compare" } + [
                    parameter("page_size", "Rows per page, 1 to 1000 (default 100)", type: "integer"),
                    parameter("page_token", "The previous page's next_page_token"),
                  ]) { try await api.customerHubAttributedProducts($0) },

            // Predicted CLV (Marketing Analytics)
            route(.get, "/accounts/{accountID}/clv", "getCLVModel", "clv", "Get the account's CLV eligibility and model card",
                  .roles(Self.readers), response: "CLVStatus") { try await api.getCLVModel($0) },
            route(.post, "/accounts/{accountID}/clv/fit", "fitCLVModel", "clv", "Fit the account's CLV model now",
                  .roles([.admin]), response: "CLVStatus") { try await api.fitCLVModel($0) },
            route(.get, "/accounts/{accountID}/clv/settings", "getCLVSettings", "clv", "Get the account's CLV conversion metric and horizon",
                  .roles(Self.readers), response: "CLVSettings") { try await api.getCLVSettings($0) },
            route(.put, "/accounts/{accountID}/clv/settings", "updateCLVSettings", "clv",
                  "Change the CLV conversion metric (a custom metric that measures revenue) or horizon",
                  .roles([.admin]), request: "UpdateCLVSettings", response: "CLVSettings") { try await api.updateCLVSettings($0) },
            route(.get, "/accounts/{accountID}/profiles/{profileID}/clv", "getProfileCLV", "clv", "Get a profile's historic and predicted CLV",
                  .roles(Self.readers), response: "ProfileCLV") { try await api.getProfileCLV($0) },

            route(.get, "/billing/tiers", "listTiers", "billing", "List the plans and Marketing Analytics tiers", .roles(Self.anyKey),
                  response: "TierList") { try await api.listTiers($0) },
        ]
    }
}
