import ArgumentParser
import Foundation
import SextantRPC
import SextantRPCNIO

/// `sextant certs init`: makes the suite CA and one certificate per Sextant identity.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Manage the suite CA and service certificates.",
        subcommands: [Init.self]
    )

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a suite CA and a certificate for every service, the gateway and the admin CLI."
        )

        @Option(help: "Directory to write ca.pem, <name>.pem and <name>-key.pem into.")
        var dir = "certs"

        @Option(help: "Directory for the CA's own files (ca.pem, ca-key.pem); default: the same as --dir. Keep the CA's key out of what services mount.")
        var caDir: String?

        @Option(parsing: .upToNextOption, help: "Extra DNS names for every certificate (each also gets localhost and its own service name).")
        var dnsName: [String] = []

        @Flag(help: "Replace an existing CA in the directory.")
        var force = false

        @Flag(help: "Keep an existing CA and certificates; only issue the certificates that are missing (what a deployment runs on every start).")
        var ifMissing = false

        func run() async throws {
            guard !(self.force && self.ifMissing) else { throw ValidationError("--force and --if-missing contradict each other") }
            let caDirectory = self.caDir ?? self.dir
            if !self.force, !self.ifMissing, (try? CertificateAuthority.load(from: caDirectory)) != nil {
                throw ValidationError("a suite CA already exists in \(caDirectory); pass --if-missing to keep it or --force to replace it (every certificate must then be reissued)")
            }
            let issued = try SuitePKI.ensure(at: self.dir, caDirectory: caDirectory, extraDNSNames: self.dnsName, replace: self.force)
            for identity in issued { print("issued \(identity.uri)") }
            print(issued.isEmpty
                ? "every certificate is already in \(self.dir)"
                : "\(issued.count) certificate\(issued.count == 1 ? "" : "s") written to \(self.dir)")
        }
    }
}

/// The suite CA and every identity's certificate: the CA is made when there is none (or when
/// `replace`); any identity whose certificate is missing (a first start, an interrupted one, an
/// identity added since) is issued by it. The CA's certificate is also copied to `directory`, which
/// is all a service needs besides its own certificate and key.
enum SuitePKI {
    @discardableResult
    static func ensure(at directory: String, caDirectory: String? = nil, extraDNSNames: [String] = [], replace: Bool = false) throws -> [ServiceIdentity] {
        let caDirectory = caDirectory ?? directory
        let authority: CertificateAuthority
        var fresh = false
        if !replace, let existing = try? CertificateAuthority.load(from: caDirectory) {
            authority = existing
        } else {
            authority = try CertificateAuthority.generate()
            try authority.write(to: caDirectory)
            fresh = true
        }
        if caDirectory != directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let certificate = try String(contentsOfFile: PKIDirectory(caDirectory).caCertificatePath, encoding: .utf8)
            try certificate.write(toFile: PKIDirectory(directory).caCertificatePath, atomically: true, encoding: .utf8)
        }
        var issued: [ServiceIdentity] = []
        for identity in ServiceIdentity.allKnown where fresh || (try? IssuedCertificate.load(identity, from: directory)) == nil {
            try authority.issue(for: identity, dnsNames: ["localhost", identity.name] + extraDNSNames).write(to: directory)
            issued.append(identity)
        }
        return issued
    }
}
