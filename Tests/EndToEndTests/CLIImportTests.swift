import Foundation
import SextantContracts
import SextantRPC
import SextantTesting
import Testing

/// The `sextant` CLI against a real ingest-service: accounts and a JSON Lines import.
@Suite(.serialized) struct CLIImportTests {
    /// Runs `sextant` with `arguments` to completion (at most 60 s): exit status and output.
    static func sextant(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await CommandRun.run(ServiceProcess.binaryDirectory + "/sextant", arguments)
    }

    @Test func importAJSONLinesFileTwice() async throws {
        let harness = try IngestServiceHarness()
        let service = try await harness.start()
        let connection = ["--ingest", "127.0.0.1:\(service.port)", "--pki-dir", harness.directory + "/pki"]

        let created = try await Self.sextant(["accounts", "create", "--name", "CLI Shop", "--currency", "EUR"] + connection)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix("account 1: CLI Shop"))

        var lines: [String] = []
        for index in 0..<2_500 {
            lines.append(#"{"metric": "Viewed Product", "profile": {"email": "c\#(index % 40)@example.com"}, "time": "2026-11-01T12:00:00Z", "uniqueID": "v\#(index)", "properties": {"product_id": "p\#(index % 7)"}}"#)
        }
        lines.insert("not json at all", at: 10)  // line 11
        let file = harness.directory + "/events.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let first = try await Self.sextant(["import", "--account", "1", file] + connection)
        #expect(first.status == 1, "an unreadable line makes the import report failure")
        #expect(first.stderr.contains("events.jsonl:11: json: not an event"))
        #expect(first.stderr.contains("2500/2500 acknowledged: 2500 stored, 0 duplicates"))
        let second = try await Self.sextant(["import", "--account", "1", "--batch", "700", file] + connection)
        #expect(second.stderr.contains("2500/2500 acknowledged: 0 stored, 2500 duplicates"))

        let events = try await harness.client().loggedEvents(accountID: 1)
        #expect(events.count == 2_500)
        let listed = try await Self.sextant(["accounts", "list"] + connection)
        #expect(listed.stdout.contains("account 1: CLI Shop (UTC, EUR, email plan, Customer Hub off)"))
        await harness.shutdown()
    }
}
