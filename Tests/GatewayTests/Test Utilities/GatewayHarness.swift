import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Insights
import Attribution
import PredictiveService
import NIOCore
import SextantContracts
import SextantRPC
import SextantTesting
import SextantWire
import SextantStore
import Synchronization

/// A settable monotonic clock for the rate limiter.
final class ManualClock: Sendable {
    private let base = ContinuousClock.now
    private let offset = Mutex(Duration.zero)
    var now: ContinuousClock.Instant { self.base + self.offset.withLock { $0 } }
    func advance(_ duration: Duration) { self.offset.withLock { $0 += duration } }
}

/// The gateway's HTTP API over real in-process ingest-, insights- and attribution-services (fresh
/// SQLite stores) and a billing stand-in, all reached through ``InProcessTransport`` as the
/// `gateway` identity. Insights and attribution read the ingest log when ``syncReports()`` says.
final class GatewayHarness: Sendable {
    let directory: String
    let ingestStore: IngestStore
    let insightsStore: InsightsStore
    let attributionStore: AttributionStore
    let predictiveStore: PredictiveStore
    /// The insights router's "now".
    let now: Date
    let keys: APIKeyStore
    let clock = ManualClock()
    let api: GatewayAPI

    /// - Parameters:
    ///   - rateLimits: default: high enough that no test but the rate-limit tests meets them.
    ///   - ingestTransport / billingTransport: replace a backend (down, silent).
    init(
        rateLimits: RateLimiter.Configuration = .defaults { $0.burstLimit = 100_000; $0.steadyLimit = 1_000_000 },
        configuration: GatewayConfiguration = .defaults,
        deadline: Duration = .seconds(5),
        ingestTransport: (any ClientTransport)? = nil,
        billingTransport: (any ClientTransport)? = nil,
        insightsTransport: (any ClientTransport)? = nil,
        billingRouter: RPCRouter? = nil,
        now: Date = Date()
    ) throws {
        self.directory = NSTemporaryDirectory() + "sextant-gateway-\(UUID().uuidString)"
        let store = try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: .normal)
        self.ingestStore = store
        self.keys = try APIKeyStore.open(path: self.directory + "/gateway.sqlite", durability: .normal)
        let ingestServer = RPCServer(router: IngestService.router(store: store))
        let billingServer = RPCServer(router: billingRouter ?? FakeBilling.router(accountExists: { await (try? store.account($0)) != nil }))
        let ingest = Downstream(
            name: "ingest-service", client: RPCClient(transport: ingestTransport ?? InProcessTransport(server: ingestServer, caller: .gateway)),
            deadline: deadline)
        let billing = Downstream(
            name: "billing-service", client: RPCClient(transport: billingTransport ?? InProcessTransport(server: billingServer, caller: .gateway)),
            deadline: deadline)
        self.insightsStore = try InsightsStore(path: self.directory + "/insights.sqlite", durability: .normal)
        self.attributionStore = try AttributionStore(path: self.directory + "/attribution.sqlite", durability: .normal)
        self.now = now
        let noProgress: @Sendable () -> ProgressResponse = { ProgressResponse(appliedPosition: 0, knownHead: 0, following: false, lastAppliedAt: nil) }
        let attributionServer = RPCServer(router: AttributionService.router(store: self.attributionStore, progress: noProgress))
        let attributionClient = RPCClient(transport: InProcessTransport(server: attributionServer, caller: .insightsService))
        let insightsServer = RPCServer(router: InsightsService.router(
            store: self.insightsStore, progress: noProgress,
            revenue: InsightsService.attributionRevenue(client: attributionClient), now: { now }))
        let insights = Downstream(
            name: "insights-service",
            client: RPCClient(transport: insightsTransport ?? InProcessTransport(server: insightsServer, caller: .gateway)), deadline: deadline)
        let attribution = Downstream(
            name: "attribution-service", client: RPCClient(transport: InProcessTransport(server: attributionServer, caller: .gateway)),
            deadline: deadline)
        self.predictiveStore = try PredictiveStore(path: self.directory + "/predictive.sqlite", durability: .normal)
        let billingForPredictive = RPCClient(transport: billingTransport ?? InProcessTransport(server: billingServer, caller: .predictiveService))
        let predictiveServer = RPCServer(router: PredictiveService.router(
            store: self.predictiveStore, entitled: PredictiveService.billingEntitlement(client: billingForPredictive), progress: noProgress,
            now: { now }))
        let predictive = Downstream(
            name: "predictive-service", client: RPCClient(transport: InProcessTransport(server: predictiveServer, caller: .gateway)),
            deadline: deadline)
        let clock = self.clock
        self.api = GatewayAPI(
            keys: self.keys,
            backends: GatewayBackends(
                ingest: ingest, billing: billing, insights: insights, attribution: attribution, predictive: predictive,
                readiness: [ReadinessTarget(service: ingest, progressService: nil), ReadinessTarget(service: billing, progressService: BillingService.serviceName)]),
            limiter: RateLimiter(configuration: rateLimits, clock: { clock.now }),
            configuration: configuration)
    }

    deinit { try? FileManager.default.removeItem(atPath: self.directory) }

    /// Insights, attribution and predictive apply everything the ingest log holds now.
    func syncReports() async throws {
        var position = try await self.insightsStore.appliedPosition()
        while true {
            let entries = try await self.ingestStore.entries(after: position, limit: 1_000)
            guard let last = entries.last else { break }
            try await self.insightsStore.apply(entries)
            try await self.attributionStore.apply(entries)
            try await self.predictiveStore.apply(entries)
            position = last.position
        }
    }

    /// predictive-service re-reads the log of accounts whose CLV conversion metric changed (as
    /// the service's background task does, from ingest's per-account log).
    func rebuildCLV() async throws {
        let ingest = self.ingestStore
        try await self.predictiveStore.rebuildPending(read: { account, after, handle in
            var position = after
            while true {
                let entries = try await ingest.entries(after: position, accountID: account, limit: 500)
                guard let last = entries.last, try await handle(entries) else { break }
                position = last.position
            }
            return try await ingest.head(accountID: account)
        }, now: { Date() })
    }

    /// Runs `body` with a client of the API (Hummingbird's in-process `.router` test mode).
    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = Application(router: self.api.router())
        return try await app.test(.router) { client in try await body(client) }
    }

    func account(_ name: String = "Shop") async throws -> Account {
        try await self.ingestStore.createAccount(CreateAccountRequest(name: name))
    }

    /// A new key's secret.
    func key(_ role: APIKeyRole, account: UInt64?) throws -> String {
        try self.keys.create(accountID: role == .operator ? nil : account, role: role, name: "test \(role.name)").secret
    }
}

extension TestClientProtocol {
    /// Sends a request with an optional key and JSON body.
    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: JSONValue? = nil, body: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        var buffer: ByteBuffer?
        if let json {
            buffer = JSONBody.encode(json)
            headers[.contentType] = "application/json"
        } else if let body {
            buffer = ByteBuffer(string: body)
            headers[.contentType] = "application/json"
        }
        return try await self.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
    }
}

extension TestResponse {
    /// The body as JSON (`null` when empty or not JSON).
    var json: JSONValue {
        guard self.body.readableBytes > 0 else { return .null }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(self.body.readableBytesView))) ?? .null
    }

    /// `error.code` of an error body.
    var errorCode: String? { self.json["error"]?["code"]?.stringValue }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    subscript(_ index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var numberValue: Decimal? {
        if case .number(let number) = self { return number }
        return nil
    }

    var arrayValue: [JSONValue] {
        if case .array(let elements) = self { return elements }
        return []
    }
}
