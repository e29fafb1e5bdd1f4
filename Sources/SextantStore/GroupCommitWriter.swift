public import GRDB
import Dispatch
import Synchronization

/// Runs write jobs from many concurrent callers in shared transactions: one commit (and, with
/// ``Durability/full``, one fsync) for every job that arrived while the previous commit was
/// being written. A caller's `write` returns only after the transaction holding its job has
/// committed, so an acknowledgement always follows durability.
///
/// Jobs run one at a time on one thread, in arrival order, each inside its own savepoint: a job
/// that throws is rolled back alone and its caller gets the error; the other jobs of the
/// transaction commit. If the commit itself fails, every job of that transaction gets the error.
public final class GroupCommitWriter: Sendable {
    private let database: DatabasePool
    private let queue = DispatchQueue(label: "sextant.store.group-commit")
    private let state = Mutex(State())
    /// Called on the writer's thread after each commit, before callers resume.
    private let afterCommit: @Sendable () -> Void
    /// Called on the writer's thread after a transaction failed, so in-memory caches can be dropped.
    private let afterRollback: @Sendable () -> Void
    /// Called on the writer's thread after one job's savepoint was rolled back (the job threw, or
    /// its savepoint could not be released), so state the job changed in memory can be dropped.
    private let afterJobFailure: @Sendable () -> Void
    /// At most this many jobs share one transaction.
    public let maximumJobsPerTransaction: Int

    private struct State {
        var pending: [PendingJob] = []
        var draining = false
    }

    public init(
        database: DatabasePool,
        maximumJobsPerTransaction: Int = 64,
        afterCommit: @escaping @Sendable () -> Void = {},
        afterRollback: @escaping @Sendable () -> Void = {},
        afterJobFailure: @escaping @Sendable () -> Void = {}
    ) {
        self.database = database
        self.maximumJobsPerTransaction = maximumJobsPerTransaction
        self.afterCommit = afterCommit
        self.afterRollback = afterRollback
        self.afterJobFailure = afterJobFailure
    }

    /// Runs `job` in the next shared transaction and returns its result once that has committed.
    public func write<Result: Sendable>(_ job: @escaping @Sendable (Database) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let box = JobResult<Result>()
            let pending = PendingJob(
                run: { db in
                    do {
                        var result: Result?
                        try db.inSavepoint {
                            result = try job(db)
                            return .commit
                        }
                        box.value = .success(result!)
                    } catch {
                        box.value = .failure(error)
                        self.afterJobFailure()
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: box.value!)
                    }
                }
            )
            let startDrain = self.state.withLock { state -> Bool in
                state.pending.append(pending)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                self.queue.async { self.drain() }
            }
        }
    }

    /// Commits groups of jobs until none is pending.
    private func drain() {
        while true {
            let jobs = self.state.withLock { state -> [PendingJob] in
                if state.pending.isEmpty {
                    state.draining = false
                    return []
                }
                let count = min(state.pending.count, self.maximumJobsPerTransaction)
                let jobs = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return jobs
            }
            if jobs.isEmpty { return }
            var commitError: (any Error)?
            do {
                try self.database.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        for job in jobs { job.run(db) }
                        return .commit
                    }
                }
                self.afterCommit()
            } catch {
                commitError = error
                self.afterRollback()
            }
            for job in jobs { job.finish(commitError) }
        }
    }
}

/// One queued job: `run` executes it inside the shared transaction, `finish` resumes its caller
/// after the commit (with the commit's error, if any).
private struct PendingJob: Sendable {
    let run: @Sendable (Database) -> Void
    let finish: @Sendable ((any Error)?) -> Void
}

/// Where a job leaves its result between running and its transaction's commit. Only the writer
/// thread touches it, first in `run` and then in `finish`.
private final class JobResult<Value: Sendable>: @unchecked Sendable {
    var value: Result<Value, any Error>?
}
