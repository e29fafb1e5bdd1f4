import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SextantTesting
import Testing

/// `docker-compose.yml` run for real without a container engine (issue 7): each service its own
/// host in a Linux network namespace, started with the command, environment, volumes, dependency
/// conditions, health checks and restart policy of the compose file and the images' Dockerfiles.
/// Needs root, iproute2, socat and docker-compose (scripts/test.sh installs them).
@Suite(.serialized) struct ComposeTopologyTests {
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static let canRun = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/socat") && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose")

    /// Prometheus and PostgreSQL are behind profiles; Prometheus scrapes every service's metrics port.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose"), "needs docker-compose"))
    func prometheusScrapesEveryServiceBehindAProfile() async throws {
        #expect(try await ComposeModel.profiled(repository: Self.repository) == ["prometheus": ["monitoring"], "postgres": ["postgres"]])
        let services = try await ComposeModel.load(repository: Self.repository)
        var expected: Set<String> = []
        for service in services.values {
            for (key, value) in service.environment where key.hasSuffix("_METRICS_LISTEN") {
                expected.insert("\(service.name):\(value.split(separator: ":").last!)")
            }
        }
        #expect(expected.count == 6, "\(expected)")
        #expect(try await ComposeModel.prometheusTargets(repository: Self.repository) == expected)
    }

    @Test(.enabled(if: canRun, "needs root, iproute2, socat and docker-compose"), .timeLimit(.minutes(6)))
    func theComposeTopologyServesTheAPIRecoversAndRefusesStrangers() async throws {
        await NamespaceTopology.removeLeftovers()
        let services = try await ComposeModel.load(repository: Self.repository)
        #expect(Set(services.keys) == ["certs", "ingest-service", "billing-service", "attribution-service", "insights-service", "predictive-service", "gateway"])
        for service in services.values { #expect(!service.volumes.isEmpty, "\(service.name) has no volumes") }
        let topology = NamespaceTopology(services: services, binaries: ServiceProcess.binaryDirectory)
        do {
            try await Self.exercise(topology)
        } catch {
            await topology.tearDown()
            throw error
        }
        await topology.tearDown()
        let left = try await sh("/usr/sbin/ip", ["netns", "list"])
        #expect(!left.contains("sxt\(topology.runID)"), "namespaces left behind: \(left)")
        #expect(!FileManager.default.fileExists(atPath: topology.directory))
    }

    static func exercise(_ topology: NamespaceTopology) async throws {
        try await topology.createNetwork()

        // From nothing to ready, in the compose file's dependency order and conditions.
        let clock = ContinuousClock()
        let started = clock.now
        for name in ComposeModel.startOrder(topology.services) {
            let service = topology.services[name]!
            for (dependency, condition) in service.dependsOn {
                switch condition {
                case "service_completed_successfully":
                    try await Self.waitUntil("\(dependency) completed", seconds: 60) { topology.process(dependency)?.exitStatus != nil }
                    #expect(topology.process(dependency)?.exitStatus == 0, "\(dependency) failed: \(Self.log(topology, dependency))")
                case "service_healthy":
                    try await Self.waitUntil("\(dependency) healthy", seconds: 60, log: Self.log(topology, dependency)) { await topology.isHealthy(dependency) }
                default:
                    break
                }
            }
            try topology.start(name)
        }
        for name in topology.services.keys where topology.services[name]!.healthCheck != nil {
            try await Self.waitUntil("\(name) healthy", seconds: 60, log: Self.log(topology, name)) { await topology.isHealthy(name) }
        }
        let ready = clock.now - started
        say("compose topology from nothing to ready (certificates made, six services healthy): \(ready)")

        // Only the gateway publishes ports; they are reached through 127.0.0.1 here.
        let published = topology.services.values.filter { !$0.ports.isEmpty }
        #expect(published.map(\.name) == ["gateway"])
        let gateway = topology.services["gateway"]!
        #expect(Set(gateway.ports.map(\.target)) == [8080, 7400])
        let httpPort = try Self.freePort()
        try topology.publish("gateway", target: 8080, on: httpPort)
        let api = "http://127.0.0.1:\(httpPort)/api/v1"
        try await Self.waitUntil("the published port answers", seconds: 20) { (try? await Self.request("GET", "\(api)/health", key: nil))?.status == 200 }

        // The operator key the gateway made in its data volume; an account and an admin key.
        let dataVolume = try #require(gateway.volumes.first { $0.target == gateway.environment["SEXTANT_DATA_DIR"] }?.source, "\(gateway.volumes)")
        let operatorKey = try String(contentsOfFile: topology.volume(dataVolume) + "/operator-key", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let account = try await Self.request("POST", "\(api)/accounts", key: operatorKey, json: [
            "name": "Compose Shop", "currency": "USD", "time_zone": "America/New_York", "customer_hub_active": true,
        ])
        #expect(account.status == 201, "\(account.json)")
        let accountID = try #require(account.json["id"] as? Int)
        let created = try await Self.request("POST", "\(api)/accounts/\(accountID)/keys", key: operatorKey, json: ["role": "admin", "name": "compose test"])
        let key = try #require(created.json["secret"] as? String, "\(created.json)")

        // The demo shop through the published port: exported as JSON Lines and imported with the
        // CLI through the gateway's HTTP API.
        let demoFile = topology.directory + "/demo.jsonl"
        let sextant = ServiceProcess.binaryDirectory + "/sextant"
        let export = try await CommandRun.run(sextant, ["demo", "export", demoFile, "--profiles", "300", "--months", "12"], timeout: 120)
        #expect(export.status == 0, "\(export.stderr)")
        let imported = try await CommandRun.run(
            sextant, ["import", demoFile, "--api", "http://127.0.0.1:\(httpPort)", "--key", key, "--account", "\(accountID)"], timeout: 300)
        let lines = try String(contentsOfFile: demoFile, encoding: .utf8).split(separator: "\n").count
        #expect(lines > 1_000)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.contains("\(lines)/\(lines) acknowledged: \(lines) stored, 0 duplicates, 0 rejected"), "\(imported.stderr)")

        // The Customer Hub dashboard once attribution and insights have read the log.
        let dashboardURL = "\(api)/customer-hub/dashboard?period=last_365_days&compare=none"
        var dashboard: [String: Any] = [:]
        try await Self.waitUntil("the dashboard counts the demo shop", seconds: 90) {
            guard let answer = try? await Self.request("GET", dashboardURL, key: key), answer.status == 200 else { return false }
            dashboard = answer.json
            let overview = answer.json["overview"] as? [String: Any]
            let ready = try? await Self.request("GET", "\(api)/ready", key: nil)
            return (overview?["total_accounts"] as? Int ?? 0) > 0 && ready?.status == 200
        }
        let before = try #require(dashboard["overview"] as? [String: Any])

        // insights-service killed: the dashboard is a clear 503, and the same once it is back.
        let insights = try #require(topology.process("insights-service"))
        let starts = insights.starts
        kill(try #require(insights.pid), SIGKILL)
        try await Self.waitUntil("a 503 naming insights-service", seconds: 10) {
            guard let answer = try? await Self.request("GET", dashboardURL, key: key), answer.status == 503 else { return false }
            let error = answer.json["error"] as? [String: Any]
            return error?["code"] as? String == "service_unavailable" && (error?["message"] as? String ?? "").contains("insights-service")
        }
        try await Self.waitUntil("insights-service restarted", seconds: 30) { insights.starts > starts }
        var after: [String: Any] = [:]
        try await Self.waitUntil("the dashboard back", seconds: 60) {
            guard let answer = try? await Self.request("GET", dashboardURL, key: key), answer.status == 200 else { return false }
            after = answer.json["overview"] as? [String: Any] ?? [:]
            return true
        }
        #expect(NSDictionary(dictionary: after) == NSDictionary(dictionary: before), "before \(before), after \(after)")

        // A stranger on the network: a certificate of another CA (trusting the suite's CA, so only
        // the services' own check can refuse it) cannot call any service's mTLS port; the suite's
        // own admin certificate can, from the same place.
        let rogue = topology.directory + "/rogue-pki"
        let certs = try await CommandRun.run(ServiceProcess.binaryDirectory + "/sextant", ["certs", "init", "--dir", rogue, "--ca-dir", rogue + "/ca"])
        #expect(certs.status == 0, "\(certs.stderr)")
        let certsService = try #require(topology.services["certs"])
        let suitePKI = topology.volume(try #require(certsService.volumes.first { $0.target == "/run/sextant/pki" }?.source))
        try FileManager.default.removeItem(atPath: rogue + "/ca.pem")
        try FileManager.default.copyItem(atPath: suitePKI + "/ca.pem", toPath: rogue + "/ca.pem")
        for (name, service) in topology.services.sorted(by: { $0.key < $1.key }) where service.healthCheck != nil {
            let listenKey = try #require(service.environment.keys.first {
                $0.hasSuffix("_LISTEN") && !$0.contains("METRICS") && !$0.contains("HTTP") && !$0.contains("GATEWAY_INGEST")
            }, "\(name) has no RPC listen address")
            let port = try #require(service.environment[listenKey]?.split(separator: ":").last)
            var environment = ["SEXTANT_PKI_DIR": rogue, listenKey: "\(name):\(port)"]
            let refused = try await topology.run(in: topology.outsiderNamespace, service.executable, ["health", "--timeout", "3"], environment: environment)
            #expect(refused.status != 0, "\(name) answered a certificate of another CA: \(refused.output)")
            environment["SEXTANT_PKI_DIR"] = suitePKI
            let admitted = try await topology.run(in: topology.outsiderNamespace, service.executable, ["health", "--timeout", "3"], environment: environment)
            #expect(admitted.status == 0, "\(name) did not answer its own certificate from the outsider's namespace: \(admitted.output)")
        }
    }

    // MARK: Helpers

    static func log(_ topology: NamespaceTopology, _ name: String) -> String {
        String(((try? String(contentsOfFile: topology.directory + "/\(name).log", encoding: .utf8)) ?? "").suffix(2_000))
    }

    static func waitUntil(_ what: String, seconds: Double, log: @autoclosure () -> String = "", _ condition: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TopologyError("timed out after \(seconds) s waiting for \(what)\n\(log())")
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw TopologyError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct Response {
        var status: Int
        var json: [String: Any]
    }

    static func request(_ method: String, _ url: String, key: String?, json: [String: Any]? = nil) async throws -> Response {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return Response(status: status, json: ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:])
    }
}

/// Progress lines on standard error (unbuffered, unlike `print` into a pipe).
func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
