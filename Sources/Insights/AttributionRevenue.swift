public import SextantContracts
public import SextantRPC

extension InsightsService {
    /// The revenue source of the dashboard: attribution-service's `RevenueByDay` through
    /// `client` (connected to attribution-service).
    public static func attributionRevenue(client: RPCClient, options: CallOptions = .defaults) -> HubRevenueByDay {
        { accountID, range in
            let response = try await client.unary(AttributionService.revenueByDay, revenueRequest(accountID: accountID, range: range), options: options)
            return try revenueDays(response)
        }
    }

    /// The `RevenueByDay` request for a range (days as `YYYY-MM-DD`).
    public static func revenueRequest(accountID: UInt64, range: DayRange) -> RevenueByDayRequest {
        RevenueByDayRequest(accountID: accountID, firstDay: range.first.description, lastDay: range.last.description)
    }

    /// The rows of a `RevenueByDay` answer. A day that is not `YYYY-MM-DD` is an `internalError`
    /// (attribution-service broke its contract), never silently dropped.
    public static func revenueDays(_ response: RevenueByDayResponse) throws -> [HubRevenueDay] {
        try response.days.map { row in
            guard let day = LocalDay(iso: row.day) else {
                throw RPCError(code: .internalError, message: "attribution-service answered the day \"\(row.day)\"")
            }
            return HubRevenueDay(day: day, currency: row.currency, minorUnits: row.revenueMinorUnits)
        }
    }
}
