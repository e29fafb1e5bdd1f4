public import NIOSSL
public import SextantRPC
import SwiftASN1

/// Everything one Sextant process needs for mutual TLS: its certificate chain, its private key, and the
/// trust roots (the suite CA) it verifies peers against.
///
/// Both ends of every connection present a certificate and verify the other's against the suite CA
/// only: never the system trust store. Hostnames are not checked (`noHostnameVerification`): services
/// move between hosts and addresses, so a peer is known by the ``ServiceIdentity`` in its
/// certificate's `sextant://service/<name>` URI instead, read with ``PeerIdentity`` after the
/// handshake. Connections are TLS 1.3 only and offer the ALPN protocol ``applicationProtocol``.
///
/// Build a `NIOSSLContext` from each configuration once per process and share it across connections;
/// contexts are expensive to create.
///
/// ```swift
/// let tls = try TLSIdentity.load(.billingService, from: "/etc/sextant/pki")
/// let serverContext = try NIOSSLContext(configuration: tls.makeServerConfiguration())
/// // in the child channel initializer:
/// try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverContext))
/// ```
public struct TLSIdentity: Sendable {
    /// The identity this process proves, read from its leaf certificate.
    public let identity: ServiceIdentity

    /// The leaf certificate first, then any intermediates (none for certificates issued by
    /// ``CertificateAuthority``).
    public let certificateChain: [NIOSSLCertificate]

    /// The leaf certificate's private key.
    public let privateKey: NIOSSLPrivateKey

    /// The certificates a peer's chain must lead to: the suite CA.
    public let trustRoots: [NIOSSLCertificate]

    /// The ALPN protocol name of the Sextant RPC protocol: `sextant/1`.
    public static let applicationProtocol = "sextant/1"

    /// Makes a TLS identity from PEM text.
    ///
    /// - Parameters:
    ///   - certificateChainPEM: the leaf certificate, optionally followed by intermediates.
    ///   - privateKeyPEM: the leaf's private key, PKCS#8 or SEC1.
    ///   - trustRootsPEM: one or more CA certificates; normally the suite CA's `ca.pem`.
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM` if any part does not parse or a chain or
    ///   root list is empty, `keyDoesNotMatchCertificate`, or `missingServiceIdentity` /
    ///   `ambiguousServiceIdentity` if the leaf names no single identity.
    public init(certificateChainPEM: String, privateKeyPEM: String, trustRootsPEM: String) throws {
        // Parsing the leaf with swift-certificates checks the key pair and finds the identity.
        let leafPEM: String
        do {
            guard let first = try PEMDocument.parseMultiple(pemString: certificateChainPEM).first else {
                throw TLSIdentityError(code: .invalidPEM, message: "the certificate chain contains no PEM certificate")
            }
            leafPEM = first.pemString
        } catch let error as TLSIdentityError {
            throw error
        } catch {
            throw TLSIdentityError(code: .invalidPEM, message: "the certificate chain is not PEM", cause: error)
        }
        let leaf = try IssuedCertificate(certificatePEM: leafPEM, privateKeyPEM: privateKeyPEM)
        self.identity = leaf.identity
        self.certificateChain = try Self.certificates(in: certificateChainPEM, what: "chain of \(leaf.identity)")
        self.trustRoots = try Self.certificates(in: trustRootsPEM, what: "trust roots")
        do {
            self.privateKey = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        } catch {
            throw TLSIdentityError(
                code: .invalidPEM,
                message: "NIOSSL cannot load the private key of \(leaf.identity)",
                cause: error
            )
        }
    }

    /// Makes a TLS identity from an issued certificate and the CA certificate to trust.
    ///
    /// - Parameters:
    ///   - certificate: this process's certificate and key.
    ///   - trustRootsPEM: one or more CA certificates; normally the suite CA's ``CertificateAuthority/certificatePEM``.
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM` if NIOSSL cannot load a part.
    public init(certificate: IssuedCertificate, trustRootsPEM: String) throws {
        try self.init(
            certificateChainPEM: certificate.certificatePEM,
            privateKeyPEM: certificate.privateKeyPEM,
            trustRootsPEM: trustRootsPEM
        )
    }

