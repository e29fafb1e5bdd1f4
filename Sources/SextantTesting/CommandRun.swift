public import Foundation
import Synchronization

/// Runs a command to completion on a thread of its own, so that waiting for it never blocks one
/// of the (few) threads Swift's concurrency runs every test on.
public enum CommandRun {
    /// Runs `executable` (a path) with `arguments`; stops it after `timeout`. Standard output and
    /// standard error are read while it runs (a full pipe cannot stall it).
    public static func run(
        _ executable: String, _ arguments: [String], timeout: TimeInterval = 60
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let out = Pipe()
                    let err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    try process.run()
                    let group = DispatchGroup()
                    let output = Mutex((stdout: Data(), stderr: Data()))
                    group.enter()
                    DispatchQueue.global().async {
                        let data = out.fileHandleForReading.readDataToEndOfFile()
                        output.withLock { $0.stdout = data }
                        group.leave()
                    }
                    group.enter()
                    DispatchQueue.global().async {
                        let data = err.fileHandleForReading.readDataToEndOfFile()
                        output.withLock { $0.stderr = data }
                        group.leave()
                    }
                    let deadline = Date().addingTimeInterval(timeout)
                    while process.isRunning, Date() < deadline { usleep(20_000) }
                    if process.isRunning { process.terminate() }
                    process.waitUntilExit()
                    group.wait()
                    let (stdout, stderr) = output.withLock { ($0.stdout, $0.stderr) }
                    continuation.resume(returning: (
                        process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}
