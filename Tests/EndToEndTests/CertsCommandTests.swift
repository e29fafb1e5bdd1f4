import Foundation
import SextantRPC
import SextantRPCNIO
import SextantTesting
import Testing

/// `sextant certs init` as a deployment runs it on every start: the CA's key apart from what the
/// services mount, and only missing certificates issued again.
@Suite struct CertsCommandTests {
    @Test func theCAKeyStaysApartAndOnlyMissingCertificatesAreIssued() async throws {
        let directory = NSTemporaryDirectory() + "sextant-certs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sextant = ServiceProcess.binaryDirectory + "/sextant"
        let arguments = ["certs", "init", "--dir", directory + "/pki", "--ca-dir", directory + "/ca"]

        let first = try await CommandRun.run(sextant, arguments + ["--if-missing"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("\(ServiceIdentity.allKnown.count) certificates written"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/pki")
        #expect(files.contains("ca.pem") && !files.contains("ca-key.pem"), "the CA's key must not be among the services' files: \(files)")
        #expect(FileManager.default.fileExists(atPath: directory + "/ca/ca-key.pem"))
        // Every identity loads with the CA's certificate and its own key.
        for identity in ServiceIdentity.allKnown { _ = try TLSIdentity.load(identity, from: directory + "/pki") }
        let gatewayBefore = try String(contentsOfFile: directory + "/pki/gateway.pem", encoding: .utf8)

        // A lost certificate is issued again by the same CA; the others are kept.
        try FileManager.default.removeItem(atPath: directory + "/pki/billing-service.pem")
        let second = try await CommandRun.run(sextant, arguments + ["--if-missing"])
        #expect(second.status == 0 && second.stdout.contains("issued sextant://service/billing-service"), "\(second.stdout)")
        #expect(second.stdout.contains("1 certificate written"))
        #expect(try String(contentsOfFile: directory + "/pki/gateway.pem", encoding: .utf8) == gatewayBefore)
        _ = try TLSIdentity.load(.billingService, from: directory + "/pki")

        // Without --if-missing an existing CA is never replaced by accident.
        let third = try await CommandRun.run(sextant, arguments)
        #expect(third.status != 0 && third.stderr.contains("already exists"), "\(third.stderr)")
    }
}
