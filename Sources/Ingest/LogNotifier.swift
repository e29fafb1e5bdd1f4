import Synchronization

/// Wakes live subscribers when the log head moves past the position they have delivered.
final class LogNotifier: Sendable {
    private struct State {
        var head: UInt64 = 0
        var closed = false
        var nextWaiter = 0
        var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state = Mutex(State())

    init(head: UInt64) {
        self.state.withLock { $0.head = head }
    }

    var head: UInt64 { self.state.withLock { $0.head } }

    /// True once ``close()`` was called: waits return at once.
    var isClosed: Bool { self.state.withLock { $0.closed } }

    /// Releases every waiter for good (the service is shutting down).
    func close() {
        let waiting = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Records a new head and resumes every waiter it satisfies.
    func advance(to head: UInt64) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard head > state.head else { return [] }
            state.head = head
            let due = state.waiters.filter { $0.value.after < head }
            for key in due.keys { state.waiters.removeValue(forKey: key) }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns when the head is past `position`, or when the task is cancelled.
    func wait(after position: UInt64) async {
        let id = self.state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.head > position || state.closed || Task.isCancelled { return true }
                    state.waiters[id] = (position, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
