public import SextantRPC
import SwiftASN1
public import X509

/// A leaf certificate issued by the suite CA, with its private key: one process's credentials.
///
/// Made by ``CertificateAuthority/issue(for:dnsNames:ipAddresses:validity:)``, stored with
/// ``write(to:)`` as `<name>.pem` and `<name>-key.pem` (see ``PKIDirectory``), and turned into TLS
/// configuration by ``TLSIdentity``.
public struct IssuedCertificate: Sendable {
    /// The identity the certificate names in its `sextant://service/<name>` URI.
    public let identity: ServiceIdentity

    /// The certificate.
    public let certificate: Certificate

    /// The certificate, PEM encoded (`-----BEGIN CERTIFICATE-----`).
    public let certificatePEM: String

    /// The certificate's private key, PEM encoded (PKCS#8, `-----BEGIN PRIVATE KEY-----`). Keep it secret.
    public let privateKeyPEM: String

    /// Parses a certificate and its key, reading the identity from the certificate's URI.
    ///
    /// Only the pair's consistency is checked here, not who issued the certificate: that is the TLS
    /// handshake's job, against the trust roots.
    ///
    /// - Parameters:
    ///   - certificatePEM: the leaf certificate, `-----BEGIN CERTIFICATE-----`.
    ///   - privateKeyPEM: its private key, PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM`, `keyDoesNotMatchCertificate`,
    ///   `missingServiceIdentity` or `ambiguousServiceIdentity`.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate: Certificate
        let key: Certificate.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw TLSIdentityError(code: .invalidPEM, message: "the certificate is not a PEM certificate", cause: error)
        }
        do {
            key = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw TLSIdentityError(
                code: .invalidPEM,
                message: "the private key of \(certificate.subject) is not a PEM private key",
                cause: error
            )
        }
        let identity = try PeerIdentity.identity(in: certificate)
        try self.init(identity: identity, certificate: certificate, privateKey: key)
    }

    /// Pairs a certificate with its key after checking that they match.
    init(identity: ServiceIdentity, certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        guard privateKey.publicKey == certificate.publicKey else {
            throw TLSIdentityError(
                code: .keyDoesNotMatchCertificate,
                message: "the private key does not belong to the certificate of \(identity)"
            )
        }
        self.identity = identity
        self.certificate = certificate
        do {
            self.certificatePEM = try certificate.serializeAsPEM().pemString
            self.privateKeyPEM = try privateKey.serializeAsPEM().pemString
        } catch {
            throw TLSIdentityError(
                code: .invalidPEM,
                message: "cannot PEM-encode the certificate of \(identity)",
                cause: error
            )
        }
    }

    /// Writes `<name>.pem` (mode 0644) and `<name>-key.pem` (mode 0600) into `directory`, creating it
    /// (mode 0700) if missing and replacing existing files. See ``PKIDirectory`` for the layout.
    ///
    /// - Parameter directory: the PKI directory's path.
    /// - Throws: ``TLSIdentityError`` with code `reservedIdentityName` for the identity `ca`, or
    ///   `fileSystemFailure` naming the path and the system error.
    public func write(to directory: String) throws {
        guard self.identity.name != PKIDirectory.reservedIdentityName else {
            throw TLSIdentityError(
                code: .reservedIdentityName,
                message: "the files of identity \(self.identity) would overwrite the CA's in \(directory)"
            )
        }
        let layout = PKIDirectory(directory)
        try PEMFileIO.createDirectory(directory)
        try PEMFileIO.writeText(
            self.certificatePEM,
            to: layout.certificatePath(for: self.identity),
            mode: PEMFileIO.publicFileMode
        )
        try PEMFileIO.writeText(
            self.privateKeyPEM,
            to: layout.privateKeyPath(for: self.identity),
            mode: PEMFileIO.privateFileMode
        )
    }

    /// Loads the certificate and key of `identity` from `<name>.pem` and `<name>-key.pem` in `directory`.
    ///
    /// - Parameters:
    ///   - identity: whose files to read.
    ///   - directory: the PKI directory's path.
    /// - Returns: the certificate and key.
    /// - Throws: ``TLSIdentityError`` with code `fileSystemFailure` if a file cannot be read,
    ///   `unexpectedServiceIdentity` if the certificate names a different identity than `identity`, or any
    ///   error of ``init(certificatePEM:privateKeyPEM:)``.
    public static func load(_ identity: ServiceIdentity, from directory: String) throws -> IssuedCertificate {
        let layout = PKIDirectory(directory)
        let certificatePath = layout.certificatePath(for: identity)
        let loaded = try IssuedCertificate(
            certificatePEM: PEMFileIO.readText(certificatePath),
            privateKeyPEM: PEMFileIO.readText(layout.privateKeyPath(for: identity))
        )
        guard loaded.identity == identity else {
            throw TLSIdentityError(
                code: .unexpectedServiceIdentity,
                message: "\(certificatePath) names identity \(loaded.identity), not \(identity)"
            )
        }
        return loaded
    }
}
