import ArgumentParser
import Foundation
import SextantContracts
import SextantDemo
import SextantRPC
import SextantRPCNIO
import SextantWire
import Synchronization

/// `sextant import`: a CSV or JSON Lines file of events (or a CSV orders export) into one account,
/// streamed to ingest-service in batches, each acknowledged once durable; resumable, with progress
/// on standard error and problems as `FILE:LINE: field: reason`.
///
/// The formats are described in ``ImportParser`` (SextantDemo) and in the README. The parsing lives
/// there so it can be tested; this command only reads the file, sends batches and reports.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV or JSON Lines file of events or orders into an account.",
        discussion: """
            JSON Lines: one event per line, {"metric": "Placed Order", "profile": {"email": "ada@example.com"},
            "time": "2026-11-01T12:00:00Z", "value": 129.99, "uniqueID": "order-1001", "properties": {...}}.

            CSV, one event per row: a header with metric and any of email, phone, external_id, time, value,
            unique_id, properties.NAME (a string), properties.NAME:number, properties.NAME:bool, properties.NAME:json.

            CSV orders export: a header with order_id and product_id (no metric) and any of email, phone,
            external_id, time, value, product_name, price (required), quantity (default 1), properties.NAME;
            consecutive rows with one order_id become one Placed Order with items, unique id = order_id.

            time: ISO 8601, YYYY-MM-DD HH:MM:SS (UTC), YYYY-MM-DD or Unix seconds. value and price: 129.99.
            Events without a unique id get one derived from the file's content and the line number.

            Through the gateway: --api http://host:8080 --key sxt_… sends the batches to the HTTP API
            (POST /api/v1/accounts/ID/events/batch) instead of to ingest-service over mutual TLS; the
            key must be an admin or ingest-only key of the account.

            Resuming: after each acknowledged batch the position is saved in FILE.import-state (or --state);
            running the same command again continues after the last acknowledged line. The state file is
            removed when the import finishes. Exit status 1 when any line was rejected or unreadable.
            """)

    @OptionGroup var connection: IngestConnectionOptions
    @Option(help: "Send through the gateway's HTTP API at this address (http://host:8080) with --key, instead of to ingest-service over mutual TLS.")
    var api: String?
    @Option(help: "An admin or ingest-only API key of the account, for --api (env SEXTANT_API_KEY).") var key: String?
    @Option(help: "The account to import into.") var account: UInt64
    @Option(help: "Events per batch (1 to 1,000).") var batch = 1_000
    @Option(help: "jsonl or csv (default: csv for *.csv files, else jsonl).") var format: String?
    @Option(help: "The resume state file (default: FILE.import-state).") var state: String?
    @Flag(help: "Ignore a saved resume state and start from the first line.") var restart = false
    @Option(help: "Print at most this many problem lines.") var maxProblems = 100
    @Argument(help: "The file to import.") var file: String

    func run() async throws {
        guard (1...TrackEventsRequest.maximumEvents).contains(self.batch) else {
            throw ValidationError("--batch must be 1 to \(TrackEventsRequest.maximumEvents)")
        }
        let format: ImportFormat
        if let name = self.format {
            guard let chosen = ImportFormat(rawValue: name.lowercased()) else { throw ValidationError("--format must be jsonl or csv") }
            format = chosen
        } else {
            format = ImportFormat.guess(fromPath: self.file)
        }
        guard let handle = FileHandle(forReadingAtPath: self.file) else { throw ValidationError("cannot open \(self.file)") }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: self.file)[.size] as? Int) ?? 0
        let fingerprint = try ImportFingerprint.ofFile(atPath: self.file)
        let fileName = URL(fileURLWithPath: self.file).lastPathComponent
        let statePath = self.state ?? ImportState.defaultPath(for: self.file)

        if self.restart { try? FileManager.default.removeItem(atPath: statePath) }
        var saved = ImportState(file: fileName, fingerprint: fingerprint, accountID: self.account)
        if let previous = try ImportState.load(from: statePath) {
            if let mismatch = previous.mismatch(file: fileName, fingerprint: fingerprint, accountID: self.account) {
                throw ValidationError("the resume state \(statePath) cannot be used: \(mismatch); use --restart to import from the start")
            }
            saved = previous
            ImportProgress.printError("resuming after line \(previous.acknowledgedThroughLine) (state: \(statePath))")
        }

        let progress = ImportProgress(file: self.file, size: size, state: saved, statePath: statePath, maxProblems: self.maxProblems)
        if let api = self.api {
            guard let key = self.key ?? ProcessInfo.processInfo.environment["SEXTANT_API_KEY"] else {
                throw ValidationError("--api needs --key (or SEXTANT_API_KEY): an admin or ingest-only key of account \(self.account)")
            }
            let sender: GatewayEventSender
            do { sender = try GatewayEventSender(base: api, key: key, accountID: self.account) } catch { throw ValidationError("\(error)") }
            try await self.importThroughAPI(sender, handle: handle, format: format, fingerprint: fingerprint, resumeAfter: saved.acknowledgedThroughLine, progress: progress)
            return
        }
        let (client, transport) = try self.connection.connect()
        let accountID = self.account
        let batchSize = self.batch
        let printer = progress.startPrinting()
        let resumeAfter = saved.acknowledgedThroughLine
        do {
            try await client.bidirectional(IngestService.trackEventStream) { writer in
                let parser = ImportParser(format: format, fingerprint: fingerprint, resumeAfter: resumeAfter)
                try await Self.readBatches(handle, parser: parser, batchSize: batchSize, progress: progress) { batch in
                    try await writer.write(TrackEventsRequest(accountID: accountID, events: batch.map(\.event)))
                }
            } responses: { responses in
                for try await response in responses { progress.acknowledged(response) }
            }
        } catch let problem as ImportProblem {
            // The file cannot be read further (its header, or broken CSV quoting).
            printer.cancel()
            await transport.close()
            progress.unreadable(problem)
            progress.printSummary()
            throw ExitCode(1)
        } catch {
            printer.cancel()
            await transport.close()
            progress.printSummary()
            ImportProgress.printError("the import stopped: \(error); run the same command again to continue after the last acknowledged line")
            throw ExitCode(1)
        }
        printer.cancel()
        await transport.close()
        progress.complete()
        progress.printSummary()
        if progress.hasProblems { throw ExitCode(1) }
    }

    /// Reads the file in 1 MiB chunks, reports unreadable lines, and hands `send` each batch of
    /// `batchSize` events (and the last, smaller one) after recording it as sent.
    static func readBatches(
        _ handle: FileHandle, parser: ImportParser, batchSize: Int, progress: ImportProgress,
        send: ([ImportedEvent]) async throws -> Void
    ) async throws {
        var parser = parser
        var pending: [ImportedEvent] = []
        func flush() async throws {
            progress.sent(pending)
            try await send(pending)
            pending.removeAll(keepingCapacity: true)
        }
        var done = false
        while !done {
            let items: [ImportItem]
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                progress.read(bytes: chunk.count)
                items = try parser.feed(chunk)
            } else {
                items = try parser.finish()
                done = true
            }
            for item in items {
                switch item {
                case .problem(let problem): progress.unreadable(problem)
                case .event(let event):
                    pending.append(event)
                    if pending.count == batchSize { try await flush() }
                }
            }
        }
        if !pending.isEmpty { try await flush() }
        progress.finishedReading()
    }

    /// The file through the gateway's HTTP API: each batch is sent, and acknowledged by the
    /// answer, before the next one is read.
    func importThroughAPI(
        _ sender: GatewayEventSender, handle: FileHandle, format: ImportFormat, fingerprint: String, resumeAfter: Int, progress: ImportProgress
    ) async throws {
        let printer = progress.startPrinting()
        defer { printer.cancel() }
        let parser = ImportParser(format: format, fingerprint: fingerprint, resumeAfter: resumeAfter)
        do {
            try await Self.readBatches(handle, parser: parser, batchSize: self.batch, progress: progress) { batch in
                progress.acknowledged(try await sender.send(batch.map(\.event)))
            }
        } catch let problem as ImportProblem {
            progress.unreadable(problem)
            progress.printSummary()
            throw ExitCode(1)
        } catch {
            progress.printSummary()
            ImportProgress.printError("the import stopped: \(error); run the same command again to continue after the last acknowledged line")
            throw ExitCode(1)
        }
        progress.complete()
        progress.printSummary()
        if progress.hasProblems { throw ExitCode(1) }
    }
}

