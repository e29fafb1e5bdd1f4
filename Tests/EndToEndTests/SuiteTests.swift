import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SextantTesting
import Testing

/// The README's first command, for real: `sextant up --demo` starts the six service executables
/// over loopback mutual TLS with a (small) demo shop; the printed key works against the HTTP API;
/// a service killed with SIGKILL makes the gateway answer 503 quickly — never hang — and is
/// restarted by `sextant up`, after which the same numbers come back; Ctrl-C stops everything.
@Suite(.serialized) struct SuiteTests {
    /// A block of free loopback ports: base … base+6 (RPC), base+2000 … base+2006 (metrics), and
    /// the HTTP port.
    static func freePorts() throws -> (base: Int, http: Int) {
        for _ in 0..<50 {
            let base = Int.random(in: 20_000...40_000)
            let http = base + 3_000
            let ports = Array(base...(base + 6)) + Array((base + 2_000)...(base + 2_006)) + [http]
            if ports.allSatisfy(Self.isFree) { return (base, http) }
        }
        throw ServiceProcessError(message: "no free block of loopback ports")
    }

    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    struct Response {
        var status: Int
        var json: [String: Any]
        var headers: [AnyHashable: Any]
        var seconds: Double
        /// The body as sent.
        var data: Data
    }

    static func request(_ method: String, _ url: String, key: String?, body: String? = nil) async throws -> Response {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let start = ContinuousClock.now
        let (data, response) = try await URLSession.shared.data(for: request)
        let elapsed = ContinuousClock.now - start
        let http = response as! HTTPURLResponse
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Response(
            status: http.statusCode, json: json, headers: http.allHeaderFields,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, data: data)
    }

