public import Foundation
public import SextantRPC

/// Every service that follows the ingest log answers `Progress`: how far it has read and applied
/// the log. The gateway's readiness and `sextant status` show it.
public enum LogConsumerProgress {
    /// The `Progress` method of the service named `service`.
    public static func method(service: String) -> RPCMethod<ProgressRequest, ProgressResponse> {
        RPCMethod(service: service, method: "Progress", kind: .unary, allowedCallers: .anyAuthenticated)
    }
}

public struct ProgressRequest: Codable, Sendable, Hashable {
    public init() {}
}

public struct ProgressResponse: Codable, Sendable, Hashable {
    /// The last log position applied (and persisted) by the service; 0 before the first entry.
    public var appliedPosition: UInt64
    /// The log's head the last time the service heard from ingest-service; 0 if never.
    public var knownHead: UInt64
    /// True while connected to ingest-service and following the log.
    public var following: Bool
    /// When the last batch was applied.
    public var lastAppliedAt: Date?

    public init(appliedPosition: UInt64, knownHead: UInt64, following: Bool, lastAppliedAt: Date?) {
        self.appliedPosition = appliedPosition
        self.knownHead = knownHead
        self.following = following
        self.lastAppliedAt = lastAppliedAt
    }

    enum CodingKeys: Int, CodingKey { case appliedPosition = 1, knownHead, following, lastAppliedAt }
}
