import Crypto
public import SextantRPC
import SwiftASN1
public import X509

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The suite's own certificate authority: the single trust root of every Sextant process.
///
/// Every service, the gateway and the admin CLI trust this CA and nothing else (not the system trust
/// store), and each holds a leaf certificate it issued. The CA is made here, in Swift, with
/// swift-certificates and a P-256 ECDSA key, so installing the suite needs no `openssl` recipe.
///
/// A leaf certificate names its ``ServiceIdentity`` as a URI subject alternative name
/// (`sextant://service/<name>`), which is what the transport authorizes on; its DNS names and IP
/// addresses are there for tools such as `curl` and are not checked between Sextant processes.
///
/// ```swift
/// let ca = try CertificateAuthority.generate()
/// try ca.write(to: "/etc/sextant/pki")
/// let billing = try ca.issue(for: .billingService)
/// try billing.write(to: "/etc/sextant/pki")
/// ```
public struct CertificateAuthority: Sendable {
    /// The CA's self-signed certificate.
    public let certificate: Certificate

    /// The CA's certificate, PEM encoded (`-----BEGIN CERTIFICATE-----`): the trust root to distribute.
    public let certificatePEM: String

    /// The CA's private key, PEM encoded (PKCS#8, `-----BEGIN PRIVATE KEY-----`). Keep it secret.
    public let privateKeyPEM: String

    private let privateKey: Certificate.PrivateKey

    /// The default subject common name of a generated CA: `Sextant Suite CA`.
    public static let defaultCommonName = "Sextant Suite CA"

    /// The default validity of a generated CA: 3,650 days (about ten years).
    public static let defaultValidity: Duration = .seconds(3_650 * 86_400)

    /// The default validity of an issued leaf certificate: 825 days, the longest that clients such as
    /// Apple's platforms accept for a TLS server certificate.
    public static let defaultLeafValidity: Duration = .seconds(825 * 86_400)

    /// How far before "now" every certificate's validity starts (one hour), so that a peer whose clock
    /// is slightly behind the issuer's still accepts a certificate issued a moment ago.
    public static let clockSkewAllowance: Duration = .seconds(3_600)

    /// The default IP addresses of an issued certificate: the IPv4 and IPv6 loopback addresses.
    public static let defaultIPAddresses = ["127.0.0.1", "::1"]

    /// Generates a new CA with a fresh P-256 key and a self-signed certificate.
    ///
    /// The certificate is marked critical `cA` with a path length of 0 (it signs leaves only, never
    /// another CA) and may sign certificates and CRLs.
    ///
    /// - Parameters:
    ///   - commonName: the subject common name; defaults to ``defaultCommonName`` (`Sextant Suite CA`).
    ///   - validity: how long the CA is valid from now; defaults to ``defaultValidity`` (3,650 days).
    /// - Returns: the new CA, in memory only; call ``write(to:)`` to keep it.
    /// - Throws: ``TLSIdentityError`` with code `invalidValidity` if `validity` is not positive, or
    ///   `certificateGenerationFailed` if swift-certificates cannot build the certificate.
    public static func generate(
        commonName: String = CertificateAuthority.defaultCommonName,
        validity: Duration = CertificateAuthority.defaultValidity
    ) throws -> CertificateAuthority {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let (notBefore, notAfter) = try Self.validityWindow(validity, what: "CA \(String(reflecting: commonName))")
        do {
            let name = try DistinguishedName {
                OrganizationName("Sextant")
                CommonName(commonName)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key
            )
            return try CertificateAuthority(certificate: certificate, privateKey: key)
        } catch let error as TLSIdentityError {
            throw error
        } catch {
            throw TLSIdentityError(
                code: .certificateGenerationFailed,
                message: "cannot create the CA certificate \(String(reflecting: commonName))",
                cause: error
            )
        }
    }

