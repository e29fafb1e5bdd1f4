import ArgumentParser
import Foundation
import Histogram
import NIOConcurrencyHelpers
import SextantRPC
import SextantRPCNIO

/// Drives the bench server over one mTLS connection and prints one JSON line of results.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "client", abstract: "Load the bench server and report.")

    enum Mode: String, ExpressibleByArgument {
        case unary, stream
    }

    @Option var port: Int = 50571
    @Flag(help: "Accepted for compatibility: always mutual TLS.") var tls = false
    @Option var mode: Mode = .unary
    @Option(help: "Payload bytes per message.") var payload = 100
    @Option(help: "Concurrent calls (unary).") var concurrency = 1
    @Option(help: "Measured seconds.") var seconds: Double = 5
    @Option(help: "Warm-up seconds before measuring.") var warmup: Double = 2
    @Option(help: "Directory with the suite CA and bench-client certificate.") var certsDir = "/tmp/sextant-bench-certs"
    @Option(help: "The server's pid, to read its CPU time from /proc.") var serverPid: Int32?
    @Option(help: "Free-form label copied into the output.") var label = ""

    func run() async throws {
        let identity = try TLSIdentity.load(BenchIdentities.client, from: self.certsDir)
        let transport = try NIOClientTransport(host: "127.0.0.1", port: self.port, tls: identity, server: BenchIdentities.server)
        let client = RPCClient(transport: transport)
        let payload = [UInt8](repeating: 0x61, count: self.payload)
        _ = try await client.unary(BenchService.echo, BenchMessage(payload: payload, count: 0))

        let measurement: Measurement
        switch self.mode {
        case .unary:
            measurement = try await self.runUnary(client: client, executor: transport.executor, payload: payload)
        case .stream:
            measurement = try await self.runStream(client: client, executor: transport.executor, payload: payload)
        }
        await transport.close()
        print(self.report(measurement))
    }

    struct Measurement {
        var calls = 0
        var messages = 0
        var errors = 0
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        var elapsed: Duration = .zero
        var clientCPU = 0.0
        var serverCPU: Double?
    }

    /// CPU seconds of this process and the server, now.
    private func cpuNow() -> (Double, Double?) {
        (ProcessCPU.seconds() ?? 0, self.serverPid.flatMap { ProcessCPU.seconds(pid: $0) })
    }

    private func runUnary(client: RPCClient, executor: EventLoopTaskExecutor, payload: [UInt8]) async throws -> Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start + .milliseconds(Int64(self.warmup * 1000))
        let measureUntil = measureFrom + .milliseconds(Int64(self.seconds * 1000))
        let request = BenchMessage(payload: payload, count: 0)
        let cpuStart = NIOLockedValueBox<(Double, Double?)?>(nil)
        let cpuEnd = NIOLockedValueBox<(Double, Double?)?>(nil)

        // Every worker runs on the connection's event loop: no thread hop between a call and its reply.
        let results = try await withThrowingTaskGroup(of: Measurement.self) { group in
            for _ in 0..<self.concurrency {
                group.addTask(executorPreference: executor) {
                    var local = Measurement()
                    while true {
                        let begin = clock.now
                        if begin >= measureUntil { break }
                        do {
                            let reply = try await client.unary(BenchService.echo, request)
                            precondition(reply.payload.count == payload.count, "echo changed the payload")
                        } catch {
                            local.errors += 1
                        }
                        let end = clock.now
                        if begin >= measureFrom && end <= measureUntil {
                            local.calls += 1
                            let (seconds, attoseconds) = (end - begin).components
                            _ = local.histogram.record(UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
                        }
                    }
                    return local
                }
            }
            group.addTask {
                try await clock.sleep(until: measureFrom)
                cpuStart.withLockedValue { $0 = self.cpuNow() }
                try await clock.sleep(until: measureUntil)
                cpuEnd.withLockedValue { $0 = self.cpuNow() }
                return Measurement()
            }
            var total = Measurement()
            for try await part in group {
                total.calls += part.calls
                total.errors += part.errors
                total.histogram.add(part.histogram)
            }
            return total
        }
        var measurement = results
        measurement.messages = results.calls
        measurement.elapsed = measureUntil - measureFrom
        self.attachCPU(&measurement, start: cpuStart.withLockedValue { $0 }, end: cpuEnd.withLockedValue { $0 })
        return measurement
    }

    private func runStream(client: RPCClient, executor: EventLoopTaskExecutor, payload: [UInt8]) async throws -> Measurement {
        let clock = ContinuousClock()
        let seconds = self.seconds
        let warmup = self.warmup
        let task = Task(executorPreference: executor) { () throws -> Measurement in
            var measurement = Measurement()
            var sent: Int64 = 0
            var measured = 0
            var cpuStart: (Double, Double?)?
            var cpuEnd: (Double, Double?)?
            let message = BenchMessage(payload: payload, count: 0)
            let batch = [BenchMessage](repeating: message, count: 64)
            var measureFrom = clock.now
            let reply = try await client.clientStreaming(BenchService.ingest) { writer in
                let start = clock.now
                measureFrom = start + .milliseconds(Int64(warmup * 1000))
                let measureUntil = measureFrom + .milliseconds(Int64(seconds * 1000))
                var measuring = false
                while true {
                    // Check the clock once per 256 messages; write them as batches of 64 (bulk ingest's path).
                    for _ in 0..<4 {
                        try await writer.write(contentsOf: batch)
                    }
                    sent += 256
                    if measuring { measured += 256 }
                    let now = clock.now
                    if !measuring && now >= measureFrom {
                        measuring = true
                        measureFrom = now
                        cpuStart = self.cpuNow()
                    }
                    if now >= measureUntil {
                        measurement.elapsed = now - measureFrom
                        cpuEnd = self.cpuNow()
                        break
                    }
                }
            }
            precondition(reply.count == sent, "server counted \(reply.count) of \(sent) messages")
            measurement.messages = measured
            measurement.calls = 1
            self.attachCPU(&measurement, start: cpuStart, end: cpuEnd)
            return measurement
        }
        return try await task.value
    }

    private func attachCPU(_ measurement: inout Measurement, start: (Double, Double?)?, end: (Double, Double?)?) {
        guard let start, let end else { return }
        let wall = Self.seconds(measurement.elapsed)
        measurement.clientCPU = (end.0 - start.0) / wall
        if let serverStart = start.1, let serverEnd = end.1 {
            measurement.serverCPU = (serverEnd - serverStart) / wall
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func report(_ m: Measurement) -> String {
        let elapsed = Self.seconds(m.elapsed)
        let rate = Double(m.messages) / elapsed
        func us(_ nanoseconds: UInt64) -> Double { (Double(nanoseconds) / 100).rounded() / 10 }
        var result: [String: Any] = [
            "impl": "sextant",
            "transport": "sextant-rpc+nio-ssl-mtls",
            "mode": self.mode.rawValue,
            "tls": true,
            "payload": self.payload,
            "concurrency": self.mode == .unary ? self.concurrency : 1,
            "connections": 1,
            "seconds": self.seconds,
            "warmup_s": self.warmup,
            "elapsed_s": (elapsed * 1000).rounded() / 1000,
            "rpcs": m.calls,
            "messages": m.messages,
            "errors": m.errors,
            "rps": (Double(m.calls) / elapsed).rounded(),
            "msgs_per_s": rate.rounded(),
            "client_cpu": (m.clientCPU * 100).rounded() / 100,
            "label": self.label,
        ]
        if self.mode == .unary {
            result["latency_kind"] = "rpc"
            result["latency_samples"] = m.histogram.totalCount
            result["p50_us"] = us(m.histogram.valueAtPercentile(50))
            result["p90_us"] = us(m.histogram.valueAtPercentile(90))
            result["p99_us"] = us(m.histogram.valueAtPercentile(99))
            result["p999_us"] = us(m.histogram.valueAtPercentile(99.9))
            result["max_us"] = us(m.histogram.max)
        }
        if let server = m.serverCPU {
            result["server_cpu"] = (server * 100).rounded() / 100
            result["cpu_us_per_msg"] = rate > 0 ? ((m.clientCPU + server) / rate * 1e7).rounded() / 10 : 0
        }
        let data = try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
