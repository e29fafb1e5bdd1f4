public import SextantContracts
public import SextantRPC

extension AttributionService {
    /// A router answering every attribution method from `store`; `progress` reports how far the
    /// service's log follower has read (`LogFollower.progress`).
    public static func router(store: AttributionStore, progress: @escaping @Sendable () -> ProgressResponse) -> RPCRouter {
        var router = RPCRouter()
        router.register(AttributionService.revenueByDay, unary: { request, _ in try store.revenueByDay(request) })
        router.register(AttributionService.attributedProducts, unary: { request, _ in try store.attributedProducts(request) })
        router.register(AttributionService.progress, unary: { _, _ in progress() })
        return router
    }
}
