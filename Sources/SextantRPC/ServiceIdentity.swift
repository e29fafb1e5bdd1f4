/// The name a Sextant process proves with its certificate, and the unit of RPC authorization.
///
/// Every service, the gateway and the admin CLI holds a certificate issued by the suite CA. The
/// certificate carries the identity as a URI subject alternative name, `sextant://service/<name>`
/// (see ``uri``), and the transport reads it back from the peer's certificate after the mutual-TLS
/// handshake. Method descriptors then list the identities allowed to call them, so authorization is a
/// set lookup on this value, never a hostname comparison.
///
/// A name is 1 to 63 characters of lowercase ASCII letters, digits and `-`, and neither starts nor
/// ends with `-`: the rules of a DNS label, because the name also appears as a DNS name in the
/// certificate.
///
/// ```swift
/// let caller = try ServiceIdentity("ingest-service")
/// assert(caller == .ingestService)
/// assert(caller.uri == "sextant://service/ingest-service")
/// ```
public struct ServiceIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The identity's name, for example `ingest-service`.
    public let name: String

    /// The longest allowed name, in characters (63, the DNS label limit).
    public static let maximumNameLength = 63

    /// The prefix of every identity URI: `sextant://service/`.
    public static let uriPrefix = "sextant://service/"

    /// Creates an identity after checking that `name` follows the naming rules.
    ///
    /// - Parameter name: 1 to 63 characters of `a`–`z`, `0`–`9` and `-`, not starting or ending with `-`.
    /// - Throws: ``InvalidNameError`` naming the rule `name` breaks.
    public init(_ name: String) throws(InvalidNameError) {
        if let reason = Self.violation(in: name) {
            throw InvalidNameError(name: name, reason: reason)
        }
        self.name = name
    }

    /// Creates an identity, or returns `nil` if `name` breaks the naming rules.
    ///
    /// Use this where an invalid name needs no explanation; otherwise prefer the throwing ``init(_:)``.
    ///
    /// - Parameter name: the candidate name.
    public init?(validating name: String) {
        guard Self.violation(in: name) == nil else { return nil }
        self.name = name
    }

    /// Parses an identity URI of the form `sextant://service/<name>`, as found in a certificate.
    ///
    /// The match is exact: no other scheme, host, trailing slash, query or fragment is accepted, and the
    /// name must follow the naming rules.
    ///
    /// - Parameter uri: the URI, for example `sextant://service/billing-service`.
    public init?(uri: String) {
        guard uri.hasPrefix(Self.uriPrefix) else { return nil }
        self.init(validating: String(uri.dropFirst(Self.uriPrefix.count)))
    }

    /// Creates a compile-time constant identity; the name is checked in debug builds only.
    private init(known name: String) {
        assert(Self.violation(in: name) == nil, "invalid built-in service identity \(name)")
        self.name = name
    }

    /// The identity as a URI, `sextant://service/<name>`: the subject alternative name in its certificate.
    public var uri: String {
        Self.uriPrefix + self.name
    }

    /// The identity's name.
    public var description: String {
        self.name
    }

    /// Returns the first rule `name` breaks, or `nil` if it is a valid identity name.
    private static func violation(in name: String) -> InvalidNameError.Reason? {
        let utf8 = name.utf8
        if utf8.isEmpty {
            return .empty
        }
        if utf8.count > Self.maximumNameLength {
            return .tooLong
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                continue
            default:
                return .invalidCharacter
            }
        }
        if utf8.first == UInt8(ascii: "-") || utf8.last == UInt8(ascii: "-") {
            return .hyphenAtEdge
        }
        return nil
    }
}

extension ServiceIdentity {
    /// The ingest service, `ingest-service`: accepts events from the gateway.
    public static let ingestService = ServiceIdentity(known: "ingest-service")

    /// The attribution service, `attribution-service`.
    public static let attributionService = ServiceIdentity(known: "attribution-service")

    /// The insights service, `insights-service`.
    public static let insightsService = ServiceIdentity(known: "insights-service")

    /// The predictive service, `predictive-service`.
    public static let predictiveService = ServiceIdentity(known: "predictive-service")

    /// The billing service, `billing-service`.
    public static let billingService = ServiceIdentity(known: "billing-service")

    /// The public gateway, `gateway`: the only process that talks to the outside world.
    public static let gateway = ServiceIdentity(known: "gateway")

    /// The operator's command-line tool, `admin`.
    public static let admin = ServiceIdentity(known: "admin")

    /// Every identity the suite ships with, in a fixed order: the five services, the gateway, then admin.
    ///
    /// Useful for issuing a full set of certificates at install time.
    public static let allKnown: [ServiceIdentity] = [
        .ingestService, .attributionService, .insightsService, .predictiveService, .billingService, .gateway, .admin,
    ]
}

extension ServiceIdentity {
    /// Thrown when a string is not a valid service identity name.
    ///
    /// The description names the rule and the rejected value; identity names are configuration, not
    /// customer data, so they are safe to log.
    public struct InvalidNameError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Which naming rule a rejected name breaks.
        public struct Reason: Hashable, Sendable, CustomStringConvertible {
            private enum Value: Hashable, Sendable {
                case empty
                case tooLong
                case invalidCharacter
                case hyphenAtEdge
            }

            private let value: Value

            private init(_ value: Value) {
                self.value = value
            }

            /// The name is the empty string.
            public static let empty = Reason(.empty)

            /// The name is longer than ``ServiceIdentity/maximumNameLength`` (63) characters.
            public static let tooLong = Reason(.tooLong)

            /// The name contains a character other than `a`–`z`, `0`–`9` and `-`.
            public static let invalidCharacter = Reason(.invalidCharacter)

            /// The name starts or ends with `-`.
            public static let hyphenAtEdge = Reason(.hyphenAtEdge)

            /// The rule, in words.
            public var description: String {
                switch self.value {
                case .empty:
                    return "must not be empty"
                case .tooLong:
                    return "must be at most \(ServiceIdentity.maximumNameLength) characters"
                case .invalidCharacter:
                    return "may contain only lowercase letters a-z, digits 0-9 and '-'"
                case .hyphenAtEdge:
                    return "must not start or end with '-'"
                }
            }
        }

        /// The rejected name.
        public let name: String

        /// The rule it breaks.
        public let reason: Reason

        /// Creates the error for `name` breaking `reason`.
        ///
        /// - Parameters:
        ///   - name: the rejected name.
        ///   - reason: the rule it breaks.
        public init(name: String, reason: Reason) {
            self.name = name
            self.reason = reason
        }

        /// For example: `invalid service identity "Billing": may contain only lowercase letters a-z, …`.
        public var description: String {
            "invalid service identity \(String(reflecting: self.name)) (length: \(self.name.count)): \(self.reason)"
        }
    }
}
