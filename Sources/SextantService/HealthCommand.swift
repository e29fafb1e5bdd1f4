public import ArgumentParser
import Foundation
import NIOCore
import SextantRPC
import SextantRPCNIO

/// `<service> health`: asks the running service's health over mutual TLS with its own
/// certificate, prints the status and exits 0 only when it is serving. Docker's HEALTHCHECK runs it.
public struct HealthCheckCommand<Service: ServiceDescription>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "health", abstract: "Ask the running service whether it is serving (exit 0) or not (exit 1).")
    }

    @OptionGroup public var options: ServiceOptions

    @Option(help: "Seconds to wait for an answer.") public var timeout: Int = 3

    public init() {}

    static var kind: ServiceKind { Service.kind }

    public func run() async throws {
        let settings = try self.options.settings(for: Self.kind)
        var address = settings.listen
        if address.host == "0.0.0.0" || address.host == "::" { address.host = "127.0.0.1" }
        let transport = try NIOClientTransport(
            host: address.host, port: address.port, tls: settings.tls, server: Self.kind.identity,
            configuration: .defaults { $0.connectTimeout = .seconds(Int64(self.timeout)) })
        defer { Task { await transport.close() } }
        let client = RPCClient(transport: transport)
        do {
            let answer = try await client.unary(Health.check, HealthCheckRequest(), options: CallOptions(timeout: .seconds(self.timeout)))
            print("\(Self.kind.executableName) at \(address): \(answer.status)")
            await transport.close()
            if answer.status != .serving { throw ExitCode(1) }
        } catch let error as ExitCode {
            throw error
        } catch {
            print("\(Self.kind.executableName) at \(address): \(error)")
            await transport.close()
            throw ExitCode(1)
        }
    }
}

/// Which service an executable is, for the commands shared by every executable.
public protocol ServiceDescription {
    static var kind: ServiceKind { get }
}
