import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantWire
import Synchronization

/// `sextant import`: a JSON Lines file of events into one account, streamed to ingest-service in
/// batches, each acknowledged once durable, with progress on standard error.
///
/// One event per line, as `EventInput` in JSON:
/// `{"metric": "Placed Order", "profile": {"email": "ada@example.com"}, "time": "2026-11-01T12:00:00Z",
///   "value": 129.99, "uniqueID": "order-1001", "properties": {"order_id": "1001"}}`
/// `time` is ISO 8601 or Unix seconds; `profile` takes `email`, `phone` and `externalID`.
/// Lines that are not such an object, and events the service rejects, are reported with their
/// line numbers; the rest are stored. Importing the same file again stores nothing twice when
/// the events carry unique ids (or times).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a JSON Lines file of events into an account.")

    @OptionGroup var connection: IngestConnectionOptions
    @Option(help: "The account to import into.") var account: UInt64
    @Option(help: "Events per batch (1 to 1,000).") var batch = 1_000
    @Argument(help: "The JSON Lines file.") var file: String

    func run() async throws {
        guard (1...TrackEventsRequest.maximumEvents).contains(self.batch) else {
            throw ValidationError("--batch must be 1 to \(TrackEventsRequest.maximumEvents)")
        }
        guard let handle = FileHandle(forReadingAtPath: self.file) else { throw ValidationError("cannot open \(self.file)") }
        let (client, transport) = try self.connection.connect()
        let tally = ImportTally()
        let accountID = self.account
        let batchSize = self.batch
        let start = ContinuousClock.now
        let progress = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(500))
                tally.printProgress(since: start)
            }
        }
        do {
            try await client.bidirectional(IngestService.trackEventStream) { writer in
                var lines = LineReader(handle: handle)
                var events: [EventInput] = []
                var lineNumbers: [Int] = []
                let decoder = ImportCommand.decoder()
                while let (number, line) = try lines.next() {
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) { continue }
                    do {
                        events.append(try decoder.decode(EventInput.self, from: Data(line)))
                        lineNumbers.append(number)
                    } catch {
                        tally.unreadable(line: number, error)
                    }
                    if events.count == batchSize {
                        tally.sent(lineNumbers)
                        try await writer.write(TrackEventsRequest(accountID: accountID, events: events))
                        events.removeAll(keepingCapacity: true)
                        lineNumbers.removeAll(keepingCapacity: true)
                    }
                }
                if !events.isEmpty {
                    tally.sent(lineNumbers)
                    try await writer.write(TrackEventsRequest(accountID: accountID, events: events))
                }
            } responses: { responses in
                for try await response in responses { tally.acknowledged(response) }
            }
        } catch {
            progress.cancel()
            await transport.close()
            tally.printSummary(since: start)
            throw error
        }
        progress.cancel()
        await transport.close()
        tally.printSummary(since: start)
        if tally.hasProblems { throw ExitCode(1) }
    }

    /// JSON with ISO 8601 times (fractional seconds allowed) or Unix seconds.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an ISO 8601 time")
        }
        return decoder
    }
}

/// Splits a file into lines without loading it whole.
struct LineReader {
    let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var lineNumber = 0
    private var atEnd = false

    init(handle: FileHandle) { self.handle = handle }

    /// The next line (without its newline) and its number, from 1.
    mutating func next() throws -> (Int, ArraySlice<UInt8>)? {
        while true {
            if let newline = self.buffer[self.start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = self.buffer[self.start..<newline]
                self.start = newline + 1
                self.lineNumber += 1
                return (self.lineNumber, line)
            }
            if self.atEnd {
                guard self.start < self.buffer.count else { return nil }
                let line = self.buffer[self.start...]
                self.start = self.buffer.count
                self.lineNumber += 1
                return (self.lineNumber, line)
            }
            self.buffer.removeFirst(self.start)
            self.start = 0
            if let chunk = try self.handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                self.buffer.append(contentsOf: chunk)
            } else {
                self.atEnd = true
            }
        }
    }
}

/// What the import has done so far; shared by the reading side, the acknowledging side and the
/// progress printer.
final class ImportTally: Sendable {
    private struct State {
        var pendingBatches: [[Int]] = []
        var sentEvents = 0
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var notCollected = 0
        var unreadable = 0
        var reported = 0
    }

    private let state = Mutex(State())
    /// At most this many problem lines are printed.
    private static let reportLimit = 20

    var hasProblems: Bool { self.state.withLock { $0.rejected + $0.unreadable > 0 } }

    func sent(_ lines: [Int]) {
        self.state.withLock {
            $0.pendingBatches.append(lines)
            $0.sentEvents += lines.count
        }
    }

    func unreadable(line: Int, _ error: any Error) {
        let report = self.state.withLock { state -> Bool in
            state.unreadable += 1
            state.reported += 1
            return state.reported <= Self.reportLimit
        }
        if report { Self.printError("line \(line): not an event: \(Self.describe(error))") }
    }

    func acknowledged(_ response: TrackEventsResponse) {
        let problems = self.state.withLock { state -> [String] in
            let lines = state.pendingBatches.isEmpty ? [] : state.pendingBatches.removeFirst()
            var problems: [String] = []
            for (index, outcome) in response.outcomes.enumerated() {
                switch outcome.status {
                case .stored: state.stored += 1
                case .duplicate: state.duplicates += 1
                case .notCollected: state.notCollected += 1
                case .rejected:
                    state.rejected += 1
                    state.reported += 1
                    if state.reported <= Self.reportLimit {
                        let line = index < lines.count ? "line \(lines[index])" : "event \(index)"
                        problems.append("\(line): rejected: " + outcome.errors.map(\.description).joined(separator: "; "))
                    }
                }
            }
            return problems
        }
        for problem in problems { Self.printError(problem) }
    }

    func printProgress(since start: ContinuousClock.Instant) {
        Self.printError(self.line(since: start), terminator: "\r")
    }

    func printSummary(since start: ContinuousClock.Instant) {
        Self.printError(self.line(since: start))
        let hidden = self.state.withLock { max(0, $0.reported - Self.reportLimit) }
        if hidden > 0 { Self.printError("(\(hidden) more problem lines not shown)") }
    }

    private func line(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return self.state.withLock { state in
            let done = state.stored + state.duplicates + state.rejected + state.notCollected
            let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
            return "\(done)/\(state.sentEvents) acknowledged: \(state.stored) stored, \(state.duplicates) duplicates, "
                + "\(state.rejected) rejected, \(state.notCollected) not collected, \(state.unreadable) unreadable lines (\(rate) events/s)"
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        if case DecodingError.keyNotFound(let key, _) = error { return "missing \"\(key.stringValue)\"" }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        return "\(error)"
    }

    private static func printError(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((text + terminator).utf8))
    }
}
