import Foundation
import Ingest
import NIOConcurrencyHelpers
import SextantContracts
import SextantRPC
import SextantTesting
import Testing

/// In the suite, ingest asks billing-service for the custom-metric limit (its entitlements follow
/// plan changes); the check against the stored count stays atomic in ingest's writer.
@Suite struct CustomMetricEntitlementTests {
    private func create(_ accountID: UInt64, _ name: String) -> CreateCustomMetricRequest {
        CreateCustomMetricRequest(accountID: accountID, name: name, sources: [CustomMetricSource(metric: "Placed Order")], aggregation: .count)
    }

    @Test(arguments: StoreBackend.available) func theLimitComesFromBillingAndConcurrentCreationsCannotBothPass(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        // The account's recorded plan says email (1), billing says the account now has 3.
        let account = try await temp.account()
        let asked = NIOLockedValueBox(0)
        let router = IngestService.router(store: temp.store, customMetricLimit: { accountID in
            #expect(accountID == account.id)
            asked.withLockedValue { $0 += 1 }
            return 3
        })
        let client = RPCClient(transport: InProcessTransport(server: RPCServer(router: router), caller: .gateway))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { (try? await client.unary(IngestService.createCustomMetric, self.create(account.id, "m\(index)"))) != nil }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(results == 3)
        #expect(asked.withLockedValue { $0 } >= 8)
        let list = try await client.unary(IngestService.listCustomMetrics, AccountRef(accountID: account.id))
        #expect(list.metrics.count == 3 && list.limit == 3)
        do {
            _ = try await client.unary(IngestService.createCustomMetric, self.create(account.id, "one more"))
            Issue.record("a fourth metric passed a limit of 3")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("may define 3 custom metrics"))
        }
    }

    @Test(arguments: StoreBackend.available) func billingUnavailableRefusesCreationAndStoresNothing(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let router = IngestService.router(store: temp.store, customMetricLimit: { _ in
            throw RPCError(code: .unavailable, message: "billing-service is unavailable")
        })
        let client = RPCClient(transport: InProcessTransport(server: RPCServer(router: router), caller: .gateway))
        do {
            _ = try await client.unary(IngestService.createCustomMetric, self.create(account.id, "m"))
            Issue.record("created without a known limit")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
        }
        await #expect(try temp.store.customMetrics(accountID: account.id).metrics.isEmpty)
    }
}
