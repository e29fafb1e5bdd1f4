public import Foundation
public import SextantContracts
public import SextantRPC

extension PredictiveService {
    /// A router answering every predictive method from `store`. `progress` reports how far the
    /// service's log follower has read; `now` is the clock.
    public static func router(
        store: PredictiveStore, progress: @escaping @Sendable () -> ProgressResponse, now: @escaping @Sendable () -> Date = { Date() }
    ) -> RPCRouter {
        var router = RPCRouter()
        router.register(PredictiveService.status, unary: { request, _ in
            try await store.status(accountID: request.accountID, now: now())
        })
        router.register(PredictiveService.fit, unary: { request, _ in
            try await store.fit(accountID: request.accountID, now: now())
        })
        router.register(PredictiveService.profile, unary: { request, _ in
            try await store.profile(request, now: now())
        })
        router.register(PredictiveService.progress, unary: { _, _ in progress() })
        return router
    }
}
