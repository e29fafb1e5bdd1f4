public import Foundation
public import SextantContracts
public import SextantRPC

extension InsightsService {
    /// A router answering every insights method from `store`. `progress` reports how far the
    /// service's log follower has read (`LogFollower.progress`); `revenue` asks
    /// attribution-service for the Hub-attributed revenue by day; `now` is the clock.
    public static func router(
        store: InsightsStore, progress: @escaping @Sendable () -> ProgressResponse, revenue: @escaping HubRevenueByDay,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> RPCRouter {
        var router = RPCRouter()
        router.register(InsightsService.customerHubDashboard, unary: { request, _ in
            try await store.dashboard(request, now: now(), revenue: revenue)
        })
        router.register(InsightsService.resolvePeriod, unary: { request, _ in
            try await store.resolvePeriod(request, now: now())
        })
        router.register(InsightsService.progress, unary: { _, _ in progress() })
        return router
    }
}
