/// The rate limiter's decisions as a plain value: per client, two fixed windows (a short burst
/// window and a long steady one), each counting requests from the first request after the
/// previous window ended. Times are offsets from any fixed origin, so tests drive it with plain
/// numbers.
///
/// A request is admitted only if both windows have room; an admitted request counts in both, a
/// refused one in neither. The headers describe the tighter window: the one with fewer requests
/// left (on a tie, the one that resets later); a refusal reports the window that refused it
/// (the later-resetting one when both did).
struct RateLimitState: Sendable {
    struct Window: Sendable, Hashable {
        var limit: Int
        var length: Duration
    }

    struct Decision: Sendable, Hashable {
        var allowed: Bool
        /// The reported window's limit.
        var limit: Int
        /// Requests left in the reported window after this one.
        var remaining: Int
        /// Whole seconds (rounded up) until the reported window resets.
        var resetSeconds: Int
        /// For a refusal: whole seconds until a request can be admitted.
        var retryAfterSeconds: Int?
    }

    private struct Counter: Sendable {
        var start: Duration
        var count: Int
    }

    private struct Client: Sendable {
        var burst: Counter
        var steady: Counter
        var lastSeen: Duration
    }

    let burst: Window
    let steady: Window
    /// When more clients than this are tracked, idle ones (whose windows have both ended) are
    /// dropped; memory stays proportional to the clients active in the last steady window.
    let maximumClients: Int
    private var clients: [String: Client] = [:]
    private var admittedSinceSweep = 0

    init(burst: Window, steady: Window, maximumClients: Int) {
        self.burst = burst
        self.steady = steady
        self.maximumClients = maximumClients
    }

    var trackedClients: Int { self.clients.count }

    mutating func admit(_ key: String, now: Duration) -> Decision {
        self.sweepIfNeeded(now: now)
        var client = self.clients[key] ?? Client(burst: Counter(start: now, count: 0), steady: Counter(start: now, count: 0), lastSeen: now)
        Self.roll(&client.burst, window: self.burst, now: now)
        Self.roll(&client.steady, window: self.steady, now: now)
        client.lastSeen = now

        let burstFull = client.burst.count >= self.burst.limit
        let steadyFull = client.steady.count >= self.steady.limit
        let burstReset = Self.seconds(client.burst.start + self.burst.length - now)
        let steadyReset = Self.seconds(client.steady.start + self.steady.length - now)
        let decision: Decision
        if burstFull || steadyFull {
            let useSteady = steadyFull && (!burstFull || steadyReset >= burstReset)
            let reset = useSteady ? steadyReset : burstReset
            decision = Decision(
                allowed: false, limit: useSteady ? self.steady.limit : self.burst.limit, remaining: 0, resetSeconds: reset,
                retryAfterSeconds: max(reset, 1))
        } else {
            client.burst.count += 1
            client.steady.count += 1
            let burstLeft = self.burst.limit - client.burst.count
            let steadyLeft = self.steady.limit - client.steady.count
            let useSteady = steadyLeft < burstLeft || (steadyLeft == burstLeft && steadyReset >= burstReset)
            decision = Decision(
                allowed: true, limit: useSteady ? self.steady.limit : self.burst.limit,
                remaining: useSteady ? steadyLeft : burstLeft, resetSeconds: useSteady ? steadyReset : burstReset,
                retryAfterSeconds: nil)
        }
        self.clients[key] = client
        return decision
    }

    private static func roll(_ counter: inout Counter, window: Window, now: Duration) {
        if now >= counter.start + window.length || now < counter.start {
            counter = Counter(start: now, count: 0)
        }
    }

    /// Whole seconds, rounded up, never negative.
    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// Drops clients idle for a whole steady window once the table is over its bound, checked
    /// every 1,024 admissions and whenever the bound is crossed.
    private mutating func sweepIfNeeded(now: Duration) {
        self.admittedSinceSweep += 1
        guard self.clients.count >= self.maximumClients || self.admittedSinceSweep >= 1_024 else { return }
        self.admittedSinceSweep = 0
        let longest = max(self.burst.length, self.steady.length)
        self.clients = self.clients.filter { now - $0.value.lastSeen < longest }
        if self.clients.count >= self.maximumClients {
            // Every tracked client was active within the window: forget the least recent half
            // rather than grow without bound (they may get a fresh window early).
            let keep = self.clients.sorted { $0.value.lastSeen > $1.value.lastSeen }.prefix(self.maximumClients / 2)
            self.clients = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
