public import Foundation

/// One file of proto-spec/vectors/ (the informative `value` key is not read).
public struct GoldenVectorFile: Decodable, Sendable {
    /// Which way a test checks the vector: both, or decoding only.
    public enum Direction: String, Decodable, Sendable {
        case both, decode
    }

    public var name: String
    public var description: String
    public var kind: String
    public var direction: Direction?
    public var type: String
    public var hex: String
}

/// Reads `proto-spec/vectors/`: the golden vectors every implementation is checked against.
public enum GoldenVectorFiles {
    /// `proto-spec/vectors`, found from this source file's location.
    public static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // SextantTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("proto-spec")
            .appendingPathComponent("vectors")
    }

    /// The vector files whose `kind` is one of `kinds`, by file name without `.json`.
    public static func load(kinds: Set<String>) throws -> [String: GoldenVectorFile] {
        var files: [String: GoldenVectorFile] = [:]
        for entry in try FileManager.default.contentsOfDirectory(atPath: self.directory.path) where entry.hasSuffix(".json") {
            let data = try Data(contentsOf: self.directory.appendingPathComponent(entry))
            let file = try JSONDecoder().decode(GoldenVectorFile.self, from: data)
            guard kinds.contains(file.kind) else { continue }
            files[String(entry.dropLast(".json".count))] = file
        }
        return files
    }

    /// The bytes of lowercase hex text, or `nil` if it is not hex pairs.
    public static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Lowercase hex text of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
