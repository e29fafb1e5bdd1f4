import ArgumentParser
import Foundation
import NIOCore
import SextantRPC
import SextantRPCNIO

/// Serves the bench service over mutual TLS until killed.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "server", abstract: "Serve the bench service over mTLS.")

    @Option(help: "Port on 127.0.0.1.")
    var port: Int = 50571

    @Flag(help: "Accepted for compatibility with the peers' scripts: Sextant always uses mutual TLS.")
    var tls = false

    @Flag(help: "Refused: Sextant has no plaintext mode.")
    var plain = false

    @Option(help: "Where the suite CA and the bench certificates are written (the client reads them).")
    var certsDir = "/tmp/sextant-bench-certs"

    func run() async throws {
        guard !self.plain else { throw ValidationError("Sextant is TLS-only: no --plain server") }
        let authority = try CertificateAuthority.generate(commonName: "Sextant bench CA")
        try authority.write(to: self.certsDir)
        let serverCertificate = try authority.issue(for: BenchIdentities.server)
        try serverCertificate.write(to: self.certsDir)
        try authority.issue(for: BenchIdentities.client).write(to: self.certsDir)

        let transport = NIOServerTransport(
            server: RPCServer(router: BenchService.router()),
            host: "127.0.0.1",
            port: self.port,
            tls: try TLSIdentity(certificate: serverCertificate, trusting: authority)
        )
        let address = try await transport.start()
        // One line, flushed at once: the bench script waits for it.
        FileHandle.standardOutput.write(Data(#"{"event":"listening","impl":"sextant","port":\#(address.port ?? 0),"pid":\#(getpid())}"#.utf8 + [0x0A]))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// The identities the benchmark's two processes prove.
enum BenchIdentities {
    static let server = try! ServiceIdentity("bench-server")
    static let client = try! ServiceIdentity("bench-client")
}
