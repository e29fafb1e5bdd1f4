import ArgumentParser
import Foundation
import NIOCore
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantService
import SextantWire

/// Clients for every service, presenting the suite's `admin` certificate: what the CLI's
/// commands call. Each call has a deadline; a service that is down fails fast with `unavailable`.
final class SuiteAdmin: Sendable {
    let addresses: [ServiceKind.Name: ServiceAddress]
    private let transports: [ServiceKind.Name: NIOClientTransport]

    init(pki: String, addresses: [ServiceKind.Name: ServiceAddress]) throws {
        let tls = try TLSIdentity.load(.admin, from: pki)
        var transports: [ServiceKind.Name: NIOClientTransport] = [:]
        for kind in ServiceKind.all {
            guard let address = addresses[kind.executableName] else { continue }
            transports[kind.executableName] = try NIOClientTransport(
                host: address.host, port: address.port, tls: tls, server: kind.identity,
                configuration: .defaults {
                    $0.connectTimeout = .seconds(3)
                    $0.connection.settings.maxFrameSize = UInt32(TrackEventsRequest.maximumBytes + 64 * 1_024)
                })
        }
        self.addresses = addresses
        self.transports = transports
    }

    convenience init(pki: String, ports: SuitePorts) throws {
        var addresses: [ServiceKind.Name: ServiceAddress] = [:]
        for kind in ServiceKind.all { addresses[kind.executableName] = ports.rpc(kind) }
        try self.init(pki: pki, addresses: addresses)
    }

    func client(_ kind: ServiceKind) -> RPCClient {
        RPCClient(transport: self.transports[kind.executableName]!)
    }

    /// A deadline for one administrative call.
    static let deadline = CallOptions(timeout: .seconds(10))

    func close() async {
        for transport in self.transports.values { await transport.close() }
    }
}

extension ServiceKind {
    typealias Name = String
}

/// Where the CLI finds the suite: the certificates and every service's address. Defaults are
/// those of `sextant up` (data directory ./sextant-data) and of the services themselves.
struct SuiteOptions: ParsableArguments {
    @Option(help: "Directory with ca.pem, admin.pem and admin-key.pem (env SEXTANT_PKI_DIR; default ./sextant-data/pki when it exists, else ./pki).")
    var pkiDir: String?

    @Option(help: "First RPC port of the suite, as given to `sextant up --base-port` (env SEXTANT_BASE_PORT; default 7400).")
    var basePort: Int?

    @Option(help: "Host of the suite's services (env SEXTANT_HOST; default 127.0.0.1).")
    var host: String?

    func admin() throws -> SuiteAdmin {
        let environment = ProcessInfo.processInfo.environment
        let pki = self.pkiDir ?? environment["SEXTANT_PKI_DIR"]
            ?? (FileManager.default.fileExists(atPath: "sextant-data/pki/ca.pem") ? "sextant-data/pki" : "pki")
        let base = self.basePort ?? environment["SEXTANT_BASE_PORT"].flatMap(Int.init) ?? 7400
        let ports = SuitePorts(host: self.host ?? environment["SEXTANT_HOST"] ?? "127.0.0.1", base: base, http: 8080)
        return try SuiteAdmin(pki: pki, ports: ports)
    }
}
