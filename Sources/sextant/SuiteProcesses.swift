import Foundation
import NIOConcurrencyHelpers
import SextantService

/// One service of the suite run by `sextant up` as a child process: standard error (its
/// structured log) goes to `<data-dir>/logs/<name>.log` and its pid to `<name>.pid` there;
/// standard output is watched for the line "<name> listening on host:port" (and any other
/// announcements, e.g. the gateway's HTTP port). A child that exits is started again.
final class SuiteChild: @unchecked Sendable {
    let name: String
    private let executable: String
    private let arguments: [String]
    private let logDirectory: String
    private let state = NIOLockedValueBox<(process: Process?, lines: [String], restarts: Int, launchedAt: ContinuousClock.Instant, handles: [FileHandle])>(
        (nil, [], 0, .now, []))

    init(name: String, binaryDirectory: String, arguments: [String], logDirectory: String) throws {
        self.name = name
        self.executable = binaryDirectory + "/" + name
        self.arguments = arguments
        self.logDirectory = logDirectory
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        try self.launch()
    }

    var process: Process? { self.state.withLockedValue { $0.process } }
    var isRunning: Bool { self.process?.isRunning ?? false }
    var restarts: Int { self.state.withLockedValue { $0.restarts } }
    /// How long the current process has been running (or ran).
    var uptime: Duration { ContinuousClock.now - self.state.withLockedValue { $0.launchedAt } }

    /// Starts the process (again): its log is appended to, its pid written to `<name>.pid`.
    func launch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.executable)
        process.arguments = self.arguments
        let logPath = self.logDirectory + "/\(self.name).log"
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        let pipe = Pipe()
        process.standardOutput = pipe
        let state = self.state
        // The previous run's log and pipe: closed, so restarts do not pile up descriptors.
        let previous = state.withLockedValue { state -> [FileHandle] in
            defer { state.handles = [] }
            state.lines = []
            return state.handles
        }
        for handle in previous { try? handle.close() }
        let pending = NIOLockedValueBox(Data())
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            let lines = pending.withLockedValue { pending -> [String] in
                pending.append(data)
                var lines: [String] = []
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
                return lines
            }
            state.withLockedValue { if $0.lines.count < 100 { $0.lines.append(contentsOf: lines) } }
        }
        try process.run()
        try? "\(process.processIdentifier)\n".write(toFile: self.logDirectory + "/\(self.name).pid", atomically: true, encoding: .utf8)
        self.state.withLockedValue {
            if $0.process != nil { $0.restarts += 1 }
            $0.process = process
            $0.launchedAt = .now
            $0.handles = [log, pipe.fileHandleForReading]
        }
    }

    /// Waits (at most `timeout`) for an output line starting with `prefix` and returns the address
    /// that follows it.
    func announced(_ prefix: String, timeout: Duration = .seconds(60)) async throws -> ServiceAddress {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = self.state.withLockedValue({ $0.lines.first { $0.hasPrefix(prefix) } }) {
                return try ServiceAddress(parsing: String(line.dropFirst(prefix.count)))
            }
            guard let process = self.process, process.isRunning else {
                throw SuiteError("\(self.name) exited with status \(self.process?.terminationStatus ?? -1) before it was ready; see its log")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SuiteError("\(self.name) did not become ready within \(timeout); see its log")
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard let process = self.process, process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct SuiteError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prints a line at once, also into a pipe (where `print` buffers): scripts and tests wait for
/// the lines `sextant up` prints.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
