/// The payload of a client HEADERS frame: which method, how long, and the request metadata.
package struct RequestHeadersPayload: Codable, Sendable, Hashable {
    package var method: String
    package var timeoutMicroseconds: UInt64?
    package var metadata: Metadata

    package init(method: String, timeoutMicroseconds: UInt64?, metadata: Metadata) {
        self.method = method
        self.timeoutMicroseconds = timeoutMicroseconds
        self.metadata = metadata
    }

    enum CodingKeys: Int, CodingKey {
        case method = 1
        case timeoutMicroseconds = 2
        case metadata = 3
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.method = try container.decode(String.self, forKey: .method)
        self.timeoutMicroseconds = try container.decodeIfPresent(UInt64.self, forKey: .timeoutMicroseconds)
        self.metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata) ?? [:]
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.method, forKey: .method)
        try container.encodeIfPresent(self.timeoutMicroseconds, forKey: .timeoutMicroseconds)
        if !self.metadata.isEmpty { try container.encode(self.metadata, forKey: .metadata) }
    }
}

/// The payload of a server HEADERS frame: response metadata.
package struct ResponseHeadersPayload: Codable, Sendable, Hashable {
    package var metadata: Metadata

    package init(metadata: Metadata) {
        self.metadata = metadata
    }

    enum CodingKeys: Int, CodingKey {
        case metadata = 1
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.metadata = try container.decodeIfPresent(Metadata.self, forKey: .metadata) ?? [:]
    }
}

/// The payload of a STATUS frame.
package struct StatusPayload: Codable, Sendable, Hashable {
    package var code: UInt32
    package var message: String?
    package var trailers: Metadata?

    package init(status: Status, trailers: Metadata) {
        self.code = UInt32(status.code.rawValue)
        self.message = status.message.isEmpty ? nil : status.message
        self.trailers = trailers.isEmpty ? nil : trailers
    }

    package var status: Status {
        // An unknown code from a newer peer is reported as `unknown`, keeping its message.
        Status(code: Status.Code(rawValue: Int(self.code)) ?? .unknown, message: self.message ?? "")
    }

    enum CodingKeys: Int, CodingKey {
        case code = 1
        case message = 2
        case trailers = 3
    }
}
