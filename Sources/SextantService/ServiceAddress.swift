/// host:port, with IPv6 hosts in brackets ("[::1]:7401").
public struct ServiceAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port"; port 0 (listen addresses only) picks a free port.
    public init(parsing text: String) throws(ServiceAddressError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ServiceAddressError(text: text, reason: "is not host:port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ServiceAddressError(text: text, reason: "has no host") }
        self.host = host
        self.port = port
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

public struct ServiceAddressError: Error, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "address \"\(self.text)\" \(self.reason)" }
}
