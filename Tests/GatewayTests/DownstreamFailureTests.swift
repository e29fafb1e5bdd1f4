import SextantWire
import NIOCore
import Ingest
import HTTPTypes
import Foundation
@testable import Gateway
import HummingbirdTesting
import SextantContracts
import SextantRPC
import Testing

/// A service that is down gives a clear 503 at once; one that never answers gives 504 within
/// the deadline; nothing hangs.
@Suite struct DownstreamFailureTests {
    @Test func ingestDownIsServiceUnavailableNamingIt() async throws {
        let harness = try GatewayHarness(ingestTransport: UnavailableTransport())
        let key = try harness.key(.admin, account: 1)
        try await harness.test { client in
            // Only the request is timed (not the harness), with room for a loaded machine: the
            // point is an answer, not a hang on a service that is down.
            let start = ContinuousClock.now
            let response = try await client.send(.post, "/api/v1/accounts/1/events", key: key, json: World.event)
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "service_unavailable")
            #expect(response.json["error"]?["service"]?.stringValue == "ingest-service")
            #expect(response.json["error"]?["message"]?.stringValue?.contains("ingest-service") == true)
        }
    }

    @Test func billingThatNeverAnswersIsAGatewayTimeoutWithinTheDeadline() async throws {
        let harness = try GatewayHarness(deadline: .milliseconds(300), billingTransport: SilentTransport())
        let account = try await harness.account()
        let key = try harness.key(.readOnly, account: account.id)
        try await harness.test { client in
            // The 300 ms deadline plus room for a loaded machine (scripts/test.sh runs these apart from the CPU-bound tests): an answer, not a hang. SuiteTests measures the real latency (under 6 s) against the running executables.
            let start = ContinuousClock.now
            let response = try await client.send(.get, "/api/v1/accounts/\(account.id)/billing/plan", key: key)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(10), "took \(elapsed)")
            #expect(response.status == .gatewayTimeout)
            #expect(response.errorCode == "deadline_exceeded")
            #expect(response.json["error"]?["service"]?.stringValue == "billing-service")
        }
    }

    @Test func readinessNamesTheServiceThatIsDown() async throws {
        // The default deadline: the healthy ingest must answer in time even on a loaded machine,
        // and the billing that is down fails at once, whatever the deadline.
        let harness = try GatewayHarness(billingTransport: UnavailableTransport())
        try await harness.test { client in
            let response = try await client.send(.get, "/api/v1/ready")
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["ready"] == .bool(false))
            #expect(response.errorCode == "service_unavailable")
            #expect(response.json["error"]?["message"]?.stringValue?.contains("billing-service") == true)
            let services = response.json["services"]?.arrayValue ?? []
            #expect(services.map { $0["name"]?.stringValue } == ["ingest-service", "billing-service"])
            #expect(services.map { $0["status"]?.stringValue } == ["serving", "unavailable"])
        }
    }

    @Test func readinessWithEveryServiceServingReportsProgress() async throws {
        let harness = try GatewayHarness()
        try await harness.test { client in
            let response = try await client.send(.get, "/api/v1/ready")
            #expect(response.status == .ok)
            #expect(response.json["ready"] == .bool(true))
            let billing = response.json["services"]?[1]
            #expect(billing?["progress"]?["applied_position"]?.numberValue == 5)
            #expect(billing?["progress"]?["lag"]?.numberValue == 2)
            #expect(response.json["services"]?[0]?["progress"] == .null)
        }
    }

    @Test func readinessDoesNotHangOnASilentService() async throws {
        let harness = try GatewayHarness(deadline: .milliseconds(200), ingestTransport: SilentTransport())
        try await harness.test { client in
            // The 200 ms deadline plus room for a loaded machine (scripts/test.sh runs these apart from the CPU-bound tests): an answer, not a hang. SuiteTests measures the real latency (under 6 s) against the running executables.
            let start = ContinuousClock.now
            let response = try await client.send(.get, "/api/v1/ready")
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["services"]?[0]?["status"]?.stringValue == "deadline_exceeded")
        }
    }

    @Test(arguments: [
        (Status.Code.invalidArgument, 400, "invalid_argument"), (.outOfRange, 400, "invalid_argument"), (.notFound, 404, "not_found"),
        (.alreadyExists, 409, "already_exists"), (.resourceExhausted, 409, "limit_exceeded"), (.failedPrecondition, 409, "failed_precondition"),
        (.permissionDenied, 403, "forbidden"), (.unavailable, 503, "service_unavailable"), (.cancelled, 503, "service_unavailable"),
        (.deadlineExceeded, 504, "deadline_exceeded"), (.unimplemented, 501, "not_implemented"), (.internalError, 500, "internal"),
        (.unknown, 500, "internal"), (.dataLoss, 500, "internal"), (.unauthenticated, 500, "internal"),
    ])
    func rpcErrorsMapToHTTP(code: Status.Code, status: Int, name: String) {
        let error = APIError.fromRPC(RPCError(code: code, message: "m"), service: "ingest-service")
        #expect(error.status.code == status)
        #expect(error.code.rawValue == name)
    }
}
