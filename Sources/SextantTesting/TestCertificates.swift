public import SextantRPC
public import SextantRPCNIO

/// A throwaway PKI for tests: a suite CA and certificates for every known identity, made in memory
/// once per process, plus a second, untrusted CA for negative tests.
///
/// Certificates are never committed: committed PEMs expire and hide how identities are made. Use
/// ``shared()`` in most tests (generating keys is cheap but not free); create a fresh ``init()`` when a
/// test needs a CA no other test has seen.
///
/// ```swift
/// let pki = try TestPKI.shared()
/// let server = try pki.tlsIdentity(for: .billingService)
/// let client = try pki.tlsIdentity(for: .gateway)
/// let impostor = try pki.untrustedTLSIdentity(for: .gateway) // signed by the other CA
/// ```
public struct TestPKI: Sendable {
    /// The suite CA every ``tlsIdentity(for:)`` trusts and is issued by.
    public let authority: CertificateAuthority

    /// A second CA that no ``tlsIdentity(for:)`` trusts: the issuer of ``untrustedCertificate(for:)``.
    public let untrustedAuthority: CertificateAuthority

    private let trusted: [ServiceIdentity: IssuedCertificate]
    private let untrusted: [ServiceIdentity: IssuedCertificate]

    private static let sharedResult = Result { try TestPKI() }

    /// The PKI shared by every test in this process, generated on first use.
    ///
    /// - Returns: the shared PKI.
    /// - Throws: the error of ``init()`` if generation failed (rethrown on every call).
    public static func shared() throws -> TestPKI {
        try Self.sharedResult.get()
    }

    /// Generates a fresh suite CA (`Sextant Test CA`), an untrusted CA (`Untrusted Test CA`), and from
    /// each a certificate for every identity in ``ServiceIdentity/allKnown``.
    ///
    /// - Throws: ``TLSIdentityError`` if generation fails.
    public init() throws {
        let authority = try CertificateAuthority.generate(commonName: "Sextant Test CA")
        let untrustedAuthority = try CertificateAuthority.generate(commonName: "Untrusted Test CA")
        var trusted: [ServiceIdentity: IssuedCertificate] = [:]
        var untrusted: [ServiceIdentity: IssuedCertificate] = [:]
        for identity in ServiceIdentity.allKnown {
            trusted[identity] = try authority.issue(for: identity)
            untrusted[identity] = try untrustedAuthority.issue(for: identity)
        }
        self.authority = authority
        self.untrustedAuthority = untrustedAuthority
        self.trusted = trusted
        self.untrusted = untrusted
    }

    /// The certificate of `identity` issued by the suite CA.
    ///
    /// Known identities return the certificate made at init; others get a new one on each call.
    ///
    /// - Parameter identity: any identity.
    /// - Returns: the certificate and key.
    /// - Throws: ``TLSIdentityError`` if a new certificate cannot be issued.
    public func certificate(for identity: ServiceIdentity) throws -> IssuedCertificate {
        try self.trusted[identity] ?? self.authority.issue(for: identity)
    }

    /// The TLS identity of `identity`: its suite-issued certificate, trusting the suite CA.
    ///
    /// - Parameter identity: any identity.
    /// - Returns: a TLS identity that completes handshakes with every other ``tlsIdentity(for:)``.
    /// - Throws: ``TLSIdentityError`` if a certificate cannot be issued or loaded.
    public func tlsIdentity(for identity: ServiceIdentity) throws -> TLSIdentity {
        try TLSIdentity(certificate: self.certificate(for: identity), trusting: self.authority)
    }

    /// A certificate claiming `identity`, issued by ``untrustedAuthority``.
    ///
    /// - Parameter identity: any identity.
    /// - Returns: the certificate and key.
    /// - Throws: ``TLSIdentityError`` if a new certificate cannot be issued.
    public func untrustedCertificate(for identity: ServiceIdentity) throws -> IssuedCertificate {
        try self.untrusted[identity] ?? self.untrustedAuthority.issue(for: identity)
    }

    /// An impostor: a certificate claiming `identity` from ``untrustedAuthority``, trusting the suite CA.
    ///
    /// Because it trusts the suite CA, this side accepts a genuine peer; the handshake fails only
    /// because the genuine peer rejects this side's certificate, which is what a negative test checks.
    ///
    /// - Parameter identity: the identity to claim.
    /// - Returns: a TLS identity every ``tlsIdentity(for:)`` refuses.
    /// - Throws: ``TLSIdentityError`` if a certificate cannot be issued or loaded.
    public func untrustedTLSIdentity(for identity: ServiceIdentity) throws -> TLSIdentity {
        try TLSIdentity(certificate: self.untrustedCertificate(for: identity), trusting: self.authority)
    }

    /// Writes the suite CA (`ca.pem`, `ca-key.pem`) and the suite-issued certificates of `identities`
    /// into `directory`, in the ``PKIDirectory`` layout, for tests of code that loads from disk.
    ///
    /// - Parameters:
    ///   - directory: the directory; created (mode 0700) if missing.
    ///   - identities: whose certificates to write; defaults to ``ServiceIdentity/allKnown``.
    /// - Throws: ``TLSIdentityError`` if a file cannot be written.
    public func write(to directory: String, identities: [ServiceIdentity] = ServiceIdentity.allKnown) throws {
        try self.authority.write(to: directory)
        for identity in identities {
            try self.certificate(for: identity).write(to: directory)
        }
    }
}
