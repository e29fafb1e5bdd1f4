import Foundation
import SextantTesting
import Synchronization

/// Runs a command and throws when it fails (the setup and teardown of namespaces).
@discardableResult
func sh(_ executable: String, _ arguments: [String], timeout: TimeInterval = 30) async throws -> String {
    let run = try await CommandRun.run(executable, arguments, timeout: timeout)
    guard run.status == 0 else {
        throw TopologyError("\(executable) \(arguments.joined(separator: " ")) failed (\(run.status)): \(run.stderr)\(run.stdout)")
    }
    return run.stdout
}

struct TopologyError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The compose file's services as hosts without a container engine: one Linux network namespace
/// per service on a bridge that lives in a namespace of its own (so no interface is added to the
/// machine's own namespace), each service's compose name resolving to its address in every
/// namespace (`/etc/netns/<ns>/hosts`, which `ip netns exec` mounts over `/etc/hosts`), named
/// volumes as folders, published ports forwarded from 127.0.0.1 through a Unix socket into the
/// publishing namespace (socat at both ends), and the restart policy kept by a supervisor.
final class NamespaceTopology: Sendable {
    let runID: String
    let directory: String
    let subnet = "10.213.77"
    let services: [String: ComposeService]
    let binaries: String
    /// Namespace of each service, and the addresses.
    let namespaces: [String: String]
    let addresses: [String: String]
    let switchNamespace: String
    /// A namespace on the same bridge that belongs to no service (a stranger on the network).
    let outsiderNamespace: String
    private let processes = Mutex<[String: SupervisedProcess]>([:])
    private let forwarders = Mutex<[Process]>([])

    init(services: [String: ComposeService], binaries: String) {
        self.runID = String(UUID().uuidString.prefix(6)).lowercased()
        self.directory = NSTemporaryDirectory() + "sextant-topology-\(self.runID)"
        self.services = services
        self.binaries = binaries
        var namespaces: [String: String] = [:]
        var addresses: [String: String] = [:]
        for (index, name) in services.keys.sorted().enumerated() {
            namespaces[name] = "sxt\(self.runID)-\(name)"
            addresses[name] = "\(self.subnet).\(10 + index)"
        }
        self.namespaces = namespaces
        self.addresses = addresses
        self.switchNamespace = "sxt\(self.runID)-switch"
        self.outsiderNamespace = "sxt\(self.runID)-outsider"
    }

    /// The run id of a namespace this test made (`sxt<6 hex digits>-<service>`), else nil.
    static func runID(ofNamespace name: String) -> String? {
        guard name.hasPrefix("sxt"), let dash = name.firstIndex(of: "-") else { return nil }
        let run = name[name.index(name.startIndex, offsetBy: 3)..<dash]
        return run.count == 6 && run.allSatisfy(\.isHexDigit) ? String(run) : nil
    }

