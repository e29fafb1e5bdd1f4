public import SextantRPC

/// A service the gateway calls, with the deadline every call to it gets.
public struct Downstream: Sendable {
    /// The service's executable name, e.g. "ingest-service": what error messages and readiness show.
    public var name: String
    public var client: RPCClient
    /// How long one call may take. Default: 5 seconds.
    public var deadline: Duration

    /// - Parameters:
    ///   - name: The service's name for messages.
    ///   - client: A client connected (or connecting on first use) to it.
    ///   - deadline: Per-call deadline; default 5 s.
    public init(name: String, client: RPCClient, deadline: Duration = .seconds(5)) {
        self.name = name
        self.client = client
        self.deadline = deadline
    }

    /// One unary call with the deadline; failures become ``APIError``s (see ``APIError/fromRPC(_:service:notFound:)``).
    /// `deadline` replaces the service's for calls known to take long (a model fit).
    func call<I, O>(
        _ method: RPCMethod<I, O>, _ request: I, notFound: APIError.Code = .notFound, deadline: Duration? = nil
    ) async throws(APIError) -> O {
        do {
            return try await self.unaryWithDeadline(method, request, deadline: deadline ?? self.deadline)
        } catch let error as RPCError {
            throw APIError.fromRPC(error, service: self.name, notFound: notFound)
        } catch is CancellationError {
            throw APIError.fromRPC(RPCError(code: .cancelled, message: "the request was cancelled"), service: self.name)
        } catch {
            throw APIError.fromRPC(RPCError(code: .unavailable, message: "\(type(of: error))"), service: self.name)
        }
    }

    /// The raw call with the deadline (sent to the service and enforced here); throws `RPCError`.
    func unaryWithDeadline<I, O>(_ method: RPCMethod<I, O>, _ request: I, deadline: Duration? = nil) async throws -> O {
        let client = self.client
        let deadline = deadline ?? self.deadline
        // A little grace past the call's own deadline, so the transport's answer (with the
        // server's message) normally wins; the hard limit only catches transports that hang.
        return try await Deadline.run(within: deadline + .milliseconds(250)) {
            try await client.unary(method, request, options: CallOptions(timeout: deadline))
        }
    }
}

/// The services behind the gateway.
public struct GatewayBackends: Sendable {
    public var ingest: Downstream
    public var billing: Downstream
    /// The Customer Hub dashboard.
    public var insights: Downstream
    /// The dashboard's "View report" rows.
    public var attribution: Downstream
    /// Predicted CLV.
    public var predictive: Downstream
    /// Every service readiness reports on, in order (any of the above included).
    public var readiness: [ReadinessTarget]

    public init(
        ingest: Downstream, billing: Downstream, insights: Downstream, attribution: Downstream, predictive: Downstream, readiness: [ReadinessTarget]
    ) {
        self.ingest = ingest
        self.billing = billing
        self.insights = insights
        self.attribution = attribution
        self.predictive = predictive
        self.readiness = readiness
    }
}

/// A service `GET /api/v1/ready` asks: its health, and for log consumers how far they have read.
public struct ReadinessTarget: Sendable {
    public var service: Downstream
    /// The RPC service name that answers `Progress` (e.g. "sextant.billing.v1.Billing"); nil for
    /// services that do not follow the log (ingest itself).
    public var progressService: String?

    public init(service: Downstream, progressService: String?) {
        self.service = service
        self.progressService = progressService
    }
}
