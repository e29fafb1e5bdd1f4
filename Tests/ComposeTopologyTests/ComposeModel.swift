import Foundation
import SextantTesting

/// One service of `docker-compose.yml`, as `docker-compose config` resolves it (anchors merged),
/// completed from its image's Dockerfile (entrypoint, ENV defaults, HEALTHCHECK).
struct ComposeService {
    struct Volume {
        /// The named volume.
        var source: String
        /// Where the container sees it.
        var target: String
        var readOnly: Bool
    }

    var name: String
    /// The executable the image runs (its ENTRYPOINT's file name), and the compose `command`.
    var executable: String
    var command: [String]
    /// The image's ENV, then the compose file's `environment`.
    var environment: [String: String]
    var volumes: [Volume]
    /// Published ports: (host, container).
    var ports: [(published: Int, target: Int)]
    /// Service → condition (`service_healthy`, `service_completed_successfully`, `service_started`).
    var dependsOn: [String: String]
    /// The image's HEALTHCHECK command (exec form), if any.
    var healthCheck: [String]?
    var restartPolicy: String?
}

enum ComposeModelError: Error, CustomStringConvertible {
    case unreadable(String)
    var description: String {
        switch self {
        case .unreadable(let message): "docker-compose.yml: \(message)"
        }
    }
}

/// Reads the compose file through Debian's `docker-compose config` (which validates it and
/// merges the anchors) and Python's YAML reader (a dependency of docker-compose).
enum ComposeModel {
    static func load(repository: String) async throws -> [String: ComposeService] {
        let script = "docker-compose -f '\(repository)/docker-compose.yml' config | python3 -c 'import sys, yaml, json; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'"
        let run = try await CommandRun.run("/bin/sh", ["-c", script], timeout: 60)
        guard run.status == 0, let data = run.stdout.data(using: .utf8),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let services = root["services"] as? [String: [String: Any]]
        else { throw ComposeModelError.unreadable("docker-compose config failed: \(run.stderr)") }
        var result: [String: ComposeService] = [:]
        // Services behind a profile (Prometheus: `--profile monitoring`) do not start by default.
        for (name, spec) in services where ((spec["profiles"] as? [Any]) ?? []).isEmpty {
            guard let build = spec["build"] as? [String: Any], let dockerfilePath = build["dockerfile"] as? String else {
                throw ComposeModelError.unreadable("\(name) has no build.dockerfile")
            }
            let context = (build["context"] as? String) ?? repository
            let dockerfile = try Dockerfile(path: dockerfilePath.hasPrefix("/") ? dockerfilePath : context + "/" + dockerfilePath)
            var environment = dockerfile.environment
            for (key, value) in (spec["environment"] as? [String: Any]) ?? [:] { environment[key] = "\(value)" }
            // Short syntax ("source:target[:ro|rw]", what docker-compose 1.x prints) or long syntax.
            var volumes: [ComposeService.Volume] = []
            for volume in (spec["volumes"] as? [Any]) ?? [] {
                if let text = volume as? String {
                    let parts = text.split(separator: ":").map(String.init)
                    guard parts.count >= 2 else { throw ComposeModelError.unreadable("\(name): volume \"\(text)\" has no target") }
                    volumes.append(ComposeService.Volume(source: parts[0], target: parts[1], readOnly: parts.count > 2 && parts[2] == "ro"))
                } else if let long = volume as? [String: Any], let source = long["source"] as? String, let target = long["target"] as? String {
                    volumes.append(ComposeService.Volume(source: source, target: target, readOnly: (long["read_only"] as? Bool) ?? false))
                } else {
                    throw ComposeModelError.unreadable("\(name): a volume that is neither short nor long syntax")
                }
            }
            let ports = ((spec["ports"] as? [[String: Any]]) ?? []).compactMap { port -> (Int, Int)? in
                guard let target = port["target"] as? Int else { return nil }
                let published = (port["published"] as? Int) ?? Int("\(port["published"] ?? "")") ?? target
                return (published, target)
            }
            let dependsOn = ((spec["depends_on"] as? [String: [String: Any]]) ?? [:]).mapValues { ($0["condition"] as? String) ?? "service_started" }
            result[name] = ComposeService(
                name: name, executable: dockerfile.entrypoint, command: (spec["command"] as? [String]) ?? [], environment: environment,
                volumes: volumes, ports: ports, dependsOn: dependsOn, healthCheck: dockerfile.healthCheck, restartPolicy: spec["restart"] as? String)
        }
        return result
    }

