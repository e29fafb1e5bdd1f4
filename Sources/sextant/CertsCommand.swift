import ArgumentParser
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

        @Option(help: "Directory to write ca.pem, ca-key.pem, <name>.pem and <name>-key.pem into.")
        var dir = "certs"

        @Option(parsing: .upToNextOption, help: "Extra DNS names for every certificate (each also gets localhost and its own service name).")
        var dnsName: [String] = []

        @Flag(help: "Replace an existing CA in the directory.")
        var force = false

        func run() async throws {
            if !self.force, (try? CertificateAuthority.load(from: self.dir)) != nil {
                throw ValidationError("a suite CA already exists in \(self.dir); pass --force to replace it (every certificate must then be reissued)")
            }
            let authority = try CertificateAuthority.generate()
            try authority.write(to: self.dir)
            for identity in ServiceIdentity.allKnown {
                let names = ["localhost", identity.name] + self.dnsName
                try authority.issue(for: identity, dnsNames: names).write(to: self.dir)
                print("issued \(identity.uri)")
            }
            print("suite CA and \(ServiceIdentity.allKnown.count) certificates written to \(self.dir)")
        }
    }
}
