import Foundation
import NIOConcurrencyHelpers
import SextantContracts
import SextantDemo
import SextantRPC
import SextantService

/// Loads the demo shop into a running suite once: creates the account, streams the generated
/// events to ingest-service, waits for billing-service to have read them, and makes an admin API
/// key. What it did is kept in `<data-dir>/demo.json` (mode 0600: it holds the key), so a second
/// `sextant up --demo` only prints the key again. An interrupted load is finished on the next
/// start: the demo's events carry unique ids, so sending them again stores nothing twice.
struct DemoLoader {
    let admin: SuiteAdmin
    let dataDirectory: String
    let profiles: Int

    struct State: Codable {
        var accountID: UInt64
        /// The instant the demo history ends; kept so that a resumed load sends the same events.
        var end: Date
        var profiles: Int
        var loaded: Bool
        var adminKey: String?
    }

    var statePath: String { self.dataDirectory + "/demo.json" }

    /// Returns the demo account's admin key.
    func loadIfNeeded() async throws -> String {
        var state = try self.readState()
        if let state, state.loaded, let key = state.adminKey {
            say("demo shop already loaded (account \(state.accountID))")
            return key
        }
        let ingest = self.admin.client(.ingest)
        if state == nil {
            // Whole seconds, so the times written to demo.json are the times generated.
            let end = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let shop = DemoShop(profiles: self.profiles, end: end)
            let account = try await ingest.unary(IngestService.createAccount, shop.account, options: SuiteAdmin.deadline)
            state = State(accountID: account.id, end: end, profiles: self.profiles, loaded: false, adminKey: nil)
            try self.writeState(state!)
        }
        guard var current = state else { return "" }
        try await self.sendEvents(accountID: current.accountID, shop: DemoShop(profiles: current.profiles, end: current.end))
        try await self.waitForBilling()
        if current.adminKey == nil {
            let created = try await self.admin.client(.gateway).unary(
                GatewayService.createKey, CreateKeyRequest(accountID: current.accountID, role: .admin, name: "demo admin"),
                options: SuiteAdmin.deadline)
            current.adminKey = created.secret
        }
        current.loaded = true
        try self.writeState(current)
        return current.adminKey!
    }

    /// Streams every event over a few concurrent TrackEventStream calls; each batch is
    /// acknowledged once durable.
    private func sendEvents(accountID: UInt64, shop: DemoShop) async throws {
        let started = ContinuousClock.now
        let events = shop.events()
        let total = events.count
        let batchSize = TrackEventsRequest.maximumEvents
        let batches = (total + batchSize - 1) / batchSize
        let streams = 3
        let tally = NIOLockedValueBox((stored: 0, duplicates: 0, rejected: 0, acknowledged: 0))
        say("loading the demo shop: \(total) events for \(shop.profiles) profiles over \(shop.months) months…")
        let ingest = self.admin.client(.ingest)
        let progress = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(2))
                say("  \(tally.withLockedValue { $0.acknowledged }) of \(total) events acknowledged")
            }
        }
        defer { progress.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for stream in 0..<streams {
                group.addTask {
                    let mine = Array(stride(from: stream, to: batches, by: streams))
                    try await ingest.bidirectional(IngestService.trackEventStream) { writer in
                        for batch in mine {
                            let range = (batch * batchSize)..<min(total, (batch + 1) * batchSize)
                            try await writer.write(TrackEventsRequest(accountID: accountID, events: range.map { events[$0] }))
                        }
                    } responses: { responses in
                        var received = 0
                        for try await response in responses {
                            received += 1
                            tally.withLockedValue { tally in
                                for outcome in response.outcomes {
                                    switch outcome.status {
                                    case .stored: tally.stored += 1
                                    case .duplicate: tally.duplicates += 1
                                    case .rejected, .notCollected: tally.rejected += 1
                                    }
                                }
                                tally.acknowledged += response.outcomes.count
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        progress.cancel()
        let result = tally.withLockedValue { $0 }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        say(String(format: "  %d stored, %d already there, %d refused, in %.1f s (%.0f events/s)",
                     result.stored, result.duplicates, result.rejected, seconds, Double(total) / seconds))
        if result.rejected > 0 { say("  warning: ingest refused \(result.rejected) demo events") }
    }

    /// Billing counts active profiles from the log: wait (at most 60 s) until it has read it all.
    private func waitForBilling() async throws {
        let head = try await self.admin.client(.ingest).unary(IngestService.logHead, LogHeadRequest(), options: SuiteAdmin.deadline).position
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let progress = try await self.admin.client(.billing).unary(BillingService.progress, ProgressRequest(), options: SuiteAdmin.deadline)
            if progress.appliedPosition >= head { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        say("  billing-service is still reading the log; usage numbers will catch up")
    }

    private func readState() throws -> State? {
        guard let data = FileManager.default.contents(atPath: self.statePath) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(State.self, from: data)
    }

    private func writeState(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(state)
        let temporary = self.statePath + ".tmp"
        _ = FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        guard rename(temporary, self.statePath) == 0 else { throw SuiteError("cannot write \(self.statePath): errno \(errno)") }
    }
}
