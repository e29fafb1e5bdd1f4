import NIOConcurrencyHelpers

/// The open streams of one connection, by id, reachable from the event loop and from the tasks
/// that finish calls.
final class StreamTable<Stream: Sendable>: Sendable {
    private let streams = NIOLockedValueBox<[UInt32: Stream]>([:])

    subscript(id: UInt32) -> Stream? {
        self.streams.withLockedValue { $0[id] }
    }

    var count: Int {
        self.streams.withLockedValue { $0.count }
    }

    func insert(_ stream: Stream, id: UInt32) {
        self.streams.withLockedValue { $0[id] = stream }
    }

    @discardableResult
    func remove(_ id: UInt32) -> Stream? {
        self.streams.withLockedValue { $0.removeValue(forKey: id) }
    }

    /// Removes and returns every stream (the connection is closing).
    func removeAll() -> [Stream] {
        self.streams.withLockedValue { streams in
            defer { streams.removeAll() }
            return Array(streams.values)
        }
    }

    /// Removes and returns the streams with ids above `id` (refused by a GOAWAY).
    func removeAll(above id: UInt32) -> [Stream] {
        self.streams.withLockedValue { streams in
            let refused = streams.filter { $0.key > id }
            for key in refused.keys { streams.removeValue(forKey: key) }
            return Array(refused.values)
        }
    }
}
