import Foundation
import SextantRPC
import SextantRPCNIO
import SextantTesting
import SwiftASN1
import Testing
import X509

@Suite("Certificate authority")
struct CertificateAuthorityTests {
    @Test("an issued certificate names its identity as a URI and is a mutual-TLS leaf")
    func issuedCertificateShape() throws {
        let pki = try TestPKI.shared()
        let issued = try pki.authority.issue(for: .insightsService)
        let certificate = issued.certificate

        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.uniformResourceIdentifier("sextant://service/insights-service")))
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.dnsName("insights-service")))
        #expect(names.contains(.ipAddress(.init(contentBytes: [127, 0, 0, 1]))))
        #expect(names.contains(.ipAddress(.init(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))))
        #expect(try PeerIdentity.identity(in: certificate) == .insightsService)
        #expect(issued.identity == .insightsService)

        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try certificate.extensions.keyUsage == KeyUsage(digitalSignature: true))
        let usages = try #require(try certificate.extensions.extendedKeyUsage)
        #expect(usages.contains(.serverAuth))
        #expect(usages.contains(.clientAuth))

        #expect(certificate.subject.description.contains("CN=insights-service"))
        #expect(certificate.issuer == pki.authority.certificate.subject)
        #expect(pki.authority.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(certificate.notValidAfter <= pki.authority.certificate.notValidAfter)
        #expect(certificate.notValidBefore < Date())
    }

    @Test("custom DNS names and addresses replace the defaults")
    func customNames() throws {
        let issued = try TestPKI.shared().authority.issue(
            for: .ingestService,
            dnsNames: ["ingest.internal"],
            ipAddresses: ["10.1.2.3"],
            validity: .seconds(3_600)
        )
        let names = try #require(try issued.certificate.extensions.subjectAlternativeNames)
        #expect(
            Array(names) == [
                .dnsName("ingest.internal"),
                .ipAddress(.init(contentBytes: [10, 1, 2, 3])),
                .uniformResourceIdentifier("sextant://service/ingest-service"),
            ]
        )
        let lifetime = issued.certificate.notValidAfter.timeIntervalSince(issued.certificate.notValidBefore)
        #expect(lifetime == 3_600 + 3_600)  // the validity plus the clock-skew backdating
    }

    @Test("the CA is a path-length-0 CA")
    func authorityShape() throws {
        let authority = try CertificateAuthority.generate(commonName: "Shape CA", validity: .seconds(86_400))
        #expect(try authority.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try authority.certificate.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(authority.certificate.subject == authority.certificate.issuer)
        #expect(authority.certificate.subject.description.contains("CN=Shape CA"))
        #expect(authority.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(authority.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("PEM text round-trips for the CA and an issued certificate")
    func pemRoundTrip() throws {
        let authority = try TestPKI.shared().authority
        let reloaded = try CertificateAuthority(
            certificatePEM: authority.certificatePEM,
            privateKeyPEM: authority.privateKeyPEM
        )
        #expect(reloaded.certificate == authority.certificate)

        let issued = try reloaded.issue(for: .predictiveService)
        let reparsed = try IssuedCertificate(certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM)
        #expect(reparsed.identity == .predictiveService)
        #expect(reparsed.certificate == issued.certificate)
        #expect(reparsed.certificate.issuer == authority.certificate.subject)
    }

    @Test("write and load round-trip through a directory, with private keys at mode 0600")
    func directoryRoundTrip() throws {
        let root = Self.temporaryPath()
        let directory = root + "/nested"
        defer { try? FileManager.default.removeItem(atPath: root) }

        let authority = try CertificateAuthority.generate()
        try authority.write(to: directory)
        let issued = try authority.issue(for: .billingService)
        try issued.write(to: directory)

        let layout = PKIDirectory(directory)
        #expect(try Self.mode(layout.caCertificatePath) == 0o644)
        #expect(try Self.mode(layout.caPrivateKeyPath) == 0o600)
        #expect(try Self.mode(layout.certificatePath(for: .billingService)) == 0o644)
        #expect(try Self.mode(layout.privateKeyPath(for: .billingService)) == 0o600)
        #expect(try Self.mode(directory) == 0o700)
        #expect(layout.certificatePath(for: .billingService) == directory + "/billing-service.pem")
        #expect(layout.privateKeyPath(for: .billingService) == directory + "/billing-service-key.pem")

        let loadedAuthority = try CertificateAuthority.load(from: directory)
        #expect(loadedAuthority.certificate == authority.certificate)
        #expect(loadedAuthority.privateKeyPEM == authority.privateKeyPEM)
        let loadedCertificate = try IssuedCertificate.load(.billingService, from: directory)
        #expect(loadedCertificate.certificate == issued.certificate)
        let tls = try TLSIdentity.load(.billingService, from: directory)
        #expect(tls.identity == .billingService)
        #expect(tls.trustRoots.count == 1)
        #expect(tls.certificateChain.count == 1)

        // Overwriting keeps the modes exact even if the old file was opened up.
        chmod(layout.privateKeyPath(for: .billingService), 0o666)
        try issued.write(to: directory)
        #expect(try Self.mode(layout.privateKeyPath(for: .billingService)) == 0o600)
    }

    @Test("loading an identity whose file names another identity fails")
    func loadChecksIdentity() throws {
        let directory = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pki = try TestPKI.shared()
        try pki.write(to: directory, identities: [.gateway])
        let layout = PKIDirectory(directory)
        try FileManager.default.copyItem(
            atPath: layout.certificatePath(for: .gateway),
            toPath: layout.certificatePath(for: .admin)
        )
        try FileManager.default.copyItem(
            atPath: layout.privateKeyPath(for: .gateway),
            toPath: layout.privateKeyPath(for: .admin)
        )
        expectError(.unexpectedServiceIdentity) {
            try TLSIdentity.load(.admin, from: directory)
        }
        expectError(.fileSystemFailure) {
            try TLSIdentity.load(.billingService, from: directory)
        }
    }

    @Test("mismatched, malformed and misused inputs are rejected with their codes")
    func rejections() throws {
        let pki = try TestPKI.shared()
        let gateway = try pki.certificate(for: .gateway)
        let admin = try pki.certificate(for: .admin)

        expectError(.keyDoesNotMatchCertificate) {
            try IssuedCertificate(certificatePEM: gateway.certificatePEM, privateKeyPEM: admin.privateKeyPEM)
        }
        expectError(.keyDoesNotMatchCertificate) {
            try CertificateAuthority(
                certificatePEM: pki.authority.certificatePEM,
                privateKeyPEM: pki.untrustedAuthority.privateKeyPEM
            )
        }
        expectError(.notACertificateAuthority) {
            try CertificateAuthority(certificatePEM: gateway.certificatePEM, privateKeyPEM: gateway.privateKeyPEM)
        }
        expectError(.invalidPEM) {
            try IssuedCertificate(certificatePEM: "not a certificate", privateKeyPEM: gateway.privateKeyPEM)
        }
        expectError(.invalidIPAddress) {
            try pki.authority.issue(for: .gateway, ipAddresses: ["127.0.0.256"])
        }
        expectError(.invalidValidity) {
            try pki.authority.issue(for: .gateway, validity: .zero)
        }
        expectError(.reservedIdentityName) {
            try pki.authority.issue(for: ServiceIdentity("ca")).write(to: "/nonexistent")
        }
    }

    @Test("a certificate without a sextant URI has no service identity")
    func missingURI() throws {
        let pki = try TestPKI.shared()
        let key = try Certificate.PrivateKey(pemEncoded: pki.certificate(for: .gateway).privateKeyPEM)
        let caKey = try Certificate.PrivateKey(pemEncoded: pki.authority.privateKeyPEM)
        let now = Date()
        func certificate(uris: [String]) throws -> Certificate {
            try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now,
                notValidAfter: now + 3_600,
                issuer: pki.authority.certificate.subject,
                subject: try DistinguishedName { CommonName("gateway") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    SubjectAlternativeNames([.dnsName("gateway")] + uris.map { .uniformResourceIdentifier($0) })
                },
                issuerPrivateKey: caKey
            )
        }

        expectError(.missingServiceIdentity) {
            try PeerIdentity.identity(in: certificate(uris: []))
        }
        expectError(.missingServiceIdentity) {
            try PeerIdentity.identity(in: certificate(uris: ["sextant://service/Not_Valid"]))
        }
        expectError(.ambiguousServiceIdentity) {
            try PeerIdentity.identity(in: certificate(uris: ["sextant://service/gateway", "sextant://service/admin"]))
        }
        // Unrelated URIs and duplicates do not confuse the reader.
        #expect(
            try PeerIdentity.identity(
                in: certificate(uris: [
                    "https://example.com/", "sextant://service/gateway", "sextant://service/gateway",
                ])
            ) == .gateway
        )
    }

    private static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sextant-pki-\(UUID().uuidString)").path
    }

    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }
}