/// What the import has done so far; shared by the reading side, the acknowledging side and the
/// progress printer. Saves the resume state after every acknowledged batch.
final class ImportProgress: Sendable {
    private struct State {
        var saved: ImportState
        /// Per batch sent and not yet acknowledged: each event's first line, and the last line it covers.
        var pendingBatches: [(lines: [Int], through: Int)] = []
        var bytesRead = 0
        var sentEvents = 0
        var acknowledgedEvents = 0
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var notCollected = 0
        var unreadable = 0
        var printed = 0
        var readingDone = false
        var completed = false
        var saveError: String?
    }

    let file: String
    let size: Int
    let statePath: String
    let maxProblems: Int
    private let start = ContinuousClock.now
    private let state: Mutex<State>

    static let isTerminal = isatty(STDERR_FILENO) == 1

    init(file: String, size: Int, state: ImportState, statePath: String, maxProblems: Int) {
        self.file = file
        self.size = size
        self.statePath = statePath
        self.maxProblems = maxProblems
        self.state = Mutex(State(saved: state))
    }

    var hasProblems: Bool { self.state.withLock { $0.rejected + $0.unreadable > 0 } }

    /// Prints progress every 250 ms on a terminal, every 10 s otherwise, until cancelled.
    func startPrinting() -> Task<Void, any Error> {
        Task {
            let interval: Duration = Self.isTerminal ? .milliseconds(250) : .seconds(10)
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                self.printProgress()
            }
        }
    }

    func read(bytes: Int) { self.state.withLock { $0.bytesRead += bytes } }

    func finishedReading() { self.state.withLock { $0.readingDone = true } }

    func sent(_ events: [ImportedEvent]) {
        self.state.withLock {
            $0.pendingBatches.append((events.map(\.line), events.map(\.lastLine).max() ?? 0))
            $0.sentEvents += events.count
        }
    }

    func unreadable(_ problem: ImportProblem) {
        let show = self.state.withLock { state -> Bool in
            state.unreadable += 1
            state.printed += 1
            return state.printed <= self.maxProblems
        }
        if show { self.printLine(problem.formatted(file: self.file)) }
    }

    func acknowledged(_ response: TrackEventsResponse) {
        let (problems, snapshot) = self.state.withLock { state -> ([String], ImportState) in
            let batch = state.pendingBatches.isEmpty ? (lines: [], through: 0) : state.pendingBatches.removeFirst()
            var problems: [String] = []
            state.acknowledgedEvents += response.outcomes.count
            for (index, outcome) in response.outcomes.enumerated() {
                switch outcome.status {
                case .stored: state.stored += 1; state.saved.stored += 1
                case .duplicate: state.duplicates += 1; state.saved.duplicates += 1
                case .notCollected: state.notCollected += 1; state.saved.notCollected += 1
                case .rejected:
                    state.rejected += 1
                    state.saved.rejected += 1
                    let line = index < batch.lines.count ? batch.lines[index] : 0
                    for error in outcome.errors {
                        state.printed += 1
                        if state.printed <= self.maxProblems {
                            problems.append(ImportProblem(line: line, field: error.field, reason: error.reason).formatted(file: self.file))
                        }
                    }
                }
            }
            state.saved.acknowledgedThroughLine = max(state.saved.acknowledgedThroughLine, batch.through)
            return (problems, state.saved)
        }
        for problem in problems { self.printLine(problem) }
        do {
            try snapshot.save(to: self.statePath)
        } catch {
            self.state.withLock { $0.saveError = "\(error)" }
        }
    }

    /// Everything was read and acknowledged: the resume state is no longer needed.
    func complete() {
        self.state.withLock { $0.completed = true }
        try? FileManager.default.removeItem(atPath: self.statePath)
    }

    func printProgress() {
        let line = self.progressLine()
        if Self.isTerminal {
            Self.printError("\r\u{1B}[K" + line, terminator: "")
        } else {
            Self.printError(line)
        }
    }

    func printSummary() {
        if Self.isTerminal { Self.printError("\r\u{1B}[K", terminator: "") }
        let summary = self.state.withLock { state -> [String] in
            var lines = [
                "\(self.file): \(state.acknowledgedEvents)/\(state.sentEvents) acknowledged: \(state.stored) stored, "
                    + "\(state.duplicates) duplicates, \(state.rejected) rejected, \(state.notCollected) not collected, "
                    + "\(state.unreadable) unreadable lines (\(self.elapsedText()))"
            ]
            let all = state.saved
            if all.stored != state.stored || all.duplicates != state.duplicates {
                lines.append("including earlier runs: \(all.stored) stored, \(all.duplicates) duplicates, \(all.rejected) rejected, \(all.notCollected) not collected")
            }
            if state.printed > self.maxProblems { lines.append("(\(state.printed - self.maxProblems) more problems not shown; --max-problems)") }
            if !state.completed {
                lines.append("acknowledged through line \(all.acknowledgedThroughLine); the same command continues from there (state: \(self.statePath))")
            }
            if let error = state.saveError { lines.append("warning: the resume state could not be saved: \(error)") }
            return lines
        }
        for line in summary { Self.printError(line) }
    }

    private func progressLine() -> String {
        let seconds = self.elapsedSeconds()
        return self.state.withLock { state in
            let rate = seconds > 0 ? Int(Double(state.acknowledgedEvents) / seconds) : 0
            let fraction = self.size > 0 ? min(1, Double(state.bytesRead) / Double(self.size)) : 0
            let counts = "\(state.acknowledgedEvents)/\(state.sentEvents) events acknowledged, \(state.rejected) rejected, "
                + "\(state.unreadable) unreadable, \(rate)/s"
            guard Self.isTerminal else { return "\(Int(fraction * 100))% read; " + counts }
            let width = 30
            let filled = Int(fraction * Double(width))
            return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                + "\(Int(fraction * 100))% " + counts
        }
    }

    private func elapsedSeconds() -> Double {
        let elapsed = ContinuousClock.now - self.start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func elapsedText() -> String { String(format: "%.1f s", self.elapsedSeconds()) }

    /// A problem line; on a terminal it first clears the progress bar.
    private func printLine(_ text: String) {
        Self.printError((Self.isTerminal ? "\r\u{1B}[K" : "") + text)
    }

    static func printError(_ text: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((text + terminator).utf8))
    }
}
