/// The health service every Sextant server answers (like grpc.health.v1): whether the server,
/// or one named service in it, is serving.
public enum Health {
    /// The service name on the wire.
    public static let serviceName = "sextant.health.v1.Health"

    /// The current status of the server (empty `service`) or of one service.
    public static let check = RPCMethod<HealthCheckRequest, HealthCheckResponse>(
        service: serviceName, method: "Check", kind: .unary, allowedCallers: .anyAuthenticated
    )

    /// The status now, then every change, until the caller stops reading.
    public static let watch = RPCMethod<HealthCheckRequest, HealthCheckResponse>(
        service: serviceName, method: "Watch", kind: .serverStreaming, allowedCallers: .anyAuthenticated
    )
}

/// Whether something is serving.
public enum ServingStatus: UInt8, Codable, Sendable, Hashable, CaseIterable {
    /// Not known yet.
    case unknown = 0
    /// Ready for calls.
    case serving = 1
    /// Up but not taking calls (starting, draining, a dependency down).
    case notServing = 2
    /// The server has no service by that name.
    case serviceUnknown = 3
}

/// A health request: the service to ask about, or none for the whole server.
public struct HealthCheckRequest: Codable, Sendable, Hashable {
    /// The service name; empty or `nil` for the whole server.
    public var service: String?

    /// Creates a request.
    public init(service: String? = nil) {
        self.service = service
    }

    enum CodingKeys: Int, CodingKey {
        case service = 1
    }
}

/// A health answer.
public struct HealthCheckResponse: Codable, Sendable, Hashable {
    /// The status.
    public var status: ServingStatus

    /// Creates a response.
    public init(status: ServingStatus) {
        self.status = status
    }

    enum CodingKeys: Int, CodingKey {
        case status = 1
    }
}
