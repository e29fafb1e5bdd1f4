import NIOConcurrencyHelpers
import SextantRPC

/// Runs an operation with a hard time limit that does not depend on the operation noticing
/// cancellation: when the limit passes, the caller gets `deadlineExceeded` at once, and the
/// operation's task is cancelled and left to finish on its own.
///
/// The RPC client already sends and enforces each call's deadline; this is the gateway's second
/// line, so that no transport, however broken (a peer that accepts a connection and never
/// answers, a connect that never completes), can make an HTTP request hang.
enum Deadline {
    static func run<T: Sendable>(
        within limit: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let once = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
        let tasks = NIOLockedValueBox<(work: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))
        @Sendable func finish(_ result: Result<T, any Error>) {
            guard let continuation = once.withLockedValue({ value -> CheckedContinuation<T, any Error>? in
                defer { value = nil }
                return value
            }) else { return }
            let (work, timer) = tasks.withLockedValue { $0 }
            work?.cancel()
            timer?.cancel()
            continuation.resume(with: result)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                once.withLockedValue { $0 = continuation }
                let work = Task {
                    do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: limit)
                    guard !Task.isCancelled else { return }
                    finish(.failure(RPCError(code: .deadlineExceeded, message: "no answer within \(limit)")))
                }
                tasks.withLockedValue { $0 = (work, timer) }
                // A result may have arrived before the tasks were recorded: cancel them now.
                if once.withLockedValue({ $0 == nil }) {
                    work.cancel()
                    timer.cancel()
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }
}
