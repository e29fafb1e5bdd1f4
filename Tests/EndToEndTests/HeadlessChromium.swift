import Foundation
import SextantTesting
import Testing

/// A real browser for the dashboard tests: Debian's `chromium` in headless mode, run as a child
/// process (scripts/test.sh installs it). It loads a page, runs its script until the page's
/// network and timers settle (a virtual-time budget, so a slow machine does not cut it short),
/// and hands back the rendered DOM, or saves a screenshot.
struct HeadlessChromium {
    let executable: String

    /// The browser, or a failure that says how to install it.
    static func find() throws -> HeadlessChromium {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) {
            return HeadlessChromium(executable: path)
        }
        throw ServiceProcessError(message: "no chromium: the browser tests need Debian's chromium (apt-get install chromium; scripts/test.sh installs it)")
    }

    private func arguments(_ extra: [String], profile: String) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=\(profile)", "--virtual-time-budget=30000", "--hide-scrollbars",
        ] + extra
    }

    private func run(_ extra: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let profile = NSTemporaryDirectory() + "sextant-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        return try await CommandRun.run(self.executable, self.arguments(extra, profile: profile), timeout: 120)
    }

    /// The DOM of `url` after its script ran.
    func dom(_ url: String) async throws -> String {
        let run = try await self.run(["--dump-dom", url])
        guard run.status == 0, run.stdout.contains("<html") else {
            throw ServiceProcessError(message: "chromium --dump-dom failed (\(run.status)): \(run.stderr.suffix(2_000))")
        }
        return run.stdout
    }

    /// Saves a PNG of `url` at the given window size to `path`.
    func screenshot(_ url: String, to path: String, width: Int = 1_400, height: Int = 1_500) async throws {
        try? FileManager.default.removeItem(atPath: path)
        let run = try await self.run(["--screenshot=\(path)", "--window-size=\(width),\(height)", url])
        guard FileManager.default.fileExists(atPath: path) else {
            throw ServiceProcessError(message: "chromium --screenshot wrote nothing (\(run.status)): \(run.stderr.suffix(2_000))")
        }
    }
}

/// Reading a rendered DOM by `data-testid`.
struct RenderedPage {
    let html: String

    /// The text of every element with this `data-testid`, in document order (entities decoded).
    func texts(_ testID: String) -> [String] {
        let pattern = "data-testid=\"\(NSRegularExpression.escapedPattern(for: testID))\"[^>]*>([^<]*)<"
        let expression = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(self.html.startIndex..., in: self.html)
        return expression.matches(in: self.html, range: range).compactMap { match in
            Range(match.range(at: 1), in: self.html).map { Self.decode(String(self.html[$0])) }
        }
    }

    /// The text of the one element with this `data-testid`.
    func text(_ testID: String) -> String? { self.texts(testID).first }

    /// The `<body>`'s `data-state`.
    var state: String? {
        guard let range = self.html.range(of: #"<body data-state="([a-z-]+)""#, options: .regularExpression) else { return nil }
        return String(self.html[range].dropFirst(#"<body data-state=""#.count).dropLast())
    }

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{a0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// How the page formats the API's numbers (the page's `formatCount`/`formatMoney`/`formatChange`),
/// written again here so the test checks the page against the API rather than against itself.
enum DashboardFormat {
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `{"amount": "1234.50", "currency": "USD"}` → "$1,234.50".
    static func money(_ money: [String: Any]?) -> String {
        guard let money, var amount = money["amount"] as? String, let currency = money["currency"] as? String else { return "–" }
        var sign = ""
        if amount.hasPrefix("-") { sign = "-"; amount.removeFirst() }
        let parts = amount.split(separator: ".", omittingEmptySubsequences: false)
        let number = Self.count(Int(parts[0])!) + (parts.count > 1 ? "." + parts[1] : "")
        let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "CA$"]
        return symbols[currency].map { sign + $0 + number } ?? sign + number + " " + currency
    }

    static func change(_ change: Any?) -> String {
        guard let text = change as? String else { return "" }
        return (text.hasPrefix("-") ? text : "+" + text) + "%"
    }
}
