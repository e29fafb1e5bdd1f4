import Foundation
import PostgresNIO
import SextantContracts
import SextantPostgres
import SextantRPC
import SextantRPCNIO
import SextantTesting
import Testing

/// The real `billing-service` process, following a real `ingest-service` over loopback mTLS,
/// on SQLite and on PostgreSQL: it counts what the log holds, and a restart keeps its state and
/// goes on from where it stopped.
@Suite struct BillingServiceTests {
    @Test(arguments: IngestStorage.available) func countsTheLogAndKeepsItsStateAcrossARestart(_ storage: IngestStorage) async throws {
        let ingest = try IngestServiceHarness()
        let directory = ingest.directory
        let schema = "e2e_billing_" + UUID().uuidString.prefix(8).lowercased()
        var transports: [NIOClientTransport] = []
        var billing: ServiceProcess?
        /// Stops both processes and drops the schema; awaited, so no process outlives the test.
        func cleanUp() async {
            for transport in transports { await transport.close() }
            await billing?.stop()
            await ingest.shutdown()
            if storage == .postgres, let url = IngestStorage.postgresURL, let settings = try? PostgresSettings(url: url, schema: schema),
                let store = try? await PostgresStore.open(settings, migrations: PostgresMigrations())
            {
                _ = try? await store.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
                await store.close()
            }
        }
        do {
            try await self.run(storage: storage, ingest: ingest, directory: directory, schema: schema, transports: &transports, billing: &billing)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    private func run(
        storage: IngestStorage, ingest: IngestServiceHarness, directory: String, schema: String,
        transports: inout [NIOClientTransport], billing: inout ServiceProcess?
    ) async throws {
        let ingestProcess = try await ingest.start()
        let client = try ingest.client()
        let account = try await client.unary(
            IngestService.createAccount, CreateAccountRequest(name: "Shop", currency: "USD", plan: .marketingAnalytics))
        let first = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: (0..<30).map {
            orderEvent($0, email: "buyer\($0 % 3)@example.com")
        }))
        #expect(first.stored == 30)

        func startBilling() async throws -> RPCClient {
            var environment: [String: String] = [:]
            if storage == .postgres {
                environment = ["SEXTANT_STORAGE": "postgres", "SEXTANT_POSTGRES_URL": IngestStorage.postgresURL ?? "", "SEXTANT_POSTGRES_SCHEMA": schema]
            }
            let process = try await ServiceProcess.start("billing-service", arguments: [
                "--listen", "127.0.0.1:0", "--data-dir", directory + "/billing-data", "--pki-dir", directory + "/pki",
                "--ingest-address", "127.0.0.1:\(ingestProcess.port)", "--log-level", "warning", "--metrics-listen", "127.0.0.1:0",
            ], environment: environment)
            billing = process
            let transport = try NIOClientTransport(
                host: "127.0.0.1", port: process.port, tls: try ingest.pki.tlsIdentity(for: .gateway), server: .billingService,
                configuration: .defaults { $0.connectTimeout = .seconds(5) })
            transports.append(transport)
            return RPCClient(transport: transport)
        }

        /// Waits (at most 30 s) until billing has applied `position`.
        func caughtUp(_ billing: RPCClient, to position: UInt64) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try await billing.unary(BillingService.progress, ProgressRequest()).appliedPosition >= position { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("billing-service did not apply position \(position) within 30 s")
        }

        var billingClient = try await startBilling()
        try await caughtUp(billingClient, to: first.head)
        let usage = try await billingClient.unary(BillingService.getUsage, UsageRequest(accountID: account.id))
        #expect(usage.activeProfiles == 3)
        #expect(usage.tier?.activeProfileLimit == 13_500)
        let changed = try await billingClient.unary(
            BillingService.changePlan, ChangePlanRequest(accountID: account.id, marketingAnalytics: true, tierActiveProfileLimit: 25_000))
        #expect(changed.current.marketingAnalytics?.activeProfileLimit == 25_000)

        // Restarted: the plan change and the counts are kept, and new entries are applied once.
        await billing?.stop()
        let second = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: (30..<40).map {
            orderEvent($0, email: "buyer\($0 % 4)@example.com")
        }))
        #expect(second.stored == 10)
        billingClient = try await startBilling()
        try await caughtUp(billingClient, to: second.head)
        let after = try await billingClient.unary(BillingService.getUsage, UsageRequest(accountID: account.id))
        #expect(after.activeProfiles == 4)
        #expect(after.logPosition == second.head)
        #expect(try await billingClient.unary(BillingService.getPlan, AccountRef(accountID: account.id)).current.marketingAnalytics?.activeProfileLimit == 25_000)
    }
}