    /// The services behind a profile, with their profiles.
    static func profiled(repository: String) async throws -> [String: [String]] {
        let script = "docker-compose -f '\(repository)/docker-compose.yml' config | python3 -c 'import sys, yaml, json; print(json.dumps({n: s.get(\"profiles\", []) for n, s in yaml.safe_load(sys.stdin)[\"services\"].items() if s.get(\"profiles\")}))'"
        let run = try await CommandRun.run("/bin/sh", ["-c", script], timeout: 60)
        guard run.status == 0, let data = run.stdout.data(using: .utf8), let profiled = try JSONSerialization.jsonObject(with: data) as? [String: [String]] else {
            throw ComposeModelError.unreadable("docker-compose config failed: \(run.stderr)")
        }
        return profiled
    }

    /// The `host:port` targets of deploy/prometheus.yml.
    static func prometheusTargets(repository: String) async throws -> Set<String> {
        let script = "python3 -c 'import sys, yaml, json; c = yaml.safe_load(open(sys.argv[1])); print(json.dumps([t for j in c[\"scrape_configs\"] for s in j[\"static_configs\"] for t in s[\"targets\"]]))' '\(repository)/deploy/prometheus.yml'"
        let run = try await CommandRun.run("/bin/sh", ["-c", script], timeout: 30)
        guard run.status == 0, let data = run.stdout.data(using: .utf8), let targets = try JSONSerialization.jsonObject(with: data) as? [String] else {
            throw ComposeModelError.unreadable("deploy/prometheus.yml: \(run.stderr)")
        }
        return Set(targets)
    }

    /// Service names in an order that starts every service after those it depends on.
    static func startOrder(_ services: [String: ComposeService]) -> [String] {
        var order: [String] = []
        func visit(_ name: String) {
            guard !order.contains(name), let service = services[name] else { return }
            for dependency in service.dependsOn.keys.sorted() { visit(dependency) }
            order.append(name)
        }
        for name in services.keys.sorted() { visit(name) }
        return order
    }
}

/// What the topology test needs of a Dockerfile's final stage.
struct Dockerfile {
    var entrypoint: String
    var environment: [String: String] = [:]
    var healthCheck: [String]?

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Continuation lines joined; only the last stage (after the last FROM) runs.
        let joined = text.replacingOccurrences(of: "\\\n", with: " ")
        var lines = joined.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if let lastFrom = lines.lastIndex(where: { $0.uppercased().hasPrefix("FROM ") }) { lines = Array(lines[lastFrom...]) }
        var entrypoint: String?
        for line in lines {
            if line.hasPrefix("ENTRYPOINT ") {
                entrypoint = Self.execForm(String(line.dropFirst("ENTRYPOINT ".count))).first.map { URL(fileURLWithPath: $0).lastPathComponent }
            } else if line.hasPrefix("ENV ") {
                for pair in line.dropFirst(4).split(separator: " ") where pair.contains("=") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    self.environment[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
                }
            } else if line.hasPrefix("HEALTHCHECK "), let cmd = line.range(of: "CMD ") {
                self.healthCheck = Self.execForm(String(line[cmd.upperBound...]))
            }
        }
        guard let entrypoint else { throw ComposeModelError.unreadable("\(path) has no exec-form ENTRYPOINT") }
        self.entrypoint = entrypoint
    }

    /// `["a", "b"]` → [a, b].
    static func execForm(_ text: String) -> [String] {
        guard let data = text.trimmingCharacters(in: .whitespaces).data(using: .utf8),
            let array = try? JSONSerialization.jsonObject(with: data) as? [String]
        else { return [] }
        return array
    }
}
