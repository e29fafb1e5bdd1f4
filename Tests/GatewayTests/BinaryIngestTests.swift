import SextantWire
import NIOCore
import Ingest
import HTTPTypes
import Foundation
@testable import Gateway
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantTesting
import Synchronization
import Testing

/// The binary ingest port's handlers, in-process, and the transport option it needs (TLS
/// without client certificates) over loopback.
@Suite struct BinaryIngestTests {
    static func port(_ harness: GatewayHarness) -> RPCServer {
        RPCServer(router: BinaryIngest.router(keys: harness.keys, ingest: harness.api.backends.ingest))
    }

    static func options(_ key: String?) -> CallOptions {
        var metadata = Metadata()
        if let key { metadata.addString("Bearer \(key)", forKey: "authorization") }
        return CallOptions(timeout: .seconds(60), metadata: metadata)
    }

    static func batch(_ account: UInt64, _ id: String) -> TrackEventsRequest {
        TrackEventsRequest(accountID: account, events: [
            EventInput(metric: "Placed Order", profile: ProfileIdentifiers(email: "ada@example.com"), time: Date(timeIntervalSince1970: 1_790_000_000), value: 10, uniqueID: id)
        ])
    }

    static func code(_ body: () async throws -> Void) async -> Status.Code? {
        do {
            try await body()
            return nil
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    @Test func keysDecideWhoMaySendAndWhere() async throws {
        let harness = try GatewayHarness()
        let mine = try await harness.account("Mine")
        let other = try await harness.account("Other")
        let otherHead = try await harness.ingestStore.head(accountID: other.id)
        let ingestKey = try harness.key(.ingestOnly, account: mine.id)
        let adminKey = try harness.key(.admin, account: mine.id)
        let readKey = try harness.key(.readOnly, account: mine.id)
        let client = RPCClient(transport: InProcessTransport(server: Self.port(harness), caller: BinaryIngest.callerIdentity))

        let stored = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "1"), options: Self.options(ingestKey))
        #expect(stored.stored == 1)
        let duplicate = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "1"), options: Self.options(adminKey))
        #expect(duplicate.duplicates == 1)

        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "2"), options: Self.options(nil)) } == .unauthenticated)
        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "2"), options: Self.options("sxt_nope")) } == .unauthenticated)
        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "2"), options: Self.options(readKey)) } == .permissionDenied)
        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(other.id, "2"), options: Self.options(ingestKey)) } == .permissionDenied)
        await #expect(try harness.ingestStore.head(accountID: other.id) == otherHead)

        try harness.keys.revoke(id: try #require(try harness.keys.authenticate(secret: ingestKey)).id)
        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "3"), options: Self.options(ingestKey)) } == .unauthenticated)

        // Only the port's caller identity may call at all; other ingest methods are not there.
        let suiteCaller = RPCClient(transport: InProcessTransport(server: Self.port(harness), caller: .gateway))
        #expect(await Self.code { _ = try await suiteCaller.unary(BinaryIngest.trackEvents, Self.batch(mine.id, "4"), options: Self.options(adminKey)) } == .permissionDenied)
        #expect(await Self.code { _ = try await client.unary(IngestService.listAccounts, ListAccountsRequest(), options: Self.options(adminKey)) } == .unimplemented)
    }

    @Test func streamsAreForwardedAndStopAtAnotherAccountsBatch() async throws {
        let harness = try GatewayHarness()
        let mine = try await harness.account("Mine")
        let other = try await harness.account("Other")
        let otherHead = try await harness.ingestStore.head(accountID: other.id)
        let key = try harness.key(.ingestOnly, account: mine.id)
        let client = RPCClient(transport: InProcessTransport(server: Self.port(harness), caller: BinaryIngest.callerIdentity))

        let acknowledged = try await client.bidirectional(
            BinaryIngest.trackEventStream, options: Self.options(key),
            requests: { writer in
                for index in 0..<3 { try await writer.write(Self.batch(mine.id, "s\(index)")) }
            },
            responses: { responses in
                var stored = 0
                for try await response in responses { stored += response.stored }
                return stored
            })
        #expect(acknowledged == 3)

        let answered = Mutex(0)
        let failure = await Self.code {
            _ = try await client.bidirectional(
                BinaryIngest.trackEventStream, options: Self.options(key),
                requests: { writer in
                    try await writer.write(Self.batch(mine.id, "t1"))
                    try await writer.write(Self.batch(other.id, "t2"))
                },
                responses: { responses in for try await _ in responses { answered.withLock { $0 += 1 } } })
        }
        #expect(failure == .permissionDenied)
        // The batch before the refused one was stored and acknowledged.
        #expect(answered.withLock { $0 } == 1)
        await #expect(try harness.ingestStore.head(accountID: other.id) == otherHead)
    }

    @Test func aKeyRevokedWhileItsStreamIsOpenStopsTheStream() async throws {
        let harness = try GatewayHarness()
        let mine = try await harness.account("Mine")
        let created = try harness.keys.create(accountID: mine.id, role: .ingestOnly, name: "streamer")
        let client = RPCClient(transport: InProcessTransport(server: Self.port(harness), caller: BinaryIngest.callerIdentity))
        let interval = BinaryIngest.revocationCheckInterval
        let answered = Mutex(0)
        let failure = await Self.code {
            _ = try await client.bidirectional(
                BinaryIngest.trackEventStream, options: Self.options(created.secret),
                requests: { writer in
                    for index in 0..<interval { try await writer.write(Self.batch(mine.id, "r\(index)")) }
                    // Revoked with the stream open: the next check refuses the rest.
                    while answered.withLock({ $0 }) < interval { try await Task.sleep(for: .milliseconds(5)) }
                    _ = try harness.keys.revoke(id: created.key.id)
                    for index in interval..<(3 * interval) { try await writer.write(Self.batch(mine.id, "r\(index)")) }
                },
                responses: { responses in for try await _ in responses { answered.withLock { $0 += 1 } } })
        }
        #expect(failure == .unauthenticated)
        #expect(answered.withLock { $0 } < 3 * interval)
        #expect(answered.withLock { $0 } <= 2 * interval)
    }

    /// The transport option: a port that asks for no client certificate, where every call is
    /// the configured caller; the default still refuses clients without a suite certificate.
    @Test func tlsWithoutClientCertificatesOverLoopback() async throws {
        let harness = try GatewayHarness()
        let account = try await harness.account()
        let key = try harness.key(.ingestOnly, account: account.id)
        var configuration = NIOServerTransport.Configuration.defaults
        configuration.clientAuthentication = .none(callerIdentity: BinaryIngest.callerIdentity)
        let server = try await LoopbackServer.start(
            router: BinaryIngest.router(keys: harness.keys, ingest: harness.api.backends.ingest), identity: .gateway, configuration: configuration)
        // A client whose certificate no suite CA signed still connects: it is not asked for one.
        let stranger = try server.untrustedClientTransport(as: .admin)
        let client = RPCClient(transport: stranger)
        let response = try await client.unary(BinaryIngest.trackEvents, Self.batch(account.id, "loop"), options: Self.options(key))
        #expect(response.stored == 1)
        #expect(await Self.code { _ = try await client.unary(BinaryIngest.trackEvents, Self.batch(account.id, "x"), options: Self.options(nil)) } == .unauthenticated)
        let health = try await client.unary(Health.check, HealthCheckRequest(), options: CallOptions(timeout: .seconds(60)))
        #expect(health.status == .serving)
        await stranger.close()
        await server.stop()

        // The default port refuses the same client.
        let strict = try await LoopbackServer.start(router: BinaryIngest.router(keys: harness.keys, ingest: harness.api.backends.ingest), identity: .gateway)
        let refused = try strict.untrustedClientTransport(as: .admin)
        let failure = await Self.code { _ = try await RPCClient(transport: refused).unary(Health.check, HealthCheckRequest(), options: CallOptions(timeout: .seconds(3))) }
        #expect(failure == .unavailable || failure == .deadlineExceeded)
        await refused.close()
        await strict.stop()
    }
}
