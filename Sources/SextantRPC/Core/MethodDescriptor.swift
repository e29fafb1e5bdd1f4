/// Names a method: its service and its own name, written `service/method` on the wire.
public struct MethodDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `sextant.health.v1.Health`.
    public var service: String
    /// The method's name within the service, e.g. `Check`.
    public var method: String
    /// `service/method`, as sent in request headers.
    public let fullName: String

    /// Creates a descriptor.
    public init(service: String, method: String) {
        self.service = service
        self.method = method
        self.fullName = "\(service)/\(method)"
    }

    public var description: String { self.fullName }
}

/// How many messages each side of a call sends.
public enum CallKind: Sendable, Hashable {
    /// One request, one response.
    case unary
    /// One request, any number of responses.
    case serverStreaming
    /// Any number of requests, one response.
    case clientStreaming
    /// Any number each way, independently.
    case bidirectional
}

/// Which service identities may call a method. Checked by the server against the identity in
/// the caller's certificate before the handler runs; refusal is `permissionDenied`.
public struct CallerPolicy: Sendable, Hashable {
    private let allowed: Set<ServiceIdentity>?

    private init(allowed: Set<ServiceIdentity>?) {
        self.allowed = allowed
    }

    /// Any caller that presented a certificate from the suite CA.
    public static let anyAuthenticated = CallerPolicy(allowed: nil)

    /// Only the listed identities.
    public static func only(_ identities: Set<ServiceIdentity>) -> CallerPolicy {
        CallerPolicy(allowed: identities)
    }

    /// Only the listed identities.
    public static func only(_ identities: ServiceIdentity...) -> CallerPolicy {
        CallerPolicy(allowed: Set(identities))
    }

    /// Whether `caller` may call the method; an unauthenticated caller never may.
    public func allows(_ caller: ServiceIdentity?) -> Bool {
        guard let caller else { return false }
        guard let allowed = self.allowed else { return true }
        return allowed.contains(caller)
    }
}

/// A method with its message types: what clients, servers and routers all refer to.
///
/// Contracts declare one constant per method:
/// ```swift
/// enum Echo {
///     static let get = RPCMethod<EchoRequest, EchoResponse>(
///         service: "sextant.echo.v1.Echo", method: "Get", kind: .unary, allowedCallers: .anyAuthenticated)
/// }
/// ```
public struct RPCMethod<Input: Codable & Sendable, Output: Codable & Sendable>: Sendable, Hashable {
    /// The method's name.
    public let descriptor: MethodDescriptor
    /// How many messages each side sends.
    public let kind: CallKind
    /// Who may call it.
    public let allowedCallers: CallerPolicy

    /// Creates a method.
    /// - Parameters:
    ///   - service: The fully qualified service name.
    ///   - method: The method's name.
    ///   - kind: The call kind.
    ///   - allowedCallers: Who may call it.
    public init(service: String, method: String, kind: CallKind, allowedCallers: CallerPolicy) {
        self.descriptor = MethodDescriptor(service: service, method: method)
        self.kind = kind
        self.allowedCallers = allowedCallers
    }
}
