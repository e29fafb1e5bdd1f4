import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantRPC
import SextantWire

extension GatewayAPI {
    /// Liveness: the gateway answers. It does not ask anyone else (that is readiness).
    func health() -> APIResponse {
        APIResponse(.ok, .object(["service": .string("gateway"), "status": .string("serving")]))
    }

    /// Readiness: every service's health, asked concurrently with each one's deadline, and for
    /// log consumers their progress. 200 when every service is serving; else 503 with the
    /// same document plus an error naming the services that are not.
    func readiness() async -> APIResponse {
        let targets = self.backends.readiness
        let reports = await withTaskGroup(of: (Int, ServiceReadiness).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await ServiceReadiness.ask(target)) }
            }
            var reports = [ServiceReadiness?](repeating: nil, count: targets.count)
            for await (index, report) in group { reports[index] = report }
            return reports.compactMap { $0 }
        }
        let notReady = reports.filter { !$0.serving }
        var body: [String: JSONValue] = [
            "ready": .bool(notReady.isEmpty),
            "services": .array(reports.map(\.json)),
        ]
        guard notReady.isEmpty else {
            let names = notReady.map { "\($0.name) (\($0.status))" }.joined(separator: ", ")
            let error = APIError(.serviceUnavailable, .serviceUnavailable, "not ready: \(names)", service: notReady.first?.name)
            if case .object(let fields) = error.json { body.merge(fields) { $1 } }
            return APIResponse(.serviceUnavailable, .object(body))
        }
        return APIResponse(.ok, .object(body))
    }
}

/// One service's answer for readiness.
struct ServiceReadiness: Sendable {
    var name: String
    /// "serving", "not_serving", "unknown", "unavailable", "deadline_exceeded" or "error".
    var status: String
    var message: String?
    var progress: ProgressResponse?

    var serving: Bool { self.status == "serving" }

    static func ask(_ target: ReadinessTarget) async -> ServiceReadiness {
        let service = target.service
        var report = ServiceReadiness(name: service.name, status: "unknown")
        do {
            let answer = try await service.unaryWithDeadline(Health.check, HealthCheckRequest())
            switch answer.status {
            case .serving: report.status = "serving"
            case .notServing: report.status = "not_serving"
            default: report.status = "unknown"
            }
        } catch let error as RPCError {
            report.status = error.code == .deadlineExceeded ? "deadline_exceeded" : error.code == .unavailable ? "unavailable" : "error"
            report.message = error.message
            return report
        } catch {
            report.status = "error"
            return report
        }
        if let progressService = target.progressService {
            report.progress = try? await service.unaryWithDeadline(LogConsumerProgress.method(service: progressService), ProgressRequest())
        }
        return report
    }

    var json: JSONValue {
        var fields: [String: JSONValue] = ["name": .string(self.name), "status": .string(self.status)]
        if let message { fields["message"] = .string(message) }
        if let progress {
            fields["progress"] = .object([
                "applied_position": .uint(progress.appliedPosition),
                "known_head": .uint(progress.knownHead),
                "lag": .uint(progress.knownHead > progress.appliedPosition ? progress.knownHead - progress.appliedPosition : 0),
                "following": .bool(progress.following),
                "last_applied_at": .date(progress.lastAppliedAt),
            ])
        } else {
            fields["progress"] = .null
        }
        return .object(fields)
    }
}