    /// Whether the test process that made run `id` is still alive (its pid is in the run's folder).
    static func isAlive(run id: String) -> Bool {
        let path = NSTemporaryDirectory() + "sextant-topology-\(id)/owner.pid"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return false
        }
        return kill(pid, 0) == 0
    }

    /// Removes what an earlier run that died left behind — its namespaces (and the processes in
    /// them), their hosts files and its folder — leaving runs whose test process is alive alone.
    static func removeLeftovers() async {
        let names = ((try? await sh("/usr/sbin/ip", ["netns", "list"])) ?? "")
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        for name in names {
            guard let run = Self.runID(ofNamespace: name), !Self.isAlive(run: run) else { continue }
            let pids = (try? await CommandRun.run("/usr/sbin/ip", ["netns", "pids", name]).stdout) ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) where pid > 1 { kill(pid, SIGKILL) }
            _ = try? await CommandRun.run("/usr/sbin/ip", ["netns", "del", name])
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
            try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "sextant-topology-\(run)")
        }
    }

    // MARK: Network

    func createNetwork() async throws {
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        // Cleanup scripts leave a run alone while this process lives.
        try "\(getpid())\n".write(toFile: self.directory + "/owner.pid", atomically: true, encoding: .utf8)
        let ip = "/usr/sbin/ip"
        try await sh(ip, ["netns", "add", self.switchNamespace])
        try await sh(ip, ["-n", self.switchNamespace, "link", "set", "lo", "up"])
        try await sh(ip, ["-n", self.switchNamespace, "link", "add", "br0", "type", "bridge"])
        try await sh(ip, ["-n", self.switchNamespace, "link", "set", "br0", "up"])
        var hosts = "127.0.0.1 localhost\n::1 localhost\n"
        for name in self.services.keys.sorted() { hosts += "\(self.addresses[name]!) \(name)\n" }
        var hosted = self.services.keys.sorted().map { (self.namespaces[$0]!, self.addresses[$0]!) }
        hosted.append((self.outsiderNamespace, "\(self.subnet).200"))
        for (index, (namespace, address)) in hosted.enumerated() {
            try await sh(ip, ["netns", "add", namespace])
            try await sh(ip, ["-n", namespace, "link", "set", "lo", "up"])
            try await sh(ip, ["-n", self.switchNamespace, "link", "add", "v\(index)", "type", "veth", "peer", "name", "eth0", "netns", namespace])
            try await sh(ip, ["-n", self.switchNamespace, "link", "set", "v\(index)", "master", "br0"])
            try await sh(ip, ["-n", self.switchNamespace, "link", "set", "v\(index)", "up"])
            try await sh(ip, ["-n", namespace, "addr", "add", "\(address)/24", "dev", "eth0"])
            try await sh(ip, ["-n", namespace, "link", "set", "eth0", "up"])
            try FileManager.default.createDirectory(atPath: "/etc/netns/\(namespace)", withIntermediateDirectories: true)
            try hosts.write(toFile: "/etc/netns/\(namespace)/hosts", atomically: true, encoding: .utf8)
        }
    }

    // MARK: Services

    /// The folder that stands for a named volume.
    func volume(_ name: String) -> String { self.directory + "/volumes/" + name }

    /// The service's environment and arguments with every volume's container path replaced by its
    /// folder (the services run on this machine's file system, not in an image).
    func resolved(_ service: ComposeService) throws -> (environment: [String: String], arguments: [String]) {
        func inside(_ value: String, _ volume: ComposeService.Volume) -> Bool { value == volume.target || value.hasPrefix(volume.target + "/") }
        func map(_ value: String) -> String {
            for volume in service.volumes where inside(value, volume) {
                return self.volume(volume.source) + value.dropFirst(volume.target.count)
            }
            return value
        }
        for volume in service.volumes {
            try FileManager.default.createDirectory(atPath: self.volume(volume.source), withIntermediateDirectories: true)
        }
        // Nothing may write outside the test's folder: every absolute path a service is given (in
        // its environment or its arguments) must be inside one of its volumes.
        for value in Array(service.environment.values) + service.command where value.hasPrefix("/") {
            guard service.volumes.contains(where: { inside(value, $0) }) else {
                throw TopologyError("\(service.name): \(value) is not inside any of its volumes")
            }
        }
        var environment = service.environment.mapValues(map)
        environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        environment["SEXTANT_LOG_FORMAT"] = environment["SEXTANT_LOG_FORMAT"] ?? "json"
        return (environment, service.command.map(map))
    }

    /// Starts `name` in its namespace under a supervisor that applies its restart policy.
    func start(_ name: String) throws {
        let service = self.services[name]!
        let (environment, arguments) = try self.resolved(service)
        let restart = service.restartPolicy == "unless-stopped" || service.restartPolicy == "always"
        let supervised = SupervisedProcess(
            name: name, executable: "/usr/sbin/ip",
            arguments: ["netns", "exec", self.namespaces[name]!, self.binaries + "/" + service.executable] + arguments,
            environment: environment, log: self.directory + "/\(name).log", restart: restart)
        try supervised.start()
        self.processes.withLock { $0[name] = supervised }
    }

    func process(_ name: String) -> SupervisedProcess? { self.processes.withLock { $0[name] } }

    /// Runs the image's HEALTHCHECK command in the service's namespace with its environment.
    func isHealthy(_ name: String) async -> Bool {
        let service = self.services[name]!
        guard let check = service.healthCheck, let first = check.first, let (environment, _) = try? self.resolved(service) else { return false }
        let command = [self.binaries + "/" + URL(fileURLWithPath: first).lastPathComponent] + check.dropFirst()
        let env = ["/usr/bin/env", "-i"] + environment.map { "\($0.key)=\($0.value)" }
        let run = try? await CommandRun.run("/usr/sbin/ip", ["netns", "exec", self.namespaces[name]!] + env + command, timeout: 10)
        return run?.status == 0
    }

    /// Runs `arguments` (an executable of the build and its arguments) in `namespace` with `environment`.
    func run(in namespace: String, _ executable: String, _ arguments: [String], environment: [String: String]) async throws
        -> (status: Int32, output: String)
    {
        let env = ["/usr/bin/env", "-i"] + environment.map { "\($0.key)=\($0.value)" }
        let run = try await CommandRun.run(
            "/usr/sbin/ip", ["netns", "exec", namespace] + env + [self.binaries + "/" + executable] + arguments, timeout: 30)
        return (run.status, run.stdout + run.stderr)
    }

    /// Publishes `target` of `name` on 127.0.0.1:`published` of this machine: socat listens here
    /// and forwards through a Unix socket to a socat in the service's namespace.
    func publish(_ name: String, target: Int, on published: Int) throws {
        let socket = self.directory + "/publish-\(name)-\(target).sock"
        let inside = Process()
        inside.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        inside.arguments = ["netns", "exec", self.namespaces[name]!, "socat", "UNIX-LISTEN:\(socket),fork,unlink-early", "TCP:127.0.0.1:\(target)"]
        let outside = Process()
        outside.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        outside.arguments = ["TCP-LISTEN:\(published),bind=127.0.0.1,reuseaddr,fork", "UNIX-CONNECT:\(socket)"]
        for process in [inside, outside] {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try inside.run()
        try outside.run()
        self.forwarders.withLock { $0 += [inside, outside] }
    }

    // MARK: Teardown

    /// Stops every process, removes the namespaces, their hosts files and the folders. Safe to
    /// call after a partial setup.
    func tearDown() async {
        let supervised = self.processes.withLock { Array($0.values) }
        // SIGTERM to all at once, then wait (the graceful shutdowns overlap).
        await withTaskGroup(of: Void.self) { group in
            for process in supervised { group.addTask { await process.stop() } }
        }
        for process in self.forwarders.withLock({ $0 }) where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for namespace in Array(self.namespaces.values) + [self.outsiderNamespace, self.switchNamespace] {
            // Anything still running inside (a forked socat) goes with its namespace.
            if let pids = try? await CommandRun.run("/usr/sbin/ip", ["netns", "pids", namespace]).stdout {
                for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? await CommandRun.run("/usr/sbin/ip", ["netns", "del", namespace])
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(namespace)")
        }
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}

/// A process with a restart policy: when it exits and was not stopped, it is started again after
/// a second, as a container engine would.
final class SupervisedProcess: Sendable {
    let name: String
    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let log: String
    let restart: Bool
    private struct State {
        var process: Process?
        var stopped = false
        var starts = 0
    }
    private let state = Mutex(State())

    init(name: String, executable: String, arguments: [String], environment: [String: String], log: String, restart: Bool) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.log = log
        self.restart = restart
    }

    var pid: Int32? { self.state.withLock { $0.process?.processIdentifier } }
    var starts: Int { self.state.withLock { $0.starts } }
    var isRunning: Bool { self.state.withLock { $0.process?.isRunning ?? false } }
    /// The exit status once it has exited (for one-shot services).
    var exitStatus: Int32? { self.state.withLock { $0.process.flatMap { $0.isRunning ? nil : $0.terminationStatus } } }

    func start() throws {
        if !FileManager.default.fileExists(atPath: self.log) { FileManager.default.createFile(atPath: self.log, contents: nil) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: self.log))
        output.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.executable)
        process.arguments = self.arguments
        process.environment = self.environment
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { [weak self] _ in
            try? output.close()
            guard let self, self.restart, !self.state.withLock({ $0.stopped }) else { return }
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { [weak self] in
                guard let self, !self.state.withLock({ $0.stopped }) else { return }
                try? self.start()
            }
        }
        // Started and recorded under the lock, so `stop` either sees this process or stops it
        // from starting.
        try self.state.withLock { state in
            guard !state.stopped || state.starts == 0 else { return }
            try process.run()
            state.process = process
            state.starts += 1
        }
    }

    /// SIGTERM, then SIGKILL after 10 s; no restart.
    func stop() async {
        guard let process = self.state.withLock({ state -> Process? in
            state.stopped = true
            return state.process
        }), process.isRunning else { return }
        process.terminate()
        // Polled with a sleep that frees the thread, not usleep on one of the pool's few threads.
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
