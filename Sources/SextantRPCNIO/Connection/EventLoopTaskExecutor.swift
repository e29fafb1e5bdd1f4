public import NIOCore

/// Runs Swift tasks on one NIO event loop.
///
/// Handlers started with this executor preference run on the thread that reads their
/// connection, so a call's frames, its handler and its response never cross threads: on a
/// 2-core machine, each avoided hop saves tens of microseconds. Handlers that block (synchronous
/// disk or CPU-heavy work) must not use it; see `NIOServerTransport.Configuration.handlerExecution`.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