    static func sextant(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let run = try await CommandRun.run(ServiceProcess.binaryDirectory + "/sextant", arguments)
        return (run.status, run.stdout + run.stderr)
    }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// Cleanup that cannot be skipped, even when a test fails half-way: SIGKILL for `up` and for
    /// every service it started (found by their pid files).
    static func killEverything(_ up: ServiceProcess?, directory: String) {
        if let up, up.isRunning { kill(up.pid, SIGKILL) }
        let logs = directory + "/logs"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? [] where file.hasSuffix(".pid") {
            if let text = try? String(contentsOfFile: logs + "/" + file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
                // Still that service (not a reused pid).
                let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                command.split(separator: "\0").first?.hasSuffix("/" + file.dropLast(4)) == true
            {
                kill(pid, SIGKILL)
            }
        }
    }

    @Test(.timeLimit(.minutes(8)))
    func upWithTheDemoServesTheAPIAndRecoversFromAKilledService() async throws {
        let directory = NSTemporaryDirectory() + "sextant-suite-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (base, httpPort) = try Self.freePorts()
        let up = try await ServiceProcess.start(
            "sextant",
            arguments: ["up", "--no-build", "--demo", "--demo-profiles", "1500", "--data-dir", directory, "--base-port", "\(base)", "--http-port", "\(httpPort)"],
            timeout: .seconds(300), marker: "sextant listening on ")
        defer { Self.killEverything(up, directory: directory) }
        let api = "http://127.0.0.1:\(httpPort)/api/v1"

        // The key `up` printed works.
        let output = up.output
        let keyLine = try #require(output.split(separator: "\n").first { $0.contains("Demo shop admin key:") }, "no key in:\n\(output)")
        let key = String(keyLine.split(separator: " ").last!)
        #expect(key.hasPrefix("sxt_"))
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/demo.json"))) as! [String: Any]
        let accountID = state["accountID"] as! Int
        let usageURL = "\(api)/accounts/\(accountID)/billing/usage"
        let usage = try await Self.request("GET", usageURL, key: key)
        #expect(usage.status == 200, "\(usage.json)")
        let active = usage.json["active_profiles"] as? Int ?? -1
        #expect(active > 0 && active <= 1_500, "\(usage.json)")
        #expect(try await Self.request("GET", usageURL, key: nil).status == 401)
        #expect(try await Self.request("GET", "\(api)/openapi.json", key: nil).status == 200)

        // Events in through the API, and the account as the key's owner sees it.
        let event = #"{"metric": "Viewed Product", "profile": {"email": "new@example.com"}, "properties": {"product_id": "SKU-1001"}}"#
        let posted = try await Self.request("POST", "\(api)/accounts/\(accountID)/events", key: key, body: event)
        #expect((200..<300).contains(posted.status), "\(posted.json)")
        let account = try await Self.request("GET", "\(api)/accounts/\(accountID)", key: key)
        #expect(account.status == 200 && account.json["name"] as? String == "Demo Shop", "\(account.json)")

        // `sextant import --api`: through the gateway's HTTP API with the key; a bad line is named
        // and the others are stored; a wrong key stops the import with the gateway's answer.
        let importFile = directory + "/few.jsonl"
        try """
            {"metric": "Viewed Product", "profile": {"email": "api-import@example.com"}, "uniqueID": "api-1", "properties": {"product_id": "SKU-1"}}
            {"metric": "", "profile": {"email": "api-import@example.com"}}
            {"metric": "Placed Order", "profile": {"email": "api-import@example.com"}, "value": 12.5, "uniqueID": "api-order-1", "properties": {"order_id": "API-1"}}
            """.write(toFile: importFile, atomically: true, encoding: .utf8)
        let apiBase = "http://127.0.0.1:\(httpPort)"
        let viaAPI = try await Self.sextant(["import", importFile, "--api", apiBase, "--key", key, "--account", "\(accountID)"])
        #expect(viaAPI.status == 1, "\(viaAPI.output)")
        #expect(viaAPI.output.contains("few.jsonl:2: metric:") && viaAPI.output.contains("3/3 acknowledged: 2 stored, 0 duplicates, 1 rejected"), "\(viaAPI.output)")
        let again = try await Self.sextant(["import", importFile, "--api", apiBase + "/api/v1/", "--key", key, "--account", "\(accountID)", "--restart"])
        #expect(again.output.contains("0 stored, 2 duplicates, 1 rejected"), "\(again.output)")
        let wrongKey = try await Self.sextant(["import", importFile, "--api", apiBase, "--key", "sxt_AAAAAAAAAAAA_" + String(repeating: "x", count: 43), "--account", "\(accountID)", "--restart"])
        #expect(wrongKey.status == 1 && wrongKey.output.contains("the gateway answered 401"), "\(wrongKey.output)")

        // `sextant status` sees six serving services.
        let status = try await Self.sextant(["status", "--pki-dir", directory + "/pki", "--base-port", "\(base)"])
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.components(separatedBy: "SERVING").count - 1 == 6 || status.output.components(separatedBy: "serving").count - 1 == 6, "\(status.output)")

        // The Customer Hub numbers flow ingest → attribution → insights across the processes.
        for _ in 0..<100 {
            let board = try await Self.sextant(["hub", "dashboard", "--account", "\(accountID)", "--period", "last-365-days",
                                                "--pki-dir", directory + "/pki", "--base-port", "\(base)"])
            #expect(board.status == 0, "\(board.output)")
            if board.output.contains("total accounts"), !board.output.contains("total accounts        0") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let board = try await Self.sextant(["hub", "dashboard", "--account", "\(accountID)", "--period", "last-365-days",
                                            "--pki-dir", directory + "/pki", "--base-port", "\(base)"])
        #expect(board.output.contains("revenue generated") && !board.output.contains("total accounts        0"), "\(board.output)")

        // The Customer Hub page in a real browser, with a read-only key, shows the API's numbers.
        try await Self.checkCustomerHubPage(httpPort: httpPort, accountID: accountID, adminKey: key)

        // The demo shop is eligible for predicted CLV; the CLV page shows the API's numbers.
        try await Self.checkCLVPage(httpPort: httpPort, accountID: accountID, adminKey: key)
        try await Self.checkCLVConversionMetric(api: api, accountID: accountID, adminKey: key, pki: directory + "/pki", base: base)

        // billing-service is killed: a clear 503, fast, then the same answer once `up` restarts it.
        let pidText = try String(contentsOfFile: directory + "/logs/billing-service.pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        var sawUnavailable = false
        for _ in 0..<100 {
            let answer = try await Self.request("GET", usageURL, key: key)
            if answer.status == 503 {
                let error = answer.json["error"] as? [String: Any]
                #expect(error?["code"] as? String == "service_unavailable", "\(answer.json)")
                #expect(answer.seconds < 6, "a downstream service that is down must not make the gateway hang")
                sawUnavailable = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(sawUnavailable, "the gateway never reported billing-service as unavailable")
        var recovered: Int?
        for _ in 0..<120 {
            try await Task.sleep(for: .milliseconds(500))
            let answer = try await Self.request("GET", usageURL, key: key)
            if answer.status == 200 {
                recovered = answer.json["active_profiles"] as? Int
                break
            }
        }
        #expect(recovered != nil && recovered! >= active, "billing-service did not come back with its data")

        // Ctrl-C: every service stops.
        let pids = try ["ingest-service", "billing-service", "attribution-service", "insights-service", "predictive-service", "gateway"].map {
            Int32(try String(contentsOfFile: directory + "/logs/\($0).pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        }
        let exit = await up.stop(timeout: .seconds(60))
        #expect(exit == 0, "\(up.output)")
        #expect(pids.allSatisfy { !Self.isAlive($0) }, "a service outlived `sextant up`")
    }

    @Test(.timeLimit(.minutes(4)))
    func aKilledUpLeavesNothingInTheWayOfTheNextOne() async throws {
        let directory = NSTemporaryDirectory() + "sextant-suite-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (base, httpPort) = try Self.freePorts()
        let arguments = ["up", "--no-build", "--data-dir", directory, "--base-port", "\(base)", "--http-port", "\(httpPort)"]
        let first = try await ServiceProcess.start("sextant", arguments: arguments, timeout: .seconds(120), marker: "sextant listening on ")
        defer { Self.killEverything(first, directory: directory) }
        let ingestPid = try #require(Int32(try String(contentsOfFile: directory + "/logs/ingest-service.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        // `up` is killed outright: its services are left running, holding ports and databases.
        await first.kill()
        #expect(Self.isAlive(ingestPid))

        let second = try await ServiceProcess.start("sextant", arguments: arguments, timeout: .seconds(120), marker: "sextant listening on ")
        defer { Self.killEverything(second, directory: directory) }
        #expect(second.output.contains("left running by an earlier sextant up"), "\(second.output)")
        #expect(!Self.isAlive(ingestPid))
        let ready = try await Self.request("GET", "http://127.0.0.1:\(httpPort)/api/v1/ready", key: nil)
        #expect(ready.status == 200, "\(ready.json)")
        #expect(await second.stop(timeout: .seconds(60)) == 0)
    }

    /// Opens `/customer-hub` in headless Chromium with a new read-only key and checks every number
    /// the page rendered against `GET /api/v1/customer-hub/dashboard` and `/attributed-products`
    /// for the same period; saves a screenshot (``artifactsDirectory``).
    static func checkCustomerHubPage(httpPort: Int, accountID: Int, adminKey: String) async throws {
        let browser = try HeadlessChromium.find()
        let base = "http://127.0.0.1:\(httpPort)"
        let created = try await Self.request(
            "POST", "\(base)/api/v1/accounts/\(accountID)/keys", key: adminKey, body: #"{"role": "read-only", "name": "browser test"}"#)
        #expect(created.status == 201, "\(created.json)")
        let reader = try #require(created.json["secret"] as? String)

        // Without a key the page asks for one.
        let keyless = RenderedPage(html: try await browser.dom("\(base)/customer-hub"))
        #expect(keyless.state == "needs-key", "\(keyless.html.prefix(400))")

        // Let insights and attribution catch up with the demo shop's log first.
        for _ in 0..<240 {
            let ready = try await Self.request("GET", "\(base)/api/v1/ready", key: nil)
            let services = ready.json["services"] as? [[String: Any]] ?? []
            let lagging = services.filter { (($0["progress"] as? [String: Any])?["lag"] as? Int ?? 0) > 0 }
            if ready.status == 200, lagging.isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }

        let query = "period=last_90_days&compare=previous_period"
        let pageURL = "\(base)/customer-hub#key=\(reader)&\(query)"
        var page: RenderedPage?
        var board: [String: Any] = [:]
        var report: [String: Any] = [:]
        // The log may still be arriving: compare against an answer that did not change while
        // the page loaded.
        var last: (before: [String: Any], after: [String: Any]) = ([:], [:])
        for _ in 0..<10 {
            let before = try await Self.request("GET", "\(base)/api/v1/customer-hub/dashboard?\(query)", key: reader)
            #expect(before.status == 200, "\(before.json)")
            let rendered = RenderedPage(html: try await browser.dom(pageURL))
            let after = try await Self.request("GET", "\(base)/api/v1/customer-hub/dashboard?\(query)", key: reader)
            let list = try await Self.request("GET", "\(base)/api/v1/customer-hub/attributed-products?period=last_90_days&page_size=25", key: reader)
            if before.data == after.data {
                (page, board, report) = (rendered, after.json, list.json)
                break
            }
            last = (before.json, after.json)
            try await Task.sleep(for: .milliseconds(500))
        }
        let rendered = try #require(page, "the dashboard kept changing while the page loaded: \(last.before) then \(last.after)")
        #expect(rendered.state == "ready", "the page did not finish: \(rendered.texts("error")) \(rendered.html.prefix(600))")

        let overview = try #require(board["overview"] as? [String: Any])
        #expect(rendered.text("value-total_accounts") == DashboardFormat.count(overview["total_accounts"] as! Int))
        for name in ["service_interactions", "active_accounts"] {
            let tile = try #require(overview[name] as? [String: Any])
            #expect(rendered.text("value-\(name)") == DashboardFormat.count(tile["value"] as! Int), "\(name)")
            #expect(rendered.text("change-\(name)") == DashboardFormat.change(tile["percent_change"]), "\(name)")
            let previous = (tile["previous"] as? Int).map { "vs " + DashboardFormat.count($0) } ?? ""
            #expect(rendered.text("previous-\(name)") == previous, "\(name)")
        }
        let revenue = try #require(overview["revenue_generated"] as? [String: Any])
        #expect(rendered.text("value-revenue_generated") == DashboardFormat.money(revenue["value"] as? [String: Any]))
        #expect(rendered.text("change-revenue_generated") == DashboardFormat.change(revenue["percent_change"]))
        let series = try #require(board["service_interactions"] as? [[String: Any]])
        #expect(series.count == 5)
        for entry in series {
            let type = entry["type"] as! String
            let total = (entry["total"] as! [String: Any])["value"] as! Int
            #expect(rendered.text("total-\(type)") == DashboardFormat.count(total), "\(type)")
        }
        let aov = try #require(board["average_order_value"] as? [String: Any])
        let aovPeriod = aov["period"] as! [String: Any]
        #expect(rendered.text("value-aov") == ((aovPeriod["average"] as? [String: Any]).map { DashboardFormat.money($0) } ?? "no orders"))
        #expect(rendered.text("change-aov") == DashboardFormat.change(aov["percent_change"]))
        // The charts: one point per bucket for each of the five series; one bar per bucket.
        let buckets = (board["buckets"] as! [Any]).count
        #expect(buckets == 90)
        #expect(rendered.html.components(separatedBy: "<circle").count - 1 == 5 * buckets)
        #expect(rendered.html.components(separatedBy: "<rect").count - 1 == buckets)
        // The View report table: the API's first page, in order.
        let products = try #require(report["products"] as? [[String: Any]])
        #expect(rendered.texts("revenue") == products.map { DashboardFormat.money($0["revenue"] as? [String: Any]) })
        // The demo shop has Hub activity and attributed revenue in any 90 days.
        #expect((overview["service_interactions"] as! [String: Any])["value"] as! Int > 0)
        #expect(!products.isEmpty)

        try FileManager.default.createDirectory(atPath: Self.artifactsDirectory, withIntermediateDirectories: true)
        let screenshot = Self.artifactsDirectory + "/customer-hub-dashboard.png"
        try await browser.screenshot(pageURL, to: screenshot)
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 10_000, "the screenshot is \(size) bytes")
        print("Customer Hub screenshot: \(screenshot)")
    }

    /// Opens `/clv` in headless Chromium with a read-only key: the model card, distribution, churn
    /// bands, example profiles and a looked-up profile equal the API's answers; saves a screenshot.
    /// A custom metric becomes the CLV conversion metric through the CLI: predictive-service
    /// re-reads the account's log from ingest-service and counts only that metric's orders.
    static func checkCLVConversionMetric(api: String, accountID: Int, adminKey: String, pki: String, base: Int) async throws {
        let clvURL = "\(api)/accounts/\(accountID)/clv"
        let before = try await Self.request("GET", clvURL, key: adminKey)
        let customersBefore = try #require(before.json["customers_with_orders"] as? Int, "\(before.json)")
        let metric = try await Self.request(
            "POST", "\(api)/accounts/\(accountID)/custom-metrics", key: adminKey,
            body: #"{"name": "Orders over 60", "sources": [{"metric": "Placed Order", "filters": [{"property": "value", "op": "greater_than", "operand": 60}]}], "aggregation": {"type": "value"}}"#)
        let metricID = try #require(metric.json["id"] as? Int, "\(metric.json)")
        let changed = try await Self.sextant([
            "clv", "settings", "--account", "\(accountID)", "--conversion-metric", "\(metricID)", "--pki-dir", pki, "--base-port", "\(base)",
        ])
        #expect(changed.status == 0 && changed.output.contains("conversion metric Orders over 60 (custom metric \(metricID))"), "\(changed.output)")
        var after: [String: Any] = [:]
        for _ in 0..<300 {
            after = try await Self.request("GET", clvURL, key: adminKey).json
            if after["rebuilding"] is NSNull, after["customers_with_orders"] as? Int != 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(after["rebuilding"] is NSNull, "the log was not read again: \(after)")
        let settings = after["settings"] as? [String: Any]
        #expect((settings?["conversion_metric"] as? [String: Any])?["name"] as? String == "Orders over 60", "\(after)")
        let customersAfter = after["customers_with_orders"] as? Int ?? -1
        #expect(customersAfter > 0 && customersAfter < customersBefore, "\(customersBefore) customers before, \(customersAfter) after")
        let bad = try await Self.sextant(["clv", "settings", "--account", "\(accountID)", "--horizon-days", "10", "--pki-dir", pki, "--base-port", "\(base)"])
        #expect(bad.status != 0 && bad.output.contains("horizonDays: between 30 and 1095 days, not 10"), "\(bad.output)")
    }

    static func checkCLVPage(httpPort: Int, accountID: Int, adminKey: String) async throws {
        let browser = try HeadlessChromium.find()
        let base = "http://127.0.0.1:\(httpPort)"
        let created = try await Self.request(
            "POST", "\(base)/api/v1/accounts/\(accountID)/keys", key: adminKey, body: #"{"role": "read-only", "name": "clv browser test"}"#)
        let reader = try #require(created.json["secret"] as? String)
        // The status call fits an eligible account that has no model yet.
        let status = try await Self.request("GET", "\(base)/api/v1/accounts/\(accountID)/clv", key: reader)
        #expect(status.status == 200 && status.json["eligible"] as? Bool == true, "\(status.json)")
        let card = try #require(status.json["model"] as? [String: Any], "\(status.json)")
        let examples = try #require(card["examples"] as? [[String: Any]])
        #expect(examples.count == 5, "\(examples)")
        let lookedUp = try #require(examples.first?["profile_id"] as? Int)

        let page = RenderedPage(html: try await browser.dom("\(base)/clv#key=\(reader)&profile=\(lookedUp)"))
        #expect(page.state == "ready", "\(page.texts("error")) \(page.html.prefix(600))")
        // What the page shows comes from the same fit as this answer (the model card is kept until the next fit).
        #expect(page.text("value-customers") == DashboardFormat.count(status.json["customers_with_orders"] as! Int))
        #expect(page.text("value-model") == ((card["purchase_model"] as? String) == "bgnbd" ? "BG/NBD" : "MBG/NBD"))
        for parameter in card["parameters"] as! [[String: Any]] {
            let value = (parameter["value"] as! NSNumber).doubleValue
            #expect(page.text("parameter-\(parameter["name"] as! String)") == String(format: "%.4f", value), "\(parameter)")
        }
        let bands = card["churn_bands"] as! [String: Int]
        for band in ["low", "medium", "high"] {
            #expect(page.text("band-\(band)") == DashboardFormat.count(bands[band] ?? 0), "\(band)")
        }
        // Ten CLV buckets and three churn bands drawn.
        #expect(page.html.components(separatedBy: "<rect").count - 1 == 13)
        var expected: [String] = []
        for example in examples {
            let clv = try await Self.request("GET", "\(base)/api/v1/accounts/\(accountID)/profiles/\(example["profile_id"] as! Int)/clv", key: reader)
            let predicted = try #require(clv.json["predicted_clv"] as? [String: Any], "\(clv.json)")
            expected.append("\(DashboardFormat.money(predicted["value"] as? [String: Any])) (\(DashboardFormat.money(predicted["low"] as? [String: Any])) – \(DashboardFormat.money(predicted["high"] as? [String: Any])))")
        }
        #expect(page.texts("example-predicted") == expected)
        let profile = try await Self.request("GET", "\(base)/api/v1/accounts/\(accountID)/profiles/\(lookedUp)/clv", key: reader)
        #expect(page.text("profile-historic_clv") == DashboardFormat.money(profile.json["historic_clv"] as? [String: Any]))
        #expect(page.text("profile-historic_orders") == DashboardFormat.count(profile.json["historic_orders"] as! Int))

        try FileManager.default.createDirectory(atPath: Self.artifactsDirectory, withIntermediateDirectories: true)
        let screenshot = Self.artifactsDirectory + "/clv-dashboard.png"
        try await browser.screenshot("\(base)/clv#key=\(reader)&profile=\(lookedUp)", to: screenshot)
        print("CLV screenshot: \(screenshot)")
    }

    /// Where tests leave files for people to look at: `SEXTANT_TEST_ARTIFACTS`, else
    /// `.build/test-artifacts` in the package.
    static var artifactsDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["SEXTANT_TEST_ARTIFACTS"], !directory.isEmpty { return directory }
        return FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
    }
}
