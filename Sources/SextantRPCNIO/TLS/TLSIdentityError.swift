/// Thrown when certificates, keys or peer identities cannot be made, read, written or trusted.
///
/// These are setup and authentication failures, not failed calls: a process that cannot load its
/// identity should not start, and a peer whose certificate names no service identity is refused. The
/// ``message`` names the file, identity or limit involved; it never contains key material.
public struct TLSIdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The high-level classification of the failure.
    public var code: Code

    /// What went wrong, naming the file, identity or value involved.
    public var message: String

    /// The lower-level error that caused this one (a swift-certificates, NIOSSL or system error), if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the classification.
    ///   - message: what went wrong, naming the values involved.
    ///   - cause: the underlying error, if any; defaults to `nil`.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The code and message, then the cause if there is one.
    public var description: String {
        if let cause = self.cause {
            return "\(self.code): \(self.message) (cause: \(cause))"
        }
        return "\(self.code): \(self.message)"
    }

    /// Hashes the code and message; the cause is not part of an error's identity.
    ///
    /// - Parameter hasher: the hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
    }

    /// Compares code and message; the cause is not part of an error's identity.
    ///
    /// - Parameters:
    ///   - lhs: one error.
    ///   - rhs: the other error.
    /// - Returns: whether both have the same code and message.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}

extension TLSIdentityError {
    /// A classification of ``TLSIdentityError``; new codes may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case certificateGenerationFailed
            case invalidPEM
            case keyDoesNotMatchCertificate
            case notACertificateAuthority
            case invalidIPAddress
            case invalidValidity
            case fileSystemFailure
            case reservedIdentityName
            case missingServiceIdentity
            case ambiguousServiceIdentity
            case unexpectedServiceIdentity
            case noPeerCertificate
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// swift-certificates or swift-crypto failed to build or sign a certificate.
        public static let certificateGenerationFailed = Code(.certificateGenerationFailed)

        /// A certificate or private key is not valid PEM of the expected kind.
        public static let invalidPEM = Code(.invalidPEM)

        /// A private key is not the key of the certificate it was paired with.
        public static let keyDoesNotMatchCertificate = Code(.keyDoesNotMatchCertificate)

        /// A certificate loaded as a certificate authority is not marked as one (basic constraints `cA`).
        public static let notACertificateAuthority = Code(.notACertificateAuthority)

        /// An IP address for a subject alternative name is neither dotted IPv4 nor textual IPv6.
        public static let invalidIPAddress = Code(.invalidIPAddress)

        /// A requested validity period is zero or negative.
        public static let invalidValidity = Code(.invalidValidity)

        /// A PEM file or directory could not be read or written.
        public static let fileSystemFailure = Code(.fileSystemFailure)

        /// An identity's files would collide with the CA's in a ``PKIDirectory`` (the identity `ca`).
        public static let reservedIdentityName = Code(.reservedIdentityName)

        /// A certificate carries no `sextant://service/<name>` URI subject alternative name.
        public static let missingServiceIdentity = Code(.missingServiceIdentity)

        /// A certificate carries more than one distinct `sextant://service/<name>` URI.
        public static let ambiguousServiceIdentity = Code(.ambiguousServiceIdentity)

        /// A certificate names a different service identity than the one required.
        public static let unexpectedServiceIdentity = Code(.unexpectedServiceIdentity)

        /// The channel has no TLS handler, has not finished its handshake, or the peer sent no certificate.
        public static let noPeerCertificate = Code(.noPeerCertificate)

        /// The code's name, for example `missingServiceIdentity`.
        public var description: String {
            self.value.rawValue
        }
    }
}
