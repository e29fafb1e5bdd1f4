import Insights
import SextantContracts
import SextantRPC
import Testing

@Suite struct AttributionRevenueTests {
    @Test func requestAndAnswerMapping() throws {
        let request = InsightsService.revenueRequest(accountID: 4, range: DayRange(first: day(2024, 2, 1), last: day(2024, 2, 29)))
        #expect(request == RevenueByDayRequest(accountID: 4, firstDay: "2024-02-01", lastDay: "2024-02-29"))
        let response = RevenueByDayResponse(
            days: [
                DayRevenue(day: "2024-02-01", revenueMinorUnits: 1_999, currency: "USD", items: 2),
                DayRevenue(day: "2024-02-02", revenueMinorUnits: 0, currency: "USD", items: 0),
            ],
            totals: [MinorAmount(currency: "USD", minorUnits: 1_999)], timeZone: "UTC")
        #expect(try InsightsService.revenueDays(response) == [
            HubRevenueDay(day: day(2024, 2, 1), currency: "USD", minorUnits: 1_999),
            HubRevenueDay(day: day(2024, 2, 2), currency: "USD", minorUnits: 0),
        ])
        let broken = RevenueByDayResponse(
            days: [DayRevenue(day: "2024-2-1", revenueMinorUnits: 1, currency: "USD", items: 1)], totals: [], timeZone: "UTC")
        #expect(throws: RPCError.self) { try InsightsService.revenueDays(broken) }
    }

    @Test func isoDays() {
        #expect(LocalDay(iso: "2024-02-29") == day(2024, 2, 29))
        #expect(LocalDay(iso: "2023-02-29") == nil)
        #expect(LocalDay(iso: "2023-13-01") == nil)
        #expect(LocalDay(iso: "23-01-01") == nil)
        #expect(LocalDay(iso: "2023-01-01T") == nil)
        #expect(LocalDay(iso: "+202-01-01") == nil)
    }
}
