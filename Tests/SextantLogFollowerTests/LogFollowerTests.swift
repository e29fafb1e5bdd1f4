import Foundation
import GRDB
import Ingest
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SextantContracts
import SextantLogFollower
import SextantRPC
import SextantStore
import SextantTesting
import Testing

/// A transport that can be switched off: while down, every call fails with `unavailable`, as a
/// stopped ingest-service does; switching it off also cancels the calls in flight.
final class SwitchableTransport: ClientTransport {
    private let inner: InProcessTransport
    private let state = NIOLockedValueBox((up: true, open: [any ClientStreamWriter]()))

    init(_ inner: InProcessTransport) { self.inner = inner }

    func setUp(_ up: Bool) {
        let open = self.state.withLockedValue { state -> [any ClientStreamWriter] in
            state.up = up
            defer { if !up { state.open = [] } }
            return up ? [] : state.open
        }
        for writer in open { writer.cancel() }
    }

    func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream {
        guard self.state.withLockedValue({ $0.up }) else { throw RPCError(code: .unavailable, message: "ingest-service is down") }
        let stream = try await self.inner.openStream(head, firstMessage: firstMessage, endStream: endStream)
        self.state.withLockedValue { $0.open.append(stream.writer) }
        return stream
    }
}

/// A consumer that records, per account, how many entries it has applied: the effects whose
/// exactly-once application the cursor must guarantee.
func countingConsumer(path: String) throws -> SQLiteLogApplier {
    var migrations = Migrations()
    migrations.register(1, "schema") { db in
        try LogCursor.createTable(db)
        try db.execute(sql: "CREATE TABLE applied (position INTEGER PRIMARY KEY, account_id INTEGER NOT NULL)")
    }
    let database = try SQLiteStore.open(path: path, durability: .normal, migrations: migrations)
    return SQLiteLogApplier(database: database) { db, entry in
        // A primary key: applying an entry twice would fail the batch, and the test with it.
        try db.execute(sql: "INSERT INTO applied (position, account_id) VALUES (?, ?)", arguments: [Int64(entry.position), Int64(entry.accountID)])
    }
}

@Suite struct LogFollowerTests {
    let directory = NSTemporaryDirectory() + "sextant-follower-\(UUID().uuidString)"

    func events(_ count: Int, from start: Int) -> [EventInput] {
        (start..<(start + count)).map {
            EventInput(metric: "Viewed Product", profile: ProfileIdentifiers(email: "p\($0 % 50)@example.com"), uniqueID: "e\($0)")
        }
    }

    func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test func followsCatchesUpSurvivesAnOutageAndResumesFromItsCursorAfterARestart() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let ingest = try IngestStore.open(path: self.directory + "/ingest.sqlite", durability: .normal)
        let account = try await ingest.createAccount(CreateAccountRequest(name: "Shop"))
        _ = try await ingest.track(TrackEventsRequest(accountID: account.id, events: self.events(300, from: 0)))
        let transport = SwitchableTransport(InProcessTransport(server: RPCServer(router: IngestService.router(store: ingest)), caller: .billingService))
        var configuration = LogFollower.Configuration()
        configuration.batchSize = 64
        configuration.initialBackoff = .milliseconds(10)
        configuration.maximumBackoff = .milliseconds(50)

        let consumerPath = self.directory + "/consumer.sqlite"
        var applier = try countingConsumer(path: consumerPath)
        var follower = LogFollower(client: RPCClient(transport: transport), applier: applier, configuration: configuration, logger: Logger(label: "test"))
        var running = Task { [follower] in await follower.run() }

        // Catches up with what was there, then follows live.
        try await self.waitUntil("caught up") { [follower] in try await follower.progress.appliedPosition == ingest.head() }
        _ = try await ingest.track(TrackEventsRequest(accountID: account.id, events: self.events(100, from: 300)))
        try await self.waitUntil("live entries applied") { [follower] in try await follower.progress.appliedPosition == ingest.head() }
        #expect(follower.progress.following)

        // ingest-service goes away: the follower says so, retries, and picks up after it returns.
        transport.setUp(false)
        try await self.waitUntil("noticed the outage") { [follower] in !follower.progress.following }
        #expect(follower.lastError != nil)
        _ = try await ingest.track(TrackEventsRequest(accountID: account.id, events: self.events(100, from: 400)))
        transport.setUp(true)
        try await self.waitUntil("recovered") { [follower] in let head = try await ingest.head(); return follower.progress.following && follower.progress.appliedPosition == head }

        // A restarted consumer resumes after its persisted cursor: nothing skipped, nothing twice.
        running.cancel()
        await running.value
        _ = try await ingest.track(TrackEventsRequest(accountID: account.id, events: self.events(100, from: 500)))
        applier = try countingConsumer(path: consumerPath)
        follower = LogFollower(client: RPCClient(transport: transport), applier: applier, configuration: configuration, logger: Logger(label: "test"))
        running = Task { [follower] in await follower.run() }
        try await self.waitUntil("caught up after restart") { [follower] in try await follower.progress.appliedPosition == ingest.head() }
        running.cancel()
        await running.value

        let head = try await ingest.head()
        let applied = try await applier.database.read { db in try Int64.fetchAll(db, sql: "SELECT position FROM applied ORDER BY position") }
        #expect(applied == (1...Int64(head)).map { $0 })
        #expect(try await applier.appliedPosition() == head)
    }

    @Test func anOverlappingBatchIsNotAppliedTwice() async throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let applier = try countingConsumer(path: self.directory + "/consumer.sqlite")
        let entries = (1...5).map { LogEntry(position: UInt64($0), accountID: 1, kind: .event, body: []) }
        try await applier.apply(Array(entries[0..<3]))
        try await applier.apply(Array(entries[1..<5]))
        #expect(try await applier.appliedPosition() == 5)
        let count = try await applier.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applied") }
        #expect(count == 5)
    }
}
