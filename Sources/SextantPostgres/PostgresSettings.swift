import Foundation
public import PostgresNIO

/// Where a service keeps its state in PostgreSQL: a server, a database, and the service's own
/// schema in it (each service owns its storage, as with its own SQLite file).
///
/// Configured by a URL, `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (port 5432 by default),
/// usually from `SEXTANT_POSTGRES_URL`; the schema is the service's name unless given.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The service's schema: lowercase letters, digits and `_`, starting with a letter or `_`,
    /// at most 63 characters (so it never needs quoting).
    public var schema: String

    public struct Invalid: Error, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `url` (`postgres://` or `postgresql://`; user, host and database required).
    public init(url: String, schema: String) throws {
        guard let schemeEnd = url.range(of: "://"), ["postgres", "postgresql"].contains(url[..<schemeEnd.lowerBound].lowercased()) else {
            throw Invalid(description: "a PostgreSQL URL starts with postgres://, not \"\(Self.redacted(url))\"")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        guard let at = rest.lastIndex(of: "@") else { throw Invalid(description: "the PostgreSQL URL names no user (postgres://USER:PASSWORD@HOST/DATABASE)") }
        let credentials = rest[..<at]
        rest = rest[rest.index(after: at)...]
        let user = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = user.first, !name.isEmpty else { throw Invalid(description: "the PostgreSQL URL names no user") }
        self.username = String(name).removingPercentEncoding ?? String(name)
        self.password = user.count > 1 ? (String(user[1]).removingPercentEncoding ?? String(user[1])) : nil
        guard let slash = rest.firstIndex(of: "/") else { throw Invalid(description: "the PostgreSQL URL names no database (…/DATABASE)") }
        let hostPort = rest[..<slash]
        var database = rest[rest.index(after: slash)...]
        if let query = database.firstIndex(of: "?") { database = database[..<query] }
        guard !database.isEmpty else { throw Invalid(description: "the PostgreSQL URL names no database (…/DATABASE)") }
        self.database = String(database)
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            self.host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            self.port = after.hasPrefix(":") ? (Int(after.dropFirst()) ?? -1) : 5432
        } else if let colon = hostPort.lastIndex(of: ":") {
            self.host = String(hostPort[..<colon])
            self.port = Int(hostPort[hostPort.index(after: colon)...]) ?? -1
        } else {
            self.host = String(hostPort)
            self.port = 5432
        }
        guard !self.host.isEmpty else { throw Invalid(description: "the PostgreSQL URL names no host") }
        guard (1...65_535).contains(self.port) else { throw Invalid(description: "the PostgreSQL URL's port must be 1 to 65535") }
        guard Self.isValidSchema(schema) else {
            throw Invalid(description: "schema \"\(schema)\": lowercase letters, digits and _, starting with a letter or _, at most 63 characters")
        }
        self.schema = schema
    }

    /// A service's settings from its environment: `SEXTANT_POSTGRES_URL` (required) and
    /// `SEXTANT_POSTGRES_SCHEMA` (default `defaultSchema`, the service's name). The error names
    /// the variable.
    public init(environment: [String: String], defaultSchema: String) throws {
        guard let url = environment["SEXTANT_POSTGRES_URL"], !url.isEmpty else {
            throw Invalid(description: "storage postgres needs SEXTANT_POSTGRES_URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        do {
            try self.init(url: url, schema: environment["SEXTANT_POSTGRES_SCHEMA"] ?? defaultSchema)
        } catch {
            throw Invalid(description: "SEXTANT_POSTGRES_URL: \(error)")
        }
    }

    static func isValidSchema(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The URL without its password, for logs and errors.
    public var description: String { "postgres://\(self.username)@\(self.host):\(self.port)/\(self.database) (schema \(self.schema))" }

    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        return String(url[..<scheme.upperBound]) + "…" + String(url[at...])
    }

    /// The client's configuration: plain TCP (the suite's database runs next to it, inside the
    /// deployment's network), the schema first on the search path of every connection.
    var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: self.host, port: self.port, username: self.username, password: self.password, database: self.database, tls: .disable)
        configuration.options.additionalStartupParameters = [("search_path", self.schema)]
        configuration.options.maximumConnections = 8
        return configuration
    }
}
