import NIOCore
import SextantWire

/// Pings a silent connection and closes it if the peer stays silent.
///
/// Every ``interval`` the connection is checked: if no frame arrived since the last check, a PING
/// goes out; if nothing at all arrives within ``timeout`` after it, the connection is closed
/// with GOAWAY `KEEPALIVE_TIMEOUT`. Loop-bound: created and used on the connection's event loop.
final class Keepalive {
    private let channel: any Channel
    private let outbox: FrameOutbox
    private let timeout: TimeAmount
    private var framesSinceCheck = 0
    private var task: RepeatedTask?

    init(context: ChannelHandlerContext, interval: TimeAmount, timeout: TimeAmount, outbox: FrameOutbox) {
        self.channel = context.channel
        self.outbox = outbox
        self.timeout = timeout
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        self.task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.check()
        }
    }

    /// Any frame proves the peer alive.
    @inline(__always)
    func frameReceived() {
        self.framesSinceCheck &+= 1
    }

    func stop() {
        self.task?.cancel()
        self.task = nil
    }

    private func check() {
        guard self.framesSinceCheck == 0 else {
            self.framesSinceCheck = 0
            return
        }
        var payload = ByteBuffer()
        payload.writeInteger(UInt64(0x5358_5450_494E_4721))  // "SXTPING!": opaque to the peer
        self.outbox.enqueue(kind: .ping, streamID: 0, payload: payload)
        let bound = NIOLoopBound(self, eventLoop: self.channel.eventLoop)
        self.channel.eventLoop.scheduleTask(in: self.timeout) {
            bound.value.timeoutElapsed()
        }
    }

    private func timeoutElapsed() {
        guard self.framesSinceCheck == 0, self.task != nil else { return }
        self.outbox.enqueue(
            kind: .goAway,
            streamID: 0,
            value: GoAway(lastStreamID: 0, errorCode: .keepaliveTimeout, message: "no frame within the keepalive timeout")
        )
        self.outbox.flush()
        self.channel.close(promise: nil)
    }
}
