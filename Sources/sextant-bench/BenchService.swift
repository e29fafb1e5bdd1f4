import SextantRPC

/// The benchmark's service: the peers' two workloads with Sextant's typed messages.
enum BenchService {
    static let serviceName = "sextant.bench.v1.Bench"
    /// Unary: the request comes back.
    static let echo = RPCMethod<BenchMessage, BenchMessage>(
        service: serviceName, method: "Echo", kind: .unary, allowedCallers: .anyAuthenticated)
    /// Client-streaming: the reply's `count` is the number of messages the server received.
    static let ingest = RPCMethod<BenchMessage, BenchMessage>(
        service: serviceName, method: "Ingest", kind: .clientStreaming, allowedCallers: .anyAuthenticated)

    static func router() -> RPCRouter {
        var router = RPCRouter()
        router.register(Self.echo) { request, _ in request }
        router.register(Self.ingest) { requests, _ in
            var count: Int64 = 0
            for try await _ in requests { count += 1 }
            return BenchMessage(payload: [], count: count)
        }
        return router
    }
}

/// A payload and a counter.
struct BenchMessage: Codable, Sendable {
    var payload: [UInt8]
    var count: Int64

    enum CodingKeys: Int, CodingKey {
        case payload = 1, count = 2
    }
}
