import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantService

/// `sextant status`: every service's health over mutual TLS, and how far each log consumer has
/// read the ingest log. Exits 1 when any service is not serving.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the health of every service.")

    @OptionGroup var suite: SuiteOptions

    /// The services that follow the ingest log, by their RPC names.
    static let consumers: [String: String] = [
        "billing-service": BillingService.serviceName,
        "attribution-service": "sextant.attribution.v1.Attribution",
        "insights-service": "sextant.insights.v1.Insights",
        "predictive-service": "sextant.predictive.v1.Predictive",
    ]

    func run() async throws {
        let admin = try self.suite.admin()
        var allServing = true
        var head: UInt64?
        for kind in ServiceKind.all {
            let client = admin.client(kind)
            let address = admin.addresses[kind.executableName]!
            var line = kind.executableName.padding(toLength: 20, withPad: " ", startingAt: 0) + " \(address)".padding(toLength: 18, withPad: " ", startingAt: 0)
            do {
                let health = try await client.unary(Health.check, HealthCheckRequest(), options: CallOptions(timeout: .seconds(3)))
                line += " \(health.status)"
                if health.status != .serving { allServing = false }
                if kind.identity == .ingestService {
                    head = try await client.unary(IngestService.logHead, LogHeadRequest(), options: SuiteAdmin.deadline).position
                    line += "  log head \(head!)"
                }
                if let service = Self.consumers[kind.executableName] {
                    let progress = try await client.unary(LogConsumerProgress.method(service: service), ProgressRequest(), options: SuiteAdmin.deadline)
                    line += "  applied \(progress.appliedPosition)" + (head.map { " of \($0)" } ?? "")
                    line += progress.following ? "  following" : "  NOT following the log"
                }
            } catch let error as RPCError {
                allServing = false
                line += " DOWN (\(error.code): \(error.message))"
            }
            print(line)
        }
        await admin.close()
        if !allServing { throw ExitCode(1) }
    }
}
