public import Foundation
public import SextantContracts
public import SextantRPC

extension PredictiveService {
    /// Whether an account's plan includes Marketing Analytics (throws `notFound` for an unknown account).
    public typealias Entitlement = @Sendable (_ accountID: UInt64) async throws -> Bool

    /// A router answering every predictive method from `store`. Every account method first asks
    /// `entitled` (billing-service's entitlements in the service) and answers `permissionDenied`
    /// for a plan without Marketing Analytics, whoever calls. `progress` reports how far the
    /// service's log follower has read; `now` is the clock.
    public static func router(
        store: PredictiveStore, entitled: @escaping Entitlement, progress: @escaping @Sendable () -> ProgressResponse,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> RPCRouter {
        @Sendable func check(_ accountID: UInt64) async throws {
            guard try await entitled(accountID) else { throw PredictiveError.planRequired(accountID) }
        }
        var router = RPCRouter()
        router.register(PredictiveService.status, unary: { request, _ in
            try await check(request.accountID)
            return try await store.status(accountID: request.accountID, now: now())
        })
        router.register(PredictiveService.fit, unary: { request, _ in
            try await check(request.accountID)
            return try await store.fit(accountID: request.accountID, now: now())
        })
        router.register(PredictiveService.profile, unary: { request, _ in
            try await check(request.accountID)
            return try await store.profile(request, now: now())
        })
        router.register(PredictiveService.settings, unary: { request, _ in
            try await check(request.accountID)
            return try await store.settings(accountID: request.accountID)
        })
        router.register(PredictiveService.updateSettings, unary: { request, _ in
            try await check(request.accountID)
            return try await store.updateSettings(request, now: now())
        })
        router.register(PredictiveService.progress, unary: { _, _ in progress() })
        return router
    }

    /// Entitlements from billing-service over `client`: its `GetEntitlements`. An account billing
    /// does not know (yet) is `notFound`; billing unreachable is `unavailable`.
    public static func billingEntitlement(client: RPCClient, timeout: Duration = .seconds(5)) -> Entitlement {
        { accountID in
            do {
                return try await client.unary(
                    BillingService.getEntitlements, AccountRef(accountID: accountID), options: CallOptions(timeout: timeout)
                ).marketingAnalytics
            } catch let error as RPCError where error.code == .notFound {
                throw PredictiveError.accountNotFound(accountID)
            } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                throw RPCError(code: .unavailable, message: "billing-service, which decides whether the plan includes predicted CLV, is unavailable: \(error.message)")
            }
        }
    }
}
