import Foundation

/// The databases a storage test runs on: SQLite always, PostgreSQL when
/// `SEXTANT_TEST_POSTGRES_URL` names a server (scripts/test.sh starts one).
public enum StoreBackend: String, Sendable {
    case sqlite
    case postgres

    /// The test server's URL, or nil.
    public static let postgresURL = ProcessInfo.processInfo.environment["SEXTANT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// The backends every storage test runs on here.
    public static let available: [StoreBackend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]

    /// A fresh schema name for one test: `<prefix>_test_` and eight random characters.
    public static func schema(_ prefix: String) -> String {
        prefix + "_test_" + UUID().uuidString.prefix(8).lowercased()
    }
}
