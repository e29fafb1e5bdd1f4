import Crypto
import Foundation

/// The secret of an API key: `sxt_<id>_<random>`, where `<id>` is the key's public id (12
/// base62 characters) and `<random>` is 43 base62 characters drawn from the system's secure
/// random source (about 256 bits). Only the SHA-256 of the whole secret is stored.
struct APIKeySecret: Sendable, Hashable {
    static let prefix = "sxt_"
    static let idLength = 12
    static let randomLength = 43
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The key id the secret names.
    let id: String
    /// The whole secret as the client sends it.
    let text: String

    /// A new random secret with a new random id.
    static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        let id = Self.randomBase62(count: Self.idLength, using: &generator)
        let random = Self.randomBase62(count: Self.randomLength, using: &generator)
        return APIKeySecret(id: id, text: Self.prefix + id + "_" + random)
    }

    /// Reads a secret a client sent; nil when it is not shaped like one.
    init?(parsing text: String) {
        let bytes = Array(text.utf8)
        let expected = Self.prefix.utf8.count + Self.idLength + 1 + Self.randomLength
        guard bytes.count == expected, text.hasPrefix(Self.prefix) else { return nil }
        let idStart = Self.prefix.utf8.count
        let separator = idStart + Self.idLength
        guard bytes[separator] == UInt8(ascii: "_") else { return nil }
        let id = bytes[idStart..<separator]
        let random = bytes[(separator + 1)...]
        guard id.allSatisfy(Self.isBase62), random.allSatisfy(Self.isBase62) else { return nil }
        self.id = String(decoding: id, as: UTF8.self)
        self.text = text
    }

    private init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    /// SHA-256 of the secret's UTF-8 bytes: what the key store keeps.
    var hash: [UInt8] { Array(SHA256.hash(data: Array(self.text.utf8))) }

    /// Compares two hashes in time independent of where they differ.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    static func isBase62(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    /// Uniform base62 characters by rejection sampling (248 = 4 × 62 keeps every character equally likely).
    static func randomBase62(count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        while characters.count < count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { characters.append(Self.alphabet[Int(byte % 62)]) }
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