    /// Loads a CA from its PEM certificate and PEM private key, as written by ``write(to:)``.
    ///
    /// - Parameters:
    ///   - certificatePEM: the CA certificate, `-----BEGIN CERTIFICATE-----`.
    ///   - privateKeyPEM: its private key, PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM` if either does not parse,
    ///   `notACertificateAuthority` if the certificate is not marked `cA`, or `keyDoesNotMatchCertificate`.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate: Certificate
        let key: Certificate.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw TLSIdentityError(code: .invalidPEM, message: "the CA certificate is not PEM", cause: error)
        }
        do {
            key = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw TLSIdentityError(code: .invalidPEM, message: "the CA private key is not PEM", cause: error)
        }
        try self.init(certificate: certificate, privateKey: key)
    }

    /// Checks that `certificate` is a CA whose key is `privateKey`, then serializes both.
    private init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        let constraints: BasicConstraints?
        do {
            constraints = try certificate.extensions.basicConstraints
        } catch {
            throw TLSIdentityError(
                code: .notACertificateAuthority,
                message: "the CA certificate \(certificate.subject) has malformed basic constraints",
                cause: error
            )
        }
        guard case .isCertificateAuthority = constraints else {
            throw TLSIdentityError(
                code: .notACertificateAuthority,
                message: "the certificate \(certificate.subject) is not a CA "
                    + "(basic constraints: \(constraints.map { "\($0)" } ?? "absent"))"
            )
        }
        guard privateKey.publicKey == certificate.publicKey else {
            throw TLSIdentityError(
                code: .keyDoesNotMatchCertificate,
                message: "the CA private key does not belong to the CA certificate \(certificate.subject)"
            )
        }
        self.certificate = certificate
        self.privateKey = privateKey
        do {
            self.certificatePEM = try certificate.serializeAsPEM().pemString
            self.privateKeyPEM = try privateKey.serializeAsPEM().pemString
        } catch {
            throw TLSIdentityError(
                code: .invalidPEM,
                message: "cannot PEM-encode the CA \(certificate.subject)",
                cause: error
            )
        }
    }

    /// Issues a leaf certificate and a fresh P-256 key for a Sextant process.
    ///
    /// The certificate is valid for both ends of a connection (extended key usage serverAuth and
    /// clientAuth), is not a CA, may only sign (key usage digitalSignature), has subject common name
    /// `identity.name`, and carries these subject alternative names: each DNS name, each IP address, and
    /// the URI `identity.uri` (`sextant://service/<name>`). Its validity never extends past the CA's.
    ///
    /// - Parameters:
    ///   - identity: the process's service identity.
    ///   - dnsNames: DNS names to include; `nil` (the default) means `["localhost", identity.name]`.
    ///   - ipAddresses: IPv4 or IPv6 addresses to include; defaults to ``defaultIPAddresses``
    ///     (`127.0.0.1` and `::1`).
    ///   - validity: how long the certificate is valid from now; defaults to ``defaultLeafValidity``
    ///     (825 days).
    /// - Returns: the certificate and its private key.
    /// - Throws: ``TLSIdentityError`` with code `invalidIPAddress` naming a bad address,
    ///   `invalidValidity`, or `certificateGenerationFailed`.
    public func issue(
        for identity: ServiceIdentity,
        dnsNames: [String]? = nil,
        ipAddresses: [String] = CertificateAuthority.defaultIPAddresses,
        validity: Duration = CertificateAuthority.defaultLeafValidity
    ) throws -> IssuedCertificate {
        var names: [GeneralName] = (dnsNames ?? ["localhost", identity.name]).map { .dnsName($0) }
        for address in ipAddresses {
            names.append(.ipAddress(ASN1OctetString(contentBytes: try IPAddressBytes.parse(address)[...])))
        }
        names.append(.uniformResourceIdentifier(identity.uri))

        var (notBefore, notAfter) = try Self.validityWindow(validity, what: "certificate for \(identity)")
        notAfter = min(notAfter, self.certificate.notValidAfter)

        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        do {
            let authorityKeyID = try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: self.certificate.subject,
                subject: try DistinguishedName {
                    OrganizationName("Sextant")
                    CommonName(identity.name)
                },
                signatureAlgorithm: self.signatureAlgorithm,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    SubjectAlternativeNames(names)
                    SubjectKeyIdentifier(hash: key.publicKey)
                    if let authorityKeyID {
                        AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                    }
                },
                issuerPrivateKey: self.privateKey
            )
            return try IssuedCertificate(identity: identity, certificate: certificate, privateKey: key)
        } catch let error as TLSIdentityError {
            throw error
        } catch {
            throw TLSIdentityError(
                code: .certificateGenerationFailed,
                message: "cannot issue a certificate for \(identity)",
                cause: error
            )
        }
    }

    /// Writes `ca.pem` (mode 0644) and `ca-key.pem` (mode 0600) into `directory`, creating it (mode 0700)
    /// if missing and replacing existing files. See ``PKIDirectory`` for the layout.
    ///
    /// - Parameter directory: the PKI directory's path.
    /// - Throws: ``TLSIdentityError`` with code `fileSystemFailure` naming the path and the system error.
    public func write(to directory: String) throws {
        let layout = PKIDirectory(directory)
        try PEMFileIO.createDirectory(directory)
        try PEMFileIO.writeText(self.certificatePEM, to: layout.caCertificatePath, mode: PEMFileIO.publicFileMode)
        try PEMFileIO.writeText(self.privateKeyPEM, to: layout.caPrivateKeyPath, mode: PEMFileIO.privateFileMode)
    }

    /// Loads the CA from `ca.pem` and `ca-key.pem` in `directory`. See ``PKIDirectory`` for the layout.
    ///
    /// - Parameter directory: the PKI directory's path.
    /// - Returns: the CA, able to issue certificates.
    /// - Throws: ``TLSIdentityError`` with code `fileSystemFailure` if a file cannot be read, or any
    ///   error of ``init(certificatePEM:privateKeyPEM:)``.
    public static func load(from directory: String) throws -> CertificateAuthority {
        let layout = PKIDirectory(directory)
        return try CertificateAuthority(
            certificatePEM: PEMFileIO.readText(layout.caCertificatePath),
            privateKeyPEM: PEMFileIO.readText(layout.caPrivateKeyPath)
        )
    }

    /// SHA-256 with whatever kind of key the CA has (P-256 when generated here).
    private var signatureAlgorithm: Certificate.SignatureAlgorithm {
        let supported = self.privateKey.supportedSignatureAlgorithms
        for preferred in [Certificate.SignatureAlgorithm.ecdsaWithSHA256, .sha256WithRSAEncryption, .ed25519]
        where supported.contains(preferred) {
            return preferred
        }
        return supported.first ?? .ecdsaWithSHA256
    }

    /// The validity window of a certificate made now: backdated by ``clockSkewAllowance``.
    private static func validityWindow(_ validity: Duration, what: String) throws -> (Date, Date) {
        guard validity > .zero else {
            throw TLSIdentityError(
                code: .invalidValidity,
                message: "the validity of the \(what) must be positive (actual: \(validity))"
            )
        }
        let now = Date()
        return (now - Self.clockSkewAllowance.timeInterval, now + validity.timeInterval)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval` for `Date` arithmetic.
    fileprivate var timeInterval: TimeInterval {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
