import ArgumentParser
import Foundation
import SextantTesting
import SextantWire

/// Encodes and decodes the typical event with the wire codec and with Foundation's JSON coders,
/// one after the other on one thread, and prints rates and sizes.
struct CodecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codec", abstract: "Wire codec vs JSONEncoder/JSONDecoder.")

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 3

    @Flag(help: "Leave the properties object empty (to see what it costs).")
    var emptyProperties = false

    @Flag(help: "Measure only the wire codec (for profiling).")
    var wireOnly = false

    func run() throws {
        var event = SampleEvent.example
        if self.emptyProperties { event.properties = [:] }
        let wireEncoder = WireEncoder()
        let wireDecoder = WireDecoder()
        let jsonEncoder = JSONEncoder()
        let jsonDecoder = JSONDecoder()
        let wireBytes = try wireEncoder.encode(event)
        let jsonBytes = try jsonEncoder.encode(event)
        let wireDecoded = try wireDecoder.decode(SampleEvent.self, from: wireBytes)
        let jsonDecoded = try jsonDecoder.decode(SampleEvent.self, from: jsonBytes)
        precondition(wireDecoded == event && jsonDecoded == event, "a codec lost information")

        let wireEncode = try Self.rate(seconds: self.seconds) { _ = try wireEncoder.encode(event) }
        let wireDecode = try Self.rate(seconds: self.seconds) { _ = try wireDecoder.decode(SampleEvent.self, from: wireBytes) }
        let jsonSeconds = self.wireOnly ? 0.01 : self.seconds
        let jsonEncode = try Self.rate(seconds: jsonSeconds) { _ = try jsonEncoder.encode(event) }
        let jsonDecode = try Self.rate(seconds: jsonSeconds) { _ = try jsonDecoder.decode(SampleEvent.self, from: jsonBytes) }

        let result: [String: Any] = [
            "bench": "codec",
            "message": "SampleEvent (15 fields, nested identifiers, properties with 2 items)",
            "wire_bytes": wireBytes.count,
            "json_bytes": jsonBytes.count,
            "size_ratio": Self.round(Double(wireBytes.count) / Double(jsonBytes.count), 3),
            "wire_encode_per_s": wireEncode.rounded(),
            "wire_decode_per_s": wireDecode.rounded(),
            "json_encode_per_s": jsonEncode.rounded(),
            "json_decode_per_s": jsonDecode.rounded(),
            "encode_speedup": Self.round(wireEncode / jsonEncode, 2),
            "decode_speedup": Self.round(wireDecode / jsonDecode, 2),
        ]
        let line = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: line, as: UTF8.self))
    }

    /// Operations per second of `body`, run in batches until `seconds` have passed (after a warm-up).
    static func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<2_000 { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        let budget = Duration.milliseconds(Int64(seconds * 1000))
        var operations = 0
        while clock.now - start < budget {
            for _ in 0..<1_000 { try body() }
            operations += 1_000
        }
        let elapsed = clock.now - start
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(operations) / secondsElapsed
    }

    static func round(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded() / scale
    }
}
