import Billing
import Foundation
import Ingest
import Logging
import SextantContracts
import SextantLogFollower
import SextantRPC
import SextantStore
import SextantTesting
import Testing

/// ingest-service and billing-service wired as in the suite, in one process (the RPC calls go
/// through `InProcessTransport`): billing follows ingest's log, ingest asks billing for each
/// account's custom-metric limit, and the limit follows billing's plan changes — 1 on the email
/// plan, 50 with Marketing Analytics — with concurrent creations never passing it.
@Suite struct CustomMetricLimitTests {
    let directory = NSTemporaryDirectory() + "sextant-suite-inprocess-\(UUID().uuidString)"

    @Test func theLimitIsBillingsAndHoldsUnderConcurrentCreations() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let ingestStore = try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: .normal)
        let billingStore = try BillingStore(path: self.directory + "/billing.sqlite", durability: .normal)

        let ingestServer = RPCServer(router: IngestService.router(store: ingestStore))
        let follower = LogFollower(
            client: RPCClient(transport: InProcessTransport(server: ingestServer, caller: .billingService)),
            applier: billingStore, logger: Logger(label: "test"))
        let following = Task { await follower.run() }
        defer { following.cancel() }
        let billingServer = RPCServer(router: BillingService.router(store: billingStore, progress: { follower.progress }))
        let billingForIngest = RPCClient(transport: InProcessTransport(server: billingServer, caller: .ingestService))
        let billingForGateway = RPCClient(transport: InProcessTransport(server: billingServer, caller: .gateway))

        // The ingest router of the suite: the limit is asked of billing-service.
        let ingest = RPCClient(transport: InProcessTransport(
            server: RPCServer(router: IngestService.router(store: ingestStore, customMetricLimit: { accountID in
                Int(try await billingForIngest.unary(BillingService.getEntitlements, AccountRef(accountID: accountID)).customMetricLimit)
            })),
            caller: .gateway))

        let account = try await ingest.unary(IngestService.createAccount, CreateAccountRequest(name: "Shop", plan: .email))
        // billing-service learns about the account from the log.
        for _ in 0..<500 where (try? await billingForGateway.unary(BillingService.getPlan, AccountRef(accountID: account.id))) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }

        func createConcurrently(_ names: [String]) async -> (created: Int, refusals: [RPCError]) {
            await withTaskGroup(of: Result<CustomMetric, RPCError>.self) { group in
                for name in names {
                    group.addTask {
                        do {
                            return .success(try await ingest.unary(IngestService.createCustomMetric, CreateCustomMetricRequest(
                                accountID: account.id, name: name, sources: [CustomMetricSource(metric: "Placed Order")], aggregation: .count)))
                        } catch {
                            return .failure(error as? RPCError ?? RPCError(code: .unknown, message: "\(error)"))
                        }
                    }
                }
                var created = 0
                var refusals: [RPCError] = []
                for await result in group {
                    switch result {
                    case .success: created += 1
                    case .failure(let error): refusals.append(error)
                    }
                }
                return (created, refusals)
            }
        }

        // Email plan: 1.
        let email = await createConcurrently((0..<6).map { "email \($0)" })
        #expect(email.created == 1)
        #expect(email.refusals.count == 5 && email.refusals.allSatisfy { $0.code == .resourceExhausted && $0.message.contains("may define 1 custom metric") })

        // Marketing Analytics from now on: 50, with 60 tries at once.
        let plan = try await billingForGateway.unary(
            BillingService.changePlan, ChangePlanRequest(accountID: account.id, marketingAnalytics: true, tierActiveProfileLimit: 13_500))
        #expect(plan.current.marketingAnalytics?.activeProfileLimit == 13_500)
        let analytics = await createConcurrently((0..<60).map { "analytics \($0)" })
        #expect(analytics.created == 49)
        #expect(analytics.refusals.count == 11 && analytics.refusals.allSatisfy { $0.message.contains("may define 50 custom metrics") })
        let list = try await ingest.unary(IngestService.listCustomMetrics, AccountRef(accountID: account.id))
        #expect(list.metrics.count == 50 && list.limit == 50)

        // Back on the email plan: the existing 50 stay, no new one.
        _ = try await billingForGateway.unary(BillingService.changePlan, ChangePlanRequest(accountID: account.id, marketingAnalytics: false))
        let after = await createConcurrently(["one more"])
        #expect(after.created == 0)
        #expect(try await ingest.unary(IngestService.listCustomMetrics, AccountRef(accountID: account.id)).limit == 1)
    }
}
