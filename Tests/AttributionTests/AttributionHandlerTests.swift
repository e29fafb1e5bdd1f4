import Attribution
import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import Testing

@Suite struct AttributionHandlerTests {
    @Test func everyMethodThroughTheRouter() async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let store = try fixture.open()
        let t0 = LogBuilder.base
        var log = LogBuilder()
        var entries = [log.account(1, timeZone: "Europe/Berlin", currency: "EUR")]
        entries.append(log.clickedProduct(1, profile: 10, product: "A", at: t0))
        entries += log.order(1, profile: 10, id: "O1", at: t0.adding(hours: 1), items: [("A", Decimal(string: "19.99")!, 3), ("B", 1, 1)])
        try await store.apply(entries)
        let progress = ProgressResponse(appliedPosition: 5, knownHead: 5, following: true, lastAppliedAt: nil)
        let caller = RouterCaller(server: RPCServer(router: AttributionService.router(store: store, progress: { progress })))

        let revenue = try await caller.call(
            AttributionService.revenueByDay, RevenueByDayRequest(accountID: 1, firstDay: "2026-02-28", lastDay: "2026-03-01"),
            as: .insightsService)
        #expect(revenue.days == [
            DayRevenue(day: "2026-02-28", revenueMinorUnits: 0, currency: "EUR", items: 0),
            DayRevenue(day: "2026-03-01", revenueMinorUnits: 5_997, currency: "EUR", items: 1),
        ])
        #expect(revenue.totals == [MinorAmount(currency: "EUR", minorUnits: 5_997)])
        #expect(revenue.timeZone == "Europe/Berlin")

        let page = try await caller.call(
            AttributionService.attributedProducts, AttributedProductsRequest(accountID: 1, firstDay: "2026-03-01", lastDay: "2026-03-01"))
        #expect(page.rows.count == 1)
        #expect(page.rows.first?.productID == "A")
        #expect(page.rows.first?.quantity == 3)
        #expect(page.rows.first?.price == Decimal(string: "19.99"))
        #expect(page.rows.first?.interactionPosition == 2)
        #expect(page.rows.first?.rule == .clickedProduct)
        #expect(page.nextPageToken == "")

        #expect(try await caller.call(AttributionService.progress, ProgressRequest(), as: .gateway) == progress)
        #expect(await caller.code(AttributionService.revenueByDay, RevenueByDayRequest(accountID: 9, firstDay: "2026-03-01", lastDay: "2026-03-01")) == .notFound)
        #expect(await caller.code(AttributionService.revenueByDay, RevenueByDayRequest(accountID: 1, firstDay: "2026-3-1", lastDay: "2026-03-01")) == .invalidArgument)
        #expect(await caller.code(AttributionService.revenueByDay, RevenueByDayRequest(accountID: 1, firstDay: "2026-03-01", lastDay: "2026-03-01"), as: nil) == .permissionDenied)
    }
}
