public import Foundation
import Synchronization

/// A real service executable started for an end-to-end test: it runs from the build directory
/// (the one holding the test bundle, or `$SEXTANT_BIN_DIR`), listens on 127.0.0.1 with a free
/// port, and is stopped gracefully, killed with SIGKILL, or restarted on the same data.
public final class ServiceProcess: Sendable {
    /// The executable's name, e.g. "ingest-service".
    public let name: String
    /// Everything the service printed so far (stdout and stderr).
    public var output: String { self.buffer.text }
    /// The port it announced.
    public let port: Int

    private let process: Process
    private let buffer: OutputBuffer

    /// The directory holding the built executables.
    public static var binaryDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["SEXTANT_BIN_DIR"] { return directory }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (executable as NSString).deletingLastPathComponent
        // On Linux the test bundle is a file in the build directory; on macOS a bundle inside it.
        while directory.hasSuffix(".xctest") || directory.contains(".xctest/") {
            directory = (directory as NSString).deletingLastPathComponent
        }
        return directory
    }

    /// Starts `name` with `arguments` and waits (at most `timeout`) for its line
    /// "<name> listening on <host>:<port>" (or `marker` followed by the address).
    public static func start(
        _ name: String, arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30), marker: String? = nil
    ) async throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryDirectory + "/" + name)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let buffer = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            buffer.append(data)
        }
        try process.run()
        let marker = marker ?? "\(name) listening on "
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let output = buffer.text
            if let range = output.range(of: marker) {
                let rest = output[range.upperBound...].prefix { $0 != "\n" }
                if rest.count < output[range.upperBound...].count, let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) {
                    return ServiceProcess(name: name, process: process, buffer: buffer, port: port)
                }
            }
            if !process.isRunning {
                throw ServiceProcessError(message: "\(name) exited (status \(process.terminationStatus)) before listening:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw ServiceProcessError(message: "\(name) did not announce its port within \(timeout):\n\(buffer.text)")
    }

    private init(name: String, process: Process, buffer: OutputBuffer, port: Int) {
        self.name = name
        self.process = process
        self.buffer = buffer
        self.port = port
    }

    public var isRunning: Bool { self.process.isRunning }

    /// The operating system's process id.
    public var pid: Int32 { self.process.processIdentifier }

    /// SIGKILL: no chance to finish anything.
    public func kill() async {
        if self.process.isRunning { Foundation.kill(self.process.processIdentifier, SIGKILL) }
        await self.waitForExit()
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after `timeout`). Returns the exit status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(20)) async -> Int32 {
        if self.process.isRunning { self.process.terminate() }
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if self.process.isRunning { await self.kill() }
        return self.process.terminationStatus
    }

    private func waitForExit() async {
        // Bounded: a killed process is reaped within milliseconds.
        for _ in 0..<1_000 where self.process.isRunning {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    deinit {
        if self.process.isRunning { Foundation.kill(self.process.processIdentifier, SIGKILL) }
    }
}

/// A service process failed to start.
public struct ServiceProcessError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { self.message }
}

/// What a service printed, appended from the pipe's reader thread.
private final class OutputBuffer: Sendable {
    private let storage = Mutex("")
    var text: String { self.storage.withLock { $0 } }
    func append(_ data: Data) { self.storage.withLock { $0 += String(decoding: data, as: UTF8.self) } }
}