    /// Makes a TLS identity from an issued certificate, trusting the CA that issued it.
    ///
    /// Only the CA's certificate is kept; its private key is not.
    ///
    /// - Parameters:
    ///   - certificate: this process's certificate and key.
    ///   - authority: the CA whose certificate becomes the only trust root.
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM` if NIOSSL cannot load a part.
    public init(certificate: IssuedCertificate, trusting authority: CertificateAuthority) throws {
        try self.init(certificate: certificate, trustRootsPEM: authority.certificatePEM)
    }

    /// Loads the TLS identity of `identity` from a PKI directory: `ca.pem`, `<name>.pem` and
    /// `<name>-key.pem` (see ``PKIDirectory``). The CA's private key is neither needed nor read.
    ///
    /// - Parameters:
    ///   - identity: the identity whose files to read.
    ///   - directory: the PKI directory's path.
    /// - Returns: the TLS identity.
    /// - Throws: ``TLSIdentityError`` with code `fileSystemFailure` if a file cannot be read,
    ///   `unexpectedServiceIdentity` if `<name>.pem` names another identity, or any error of
    ///   ``init(certificateChainPEM:privateKeyPEM:trustRootsPEM:)``.
    public static func load(_ identity: ServiceIdentity, from directory: String) throws -> TLSIdentity {
        let layout = PKIDirectory(directory)
        let certificatePath = layout.certificatePath(for: identity)
        let loaded = try TLSIdentity(
            certificateChainPEM: PEMFileIO.readText(certificatePath),
            privateKeyPEM: PEMFileIO.readText(layout.privateKeyPath(for: identity)),
            trustRootsPEM: PEMFileIO.readText(layout.caCertificatePath)
        )
        guard loaded.identity == identity else {
            throw TLSIdentityError(
                code: .unexpectedServiceIdentity,
                message: "\(certificatePath) names identity \(loaded.identity), not \(identity)"
            )
        }
        return loaded
    }

    /// The configuration of a server that requires and verifies a client certificate.
    ///
    /// TLS 1.3 only; presents ``certificateChain``; verifies the client's chain against ``trustRoots``
    /// alone with `noHostnameVerification`, failing the handshake if the client sends no certificate;
    /// selects ALPN ``applicationProtocol`` when the client offers it.
    ///
    /// - Returns: a configuration for `NIOSSLContext(configuration:)`.
    public func makeServerConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: self.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(self.privateKey),
            trustRoots: .certificates(self.trustRoots)
        )
        self.applyCommonSettings(to: &configuration)
        return configuration
    }

    /// The configuration of a server that asks for no client certificate: TLS 1.3, this
    /// certificate, ALPN as ``makeServerConfiguration()``; clients authenticate some other way.
    ///
    /// - Returns: a configuration for `NIOSSLContext(configuration:)`.
    public func makeServerConfigurationWithoutClientCertificates() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: self.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(self.privateKey)
        )
        self.applyCommonSettings(to: &configuration)
        configuration.certificateVerification = .none
        return configuration
    }

    /// The configuration of a client that presents its certificate and verifies the server's.
    ///
    /// TLS 1.3 only; presents ``certificateChain``; verifies the server's chain against ``trustRoots``
    /// alone with `noHostnameVerification` (check the server's identity with ``PeerIdentity`` instead);
    /// offers ALPN ``applicationProtocol``.
    ///
    /// - Returns: a configuration for `NIOSSLContext(configuration:)`.
    public func makeClientConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = self.certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(self.privateKey)
        configuration.trustRoots = .certificates(self.trustRoots)
        self.applyCommonSettings(to: &configuration)
        return configuration
    }

    /// The settings both sides share, so that they cannot drift apart.
    private func applyCommonSettings(to configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = .tlsv13
        configuration.certificateVerification = .noHostnameVerification
        // `trustRoots` is set to the suite CA by the caller; nothing else may be trusted.
        configuration.additionalTrustRoots = []
        configuration.applicationProtocols = [Self.applicationProtocol]
    }

    private static func certificates(in pem: String, what: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw TLSIdentityError(code: .invalidPEM, message: "NIOSSL cannot load the \(what)", cause: error)
        }
        guard !certificates.isEmpty else {
            throw TLSIdentityError(code: .invalidPEM, message: "the \(what) contain no PEM certificate")
        }
        return certificates
    }
}
