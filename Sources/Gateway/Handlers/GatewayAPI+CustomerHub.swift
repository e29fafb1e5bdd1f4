import Foundation
import HTTPTypes
import SextantContracts
import SextantWire

extension GatewayAPI {
    /// `GET /api/v1/customer-hub/dashboard?period=last_30_days&compare=previous_period`, or a
    /// custom range with `start` and `end` (`YYYY-MM-DD`, both inclusive): insights-service's
    /// dashboard of the key's account.
    func customerHubDashboard(_ call: RouteCall) async throws -> APIResponse {
        let request = try Self.dashboardRequest(call, accountID: try Self.keyAccount(call))
        let board = try await self.backends.insights.call(InsightsService.customerHubDashboard, request, notFound: .accountNotFound)
        return APIResponse(.ok, CustomerHubJSON.json(board, comparison: request.comparison))
    }

    /// `GET /api/v1/customer-hub/attributed-products?period=…` (or `start`/`end`), `page_size`,
    /// `page_token`: the Hub-attributed ordered items behind the dashboard's revenue, newest
    /// first. The period is resolved by insights-service exactly as the dashboard resolves it, so
    /// the list and the revenue tile cover the same days.
    func customerHubAttributedProducts(_ call: RouteCall) async throws -> APIResponse {
        let accountID = try Self.keyAccount(call)
        let request = try Self.dashboardRequest(call, accountID: accountID, readsCompare: false)
        var pageSize: UInt32 = 0
        if let text = call.query("page_size") {
            guard let size = UInt32(text), (1...AttributionService.maximumPageSize).contains(size) else {
                throw APIError.invalidArgument(field: "page_size", reason: "must be a whole number from 1 to \(AttributionService.maximumPageSize)")
            }
            pageSize = size
        }
        let token = call.query("page_token") ?? ""
        guard token.utf8.count <= 256 else { throw APIError.invalidArgument(field: "page_token", reason: "is not a token this API gave out") }
        let resolved = try await self.backends.insights.call(InsightsService.resolvePeriod, request, notFound: .accountNotFound)
        let page = try await self.backends.attribution.call(
            AttributionService.attributedProducts,
            AttributedProductsRequest(
                accountID: accountID, firstDay: resolved.period.first.description, lastDay: resolved.period.last.description,
                pageToken: token, pageSize: pageSize),
            notFound: .accountNotFound)
        return APIResponse(.ok, .object([
            "account_id": .uint(accountID),
            "period": CustomerHubJSON.json(resolved.period),
            "time_zone": .string(resolved.timeZone),
            "products": .array(page.rows.map(CustomerHubJSON.json)),
            "next_page_token": page.nextPageToken.isEmpty ? .null : .string(page.nextPageToken),
        ]))
    }

    /// The account of an account key. `account_id` in the query may name it (for scripts that
    /// pass it everywhere); naming another account is 404 `account_not_found`, as on account paths.
    static func keyAccount(_ call: RouteCall) throws(APIError) -> UInt64 {
        guard let own = call.key?.accountID else {
            throw APIError(.forbidden, .forbidden, "this route reads one account's data: use a key of that account")
        }
        if let text = call.query("account_id"), UInt64(text) != own { throw APIError.accountNotFound(text) }
        return own
    }

    /// The dashboard request of the query: `period` (a preset; default `last_30_days`) or `start`
    /// and `end`, and `compare` (default `previous_period`).
    static func dashboardRequest(_ call: RouteCall, accountID: UInt64, readsCompare: Bool = true) throws(APIError) -> CustomerHubDashboardRequest {
        let compareText = readsCompare ? call.query("compare") ?? "previous_period" : "none"
        guard let comparison = CustomerHubJSON.comparisons.first(where: { $0.name == compareText })?.mode else {
            throw APIError.invalidArgument(
                field: "compare", reason: "must be one of \(CustomerHubJSON.comparisons.map(\.name).joined(separator: ", "))")
        }
        let start = call.query("start")
        let end = call.query("end")
        let period = call.query("period")
        if start != nil || end != nil {
            guard period == nil || period == "custom" else {
                throw APIError.invalidArgument(field: "period", reason: "give either a preset or start and end, not both")
            }
            guard let start else { throw APIError.invalidArgument(field: "start", reason: "is required with end") }
            guard let end else { throw APIError.invalidArgument(field: "end", reason: "is required with start") }
            guard let first = Self.localDate(start) else { throw APIError.invalidArgument(field: "start", reason: "must be a day, YYYY-MM-DD") }
            guard let last = Self.localDate(end) else { throw APIError.invalidArgument(field: "end", reason: "must be a day, YYYY-MM-DD") }
            // The rules that need no account (insights-service checks the end against today).
            guard first >= LocalDate(year: 2000, month: 1, day: 1) else {
                throw APIError.invalidArgument(field: "start", reason: "must be 2000-01-01 or later")
            }
            guard first <= last else { throw APIError.invalidArgument(field: "end", reason: "is before start (\(start))") }
            let days = Self.daysBetween(first, last) + 1
            guard days <= Self.maximumRangeDays else {
                throw APIError.invalidArgument(field: "end", reason: "the range has \(days) days; at most \(Self.maximumRangeDays)")
            }
            return CustomerHubDashboardRequest(accountID: accountID, firstDay: first, lastDay: last, comparison: comparison)
        }
        let name = period ?? "last_30_days"
        guard let preset = CustomerHubJSON.presets.first(where: { $0.name == name })?.preset else {
            throw APIError.invalidArgument(
                field: "period", reason: "must be one of \(CustomerHubJSON.presets.map(\.name).joined(separator: ", ")), or custom with start and end")
        }
        return CustomerHubDashboardRequest(accountID: accountID, preset: preset, comparison: comparison)
    }

    /// The longest custom range, in days (insights-service's limit, 10 years).
    static let maximumRangeDays = 3_660

    /// Whole days from `a` to `b`.
    static func daysBetween(_ a: LocalDate, _ b: LocalDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func date(_ d: LocalDate) -> Date { calendar.date(from: DateComponents(year: Int(d.year), month: Int(d.month), day: Int(d.day)))! }
        return calendar.dateComponents([.day], from: date(a), to: date(b)).day ?? 0
    }

    /// "YYYY-MM-DD" as a date that exists in the Gregorian calendar.
    static func localDate(_ text: String) -> LocalDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int32(parts[0]), let month = UInt8(parts[1]), let day = UInt8(parts[2]), (1...12).contains(month)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard DateComponents(year: Int(year), month: Int(month), day: Int(day)).isValidDate(in: calendar) else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}
