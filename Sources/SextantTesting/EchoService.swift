public import SextantRPC

/// A small service for exercising the RPC layer: every call kind, plus methods that sleep, fail
/// and report cancellation. Used by the RPC tests and the benchmark.
public enum Echo {
    /// The service name.
    public static let serviceName = "sextant.test.v1.Echo"

    /// Returns the request.
    public static let get = RPCMethod<EchoMessage, EchoMessage>(
        service: serviceName, method: "Get", kind: .unary, allowedCallers: .anyAuthenticated)
    /// Returns `count` copies of the request, numbered.
    public static let expand = RPCMethod<EchoMessage, EchoMessage>(
        service: serviceName, method: "Expand", kind: .serverStreaming, allowedCallers: .anyAuthenticated)
    /// Returns how many requests arrived and their total payload size.
    public static let collect = RPCMethod<EchoMessage, EchoMessage>(
        service: serviceName, method: "Collect", kind: .clientStreaming, allowedCallers: .anyAuthenticated)
    /// Answers each request as it arrives.
    public static let update = RPCMethod<EchoMessage, EchoMessage>(
        service: serviceName, method: "Update", kind: .bidirectional, allowedCallers: .anyAuthenticated)
    /// Only the gateway may call this.
    public static let gatewayOnly = RPCMethod<EchoMessage, EchoMessage>(
        service: serviceName, method: "GatewayOnly", kind: .unary, allowedCallers: .only(.gateway))
}

/// The message every ``Echo`` method takes and returns. `Collect` waits `x-delay-ms` (request
/// metadata) before reading, to exhaust flow-control windows on purpose.
public struct EchoMessage: Codable, Sendable, Hashable {
    /// Free text; for `Get`, a command: "sleep:<ms>", "fail:<code>", "crash", "metadata".
    public var text: String
    /// An opaque payload.
    public var payload: [UInt8]
    /// A count (how many responses for `Expand`; the result of `Collect`).
    public var count: Int64

    /// Creates a message.
    public init(text: String = "", payload: [UInt8] = [], count: Int64 = 0) {
        self.text = text
        self.payload = payload
        self.count = count
    }

    enum CodingKeys: Int, CodingKey {
        case text = 1, payload = 2, count = 3
    }
}

/// Records what the echo handlers observed, for assertions about cancellation.
public actor EchoObservations {
    /// How many handlers saw their task cancelled.
    public private(set) var cancellations = 0
    /// How many handlers finished normally.
    public private(set) var completions = 0
    /// How many `sleep:` calls have started sleeping.
    public private(set) var sleepers = 0
    /// How many messages `Expand` handlers have written so far.
    public private(set) var expanded = 0

    /// Creates an empty record.
    public init() {}

    func cancelled() { self.cancellations += 1 }
    func completed() { self.completions += 1 }
    func wroteExpanded() { self.expanded += 1 }
    func startedSleeping() { self.sleepers += 1 }
}

extension Echo {
    /// A router answering every ``Echo`` method.
    public static func router(observations: EchoObservations = EchoObservations()) -> RPCRouter {
        var router = RPCRouter()
        router.register(Echo.get) { request, context in
            if request.text.hasPrefix("sleep:"), let ms = Int(request.text.dropFirst(6)) {
                await observations.startedSleeping()
                do {
                    try await Task.sleep(for: .milliseconds(ms))
                } catch {
                    await observations.cancelled()
                    throw error
                }
            } else if request.text.hasPrefix("fail:"), let code = Int(request.text.dropFirst(5)), let status = Status.Code(rawValue: code) {
                throw RPCError(code: status, message: "failed as asked")
            } else if request.text == "crash" {
                struct PrivateFailure: Error { let secret = "customer data" }
                throw PrivateFailure()
            } else if request.text == "metadata" {
                return EchoMessage(text: context.metadata[stringValue: "x-test"] ?? "(none)", count: Int64(context.metadata.count))
            } else if request.text == "caller" {
                return EchoMessage(text: context.caller?.name ?? "(none)")
            }
            await observations.completed()
            return request
        }
        router.register(Echo.expand) { request, writer, _ in
            for index in 0..<request.count {
                try await writer.write(EchoMessage(text: request.text, payload: request.payload, count: index))
                await observations.wroteExpanded()
            }
        }
        router.register(Echo.collect) { requests, context in
            // "x-delay-ms" holds the handler back before it reads, so the client's window runs out.
            if let delay = context.metadata[stringValue: "x-delay-ms"].flatMap(Int.init) {
                try await Task.sleep(for: .milliseconds(delay))
            }
            var count: Int64 = 0
            var bytes: Int64 = 0
            for try await request in requests {
                count += 1
                bytes += Int64(request.payload.count)
            }
            return EchoMessage(text: "bytes:\(bytes)", count: count)
        }
        router.register(Echo.update) { requests, writer, _ in
            for try await request in requests {
                try await writer.write(request)
            }
        }
        router.register(Echo.gatewayOnly) { request, _ in request }
        return router
    }
}
