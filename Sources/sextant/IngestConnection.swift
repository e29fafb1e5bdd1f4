import ArgumentParser
import Foundation
import NIOCore
import SextantRPC
import SextantRPCNIO
import SextantService

/// Where ingest-service is and which certificate the CLI presents (the suite's `admin` identity).
struct IngestConnectionOptions: ParsableArguments {
    @Option(help: "ingest-service address, host:port (env SEXTANT_INGEST_ADDRESS; default 127.0.0.1:7401).")
    var ingest: String?

    @Option(help: "Directory with ca.pem, admin.pem and admin-key.pem, as written by `sextant certs init` (env SEXTANT_PKI_DIR; default ./pki).")
    var pkiDir: String?

    /// A client and its transport (close the transport when done).
    func connect() throws -> (RPCClient, NIOClientTransport) {
        let environment = ProcessInfo.processInfo.environment
        let address = self.ingest ?? environment["SEXTANT_INGEST_ADDRESS"] ?? "127.0.0.1:7401"
        let parsed: ServiceAddress
        do { parsed = try ServiceAddress(parsing: address) } catch { throw ValidationError("ingest \(error.description)") }
        let tls = try TLSIdentity.load(.admin, from: self.pkiDir ?? environment["SEXTANT_PKI_DIR"] ?? "pki")
        let transport = try NIOClientTransport(
            host: parsed.host, port: parsed.port, tls: tls, server: .ingestService, configuration: .defaults { $0.connectTimeout = .seconds(5) })
        return (RPCClient(transport: transport), transport)
    }
}
