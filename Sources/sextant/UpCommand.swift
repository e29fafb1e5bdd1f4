import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantService

/// `sextant up`: runs the whole suite on this machine — the six services as child processes,
/// each with its own embedded SQLite database under the data directory, talking over mutual TLS
/// with certificates from a suite CA made on first start — and, with `--demo`, loads a demo shop.
/// Prints the API address, the dashboard address and an admin key; Ctrl-C stops everything
/// gracefully.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Run every Sextant service locally (Ctrl-C stops them).")

    @Flag(help: "Load the demo shop (about 20,000 profiles over 18 months) on first start and print its admin key.")
    var demo = false

    @Option(help: ArgumentHelp("Profiles in the demo shop (tests use fewer).", visibility: .hidden))
    var demoProfiles = 20_000

    @Option(help: "Where every service keeps its data, the suite's certificates and the logs.")
    var dataDir = "sextant-data"

    @Option(help: "Address every port binds to.")
    var host = "127.0.0.1"

    @Option(help: "The gateway's HTTP port (API and dashboard).")
    var httpPort = 8080

    @Option(help: "First of the RPC ports: gateway binary ingest at +0, ingest +1, attribution +2, insights +3, predictive +4, billing +5, gateway admin +6; metrics at +2000 each.")
    var basePort = 7400

    @Flag(help: "Run the service executables as they are, without bringing them up to date first (from a source checkout, `up` runs `swift build` for them).")
    var noBuild = false

    @Flag(help: "fsync every commit (survives power loss); the default for `up` survives a process crash.")
    var fullDurability = false

    func run() async throws {
        let dataDirectory = (self.dataDir as NSString).standardizingPath
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let binaries = try SuiteBinaries.locate(build: !self.noBuild)
        // From here on: what a user waits for once the executables exist.
        let started = ContinuousClock.now
        let pki = dataDirectory + "/pki"
        await SuiteBinaries.stopLeftovers(in: dataDirectory + "/logs")
        let issued = try SuitePKI.ensure(at: pki)
        if !issued.isEmpty { say("issued \(issued.count) certificate\(issued.count == 1 ? "" : "s") from the suite CA in \(pki)") }

        let ports = SuitePorts(host: self.host, base: self.basePort, http: self.httpPort)
        let logs = dataDirectory + "/logs"
        let children = NIOLockedValueBox<[SuiteChild]>([])
        let signals = ShutdownSignal()
        // Start-up (and the demo load) races Ctrl-C: a signal during it stops what was started.
        let startup = Task {
            func start(_ kind: ServiceKind, _ extra: [String] = []) throws -> SuiteChild {
                let child = try SuiteChild(
                    name: kind.executableName, binaryDirectory: binaries,
                    arguments: [
                        "--listen", ports.rpc(kind).description, "--metrics-listen", ports.metrics(kind).description,
                        "--data-dir", dataDirectory + "/" + kind.executableName, "--pki-dir", pki,
                    ] + ports.peerArguments + extra,
                    logDirectory: logs)
                children.withLockedValue { $0.append(child) }
                return child
            }
            let durability = self.fullDurability ? "full" : "normal"
            let ingest = try start(.ingest, ["--durability", durability])
            _ = try await ingest.announced("ingest-service listening on ")
            let followers = try [
                start(.billing, ["--durability", durability]), start(.attribution, ["--durability", durability]),
                start(.insights, ["--durability", durability]), start(.predictive),
            ]
            for child in followers { _ = try await child.announced("\(child.name) listening on ") }
            let gateway = try start(.gateway, ["--http-listen", ports.http.description, "--ingest-listen", ports.binaryIngest.description])
            _ = try await gateway.announced("gateway listening on ")
            let http = try await gateway.announced("gateway http on ")

            let admin = try SuiteAdmin(pki: pki, ports: ports)
            var demoKey: String?
            if self.demo {
                demoKey = try await DemoLoader(admin: admin, dataDirectory: dataDirectory, profiles: self.demoProfiles).loadIfNeeded()
            }
            let operatorKey = try? String(contentsOfFile: dataDirectory + "/gateway/operator-key", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            await admin.close()

            let elapsed = ContinuousClock.now - started
            say("")
            say("Sextant is up (\(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s).")
            say("  API:        http://\(http)/api/v1   (OpenAPI: http://\(http)/api/v1/openapi.json)")
            say("  Status:     http://\(http)/")
            if let demoKey {
                // The key rides in the fragment, which the browser never sends to the server.
                say("  Dashboard:  http://\(http)/customer-hub#key=\(demoKey)")
                say("  CLV:        http://\(http)/clv#key=\(demoKey)")
                say("  Demo shop admin key:  \(demoKey)")
            } else {
                say("  Dashboard:  http://\(http)/customer-hub   (asks for an API key; a read-only key is enough)")
            }
            if let operatorKey { say("  Operator key (all accounts):  \(operatorKey)") }
            say("  Data and logs: \(dataDirectory)")
            say("  Try:  curl -H 'Authorization: Bearer <key>' http://\(http)/api/v1/accounts")
            say("Press Ctrl-C to stop.")
            // One plain line for scripts and tests: the HTTP address, once everything is ready.
            say("sextant listening on \(http)")
        }
        let interrupted = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await startup.value
                return false
            }
            group.addTask {
                await signals.wait()
                return true
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if interrupted {
            startup.cancel()
            _ = try? await startup.value
        }
        let running = children.withLockedValue { $0 }
        if interrupted {
            say("interrupted: stopping…")
            for child in running.reversed() { await child.stop() }
            throw ExitCode(130)
        }
        do {
            try await startup.value
        } catch {
            say("sextant up: \(error)")
            for child in running.reversed() { await child.stop() }
            throw ExitCode(1)
        }
        await Self.superviseUntilSignal(signals: signals, children: running)
        say("stopping…")
        for child in running.reversed() { await child.stop() }
        say("stopped")
    }

    /// Returns on SIGINT/SIGTERM. A service that exits on its own is started again (after 1 s,
    /// then with growing waits up to 30 s if it keeps failing), with the same arguments and data:
    /// its clients see `unavailable` meanwhile and recover by themselves.
    static func superviseUntilSignal(signals: ShutdownSignal, children: [SuiteChild]) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await signals.wait() }
            group.addTask {
                var failures: [String: Int] = [:]
                while !Task.isCancelled {
                    for child in children where !child.isRunning {
                        // A service that ran for a minute or more starts its backoff afresh.
                        if child.uptime >= .seconds(60) { failures[child.name] = 0 }
                        let count = failures[child.name, default: 0] + 1
                        failures[child.name] = count
                        let wait = min(30, 1 << min(count - 1, 5))
                        say("\(child.name) exited (status \(child.process?.terminationStatus ?? -1)); restarting it in \(wait) s (see its log)")
                        try? await Task.sleep(for: .seconds(wait))
                        if Task.isCancelled { return }
                        do {
                            try child.launch()
                            _ = try await child.announced("\(child.name) listening on ", timeout: .seconds(60))
                            say("\(child.name) is back")
                        } catch {
                            say("\(child.name) did not come back: \(error)")
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}

/// The suite's ports, from a base (see `sextant up --help`).
struct SuitePorts {
    var host: String
    var base: Int
    var http: ServiceAddress

    init(host: String, base: Int, http: Int) {
        self.host = host
        self.base = base
        self.http = ServiceAddress(host: host, port: http)
    }

    func rpc(_ kind: ServiceKind) -> ServiceAddress {
        ServiceAddress(host: self.host, port: self.base + kind.defaultPort - 7400)
    }

    /// Metrics and readiness are unauthenticated: always on the loopback address.
    func metrics(_ kind: ServiceKind) -> ServiceAddress {
        ServiceAddress(host: "127.0.0.1", port: self.base + 2_000 + kind.defaultPort - 7400)
    }

    var binaryIngest: ServiceAddress { ServiceAddress(host: self.host, port: self.base) }

    var peerArguments: [String] {
        [
            "--ingest-address", self.rpc(.ingest).description, "--billing-address", self.rpc(.billing).description,
            "--attribution-address", self.rpc(.attribution).description, "--insights-address", self.rpc(.insights).description,
            "--predictive-address", self.rpc(.predictive).description,
        ]
    }
}

/// Where the service executables are: next to `sextant` itself. When `sextant` runs from a
/// source checkout (`swift run`, which builds only `sextant`), the services are brought up to date
/// first with the same configuration, so they never lag behind the CLI.
enum SuiteBinaries {
    static let names = ServiceKind.all.map(\.executableName)

    static func locate(build: Bool) throws -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let directory = (executable as NSString).deletingLastPathComponent
        let checkout = FileManager.default.currentDirectoryPath
        let inCheckout = FileManager.default.fileExists(atPath: checkout + "/Package.swift") && directory.hasPrefix(checkout + "/.build/")
        if build, inCheckout {
            let configuration = directory.hasSuffix("/release") ? "release" : "debug"
            say("building the services (\(configuration); the first time takes several minutes)…")
            for product in Self.names {
                let build = Process()
                build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                build.arguments = ["swift", "build", "-c", configuration, "--product", product]
                try build.run()
                build.waitUntilExit()
                guard build.terminationStatus == 0 else {
                    throw SuiteError("building \(product) failed (swift build exited \(build.terminationStatus))")
                }
            }
        }
        let missing = Self.names.filter { !FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
        guard missing.isEmpty else {
            throw SuiteError("missing next to sextant: \(missing.joined(separator: ", ")); build them with `swift build -c release`")
        }
        return directory
    }

    /// Services a previous `sextant up` left running (it was killed before it could stop them)
    /// hold the ports and databases: stop them, found by their pid files and checked by name.
    static func stopLeftovers(in logDirectory: String) async {
        for name in Self.names {
            guard let text = try? String(contentsOfFile: logDirectory + "/\(name).pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
                let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                command.split(separator: "\0").first.map({ ($0 as Substring).hasSuffix("/" + name) }) == true
            else { continue }
            say("stopping \(name) (pid \(pid)), left running by an earlier sextant up")
            kill(pid, SIGTERM)
            for _ in 0..<500 where kill(pid, 0) == 0 { try? await Task.sleep(for: .milliseconds(20)) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
    }
}
