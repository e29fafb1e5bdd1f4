import Foundation
public import Logging
import NIOConcurrencyHelpers
public import SextantContracts
public import SextantRPC

/// What a service does with the ingest log: applies batches of entries, in order, and persists
/// its position with their effects (see `SextantStore.LogCursor`).
public protocol LogApplier: Sendable {
    /// The last position whose effects are durable (0 before any): following resumes after it.
    func appliedPosition() async throws -> UInt64
    /// Applies `entries` (consecutive, in position order, all after ``appliedPosition()``) and
    /// records the last one's position in the same transaction.
    func apply(_ entries: [LogEntry]) async throws
}

/// Follows ingest-service's log for one consuming service: subscribes after the applied
/// position with `follow`, applies each batch, and on any failure (ingest down, connection lost,
/// a stream that ends) waits and subscribes again from the persisted position, with exponential
/// backoff from ``Configuration/initialBackoff`` to ``Configuration/maximumBackoff``.
///
/// An entry the applier cannot apply stops the follower on that entry (it retries with backoff,
/// logging the error each time) rather than skipping it: a consumer never silently loses one.
public final class LogFollower: Sendable {
    public struct Configuration: Sendable {
        /// Entries per subscription message (default 1,000).
        public var batchSize: UInt32 = 1_000
        /// First wait after a failure (default 200 ms).
        public var initialBackoff: Duration = .milliseconds(200)
        /// Longest wait between attempts (default 5 s).
        public var maximumBackoff: Duration = .seconds(5)

        public init() {}
    }

    private struct State {
        var applied: UInt64 = 0
        var head: UInt64 = 0
        var following = false
        var lastAppliedAt: Date?
        var lastError: String?
    }

    private let client: RPCClient
    private let applier: any LogApplier
    private let configuration: Configuration
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    public init(client: RPCClient, applier: any LogApplier, configuration: Configuration = .init(), logger: Logger) {
        self.client = client
        self.applier = applier
        self.configuration = configuration
        self.logger = logger
    }

    /// How far the follower is, for the service's `Progress` method.
    public var progress: ProgressResponse {
        self.state.withLockedValue {
            ProgressResponse(appliedPosition: $0.applied, knownHead: $0.head, following: $0.following, lastAppliedAt: $0.lastAppliedAt)
        }
    }

    /// The last failure, if the follower is not following.
    public var lastError: String? {
        self.state.withLockedValue { $0.following ? nil : $0.lastError }
    }

    /// Follows until the task is cancelled.
    public func run() async {
        var backoff = self.configuration.initialBackoff
        while !Task.isCancelled {
            do {
                try await self.followOnce {
                    backoff = self.configuration.initialBackoff
                }
                // The server ended the subscription (it is shutting down): subscribe again.
                self.logger.info("log subscription ended by ingest-service; resubscribing")
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                self.state.withLockedValue {
                    $0.following = false
                    $0.lastError = "\(error)"
                }
                self.logger.warning("following the ingest log failed; retrying", metadata: [
                    "error": "\(error)", "retryIn": "\(backoff)",
                ])
            }
            self.state.withLockedValue { $0.following = false }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                break
            }
            backoff = min(backoff * 2, self.configuration.maximumBackoff)
        }
    }

    /// One subscription: from the persisted position until it ends or fails.
    private func followOnce(onProgress: () -> Void) async throws {
        let start = try await self.applier.appliedPosition()
        self.state.withLockedValue { $0.applied = start }
        let request = SubscribeRequest(after: start, accountID: nil, follow: true, batchSize: self.configuration.batchSize)
        try await self.client.serverStreaming(IngestService.subscribe, request) { stream in
            self.state.withLockedValue {
                $0.following = true
                $0.lastError = nil
            }
            var expectedAfter = start
            for try await batch in stream {
                if let first = batch.entries.first, first.position <= expectedAfter {
                    throw RPCError(code: .internalError, message: "log entry \(first.position) arrived after \(expectedAfter): out of order")
                }
                if !batch.entries.isEmpty {
                    try await self.applier.apply(batch.entries)
                    expectedAfter = batch.entries[batch.entries.count - 1].position
                }
                let applied = expectedAfter
                self.state.withLockedValue {
                    $0.applied = applied
                    $0.head = max($0.head, batch.head)
                    if !batch.entries.isEmpty { $0.lastAppliedAt = Date() }
                }
                onProgress()
            }
        }
    }
}
