#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What precedes a value that is about to be written: a field key, an element header, or nothing
/// (the top-level payload).
enum PendingHeader {
    case topLevel
    case field(UInt64)
    case element
}

/// The output of one `WireEncoder.encode` call: the bytes, the stack of length-delimited regions
/// still open, and the coding path.
///
/// Values are streamed straight into `bytes`. A nested message or sequence reserves one byte for
/// its length and becomes an open region; it is closed (its length patched in, the body moved
/// only when the length needs more than one byte) as soon as anything is written to an enclosing
/// container. Synthesized `Codable` always fills containers in that nested order; a container used
/// after a sibling started is reported as an error rather than silently mis-encoded.
final class WireEncodingState {
    private struct Region {
        var serial: Int
        var bodyStart: Int
    }

    /// Serial of the top-level region, which has no length prefix and never closes early.
    static let topLevelRegion = 0

    var bytes: [UInt8] = []
    private var openRegions: [Region] = []
    private var nextSerial = 1
    /// Keys from the root to the value being encoded; containers remember their depth in it.
    private(set) var pathKeys: [any CodingKey] = []
    let userInfo: [CodingUserInfoKey: Any]
    /// An error raised where the `Encoder` API cannot throw (`container(keyedBy:)`); thrown at the end.
    var deferredError: EncodingError?

    init(userInfo: [CodingUserInfoKey: any Sendable]) {
        self.userInfo = userInfo
        self.bytes.reserveCapacity(128)
    }

    // MARK: Top level

    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        try self.encodeValue(value, header: .topLevel, region: Self.topLevelRegion, depth: 0)
        try self.activate(Self.topLevelRegion, depth: 0)
        if let error = self.deferredError { throw error }
    }

    // MARK: Coding path

    func codingPath(depth: Int) -> [any CodingKey] {
        Array(self.pathKeys.prefix(depth))
    }

    func push(_ key: any CodingKey, depth: Int) {
        // Keep the stack exactly `depth` long before pushing, whatever happened underneath.
        while self.pathKeys.count > depth { self.pathKeys.removeLast() }
        self.pathKeys.append(key)
    }

    func pop(depth: Int) {
        while self.pathKeys.count > depth { self.pathKeys.removeLast() }
    }

    // MARK: Regions

    /// Makes `serial` the innermost open region, closing any regions opened inside it since.
    /// - Throws: When `serial` was already closed: its container is being used out of order.
    @inline(__always)
    func activate(_ serial: Int, depth: Int) throws {
        if let last = self.openRegions.last {
            if last.serial == serial { return }
        } else if serial == Self.topLevelRegion {
            return
        }
        try self.activateSlow(serial, depth: depth)
    }

    private func activateSlow(_ serial: Int, depth: Int) throws {
        if serial != Self.topLevelRegion {
            guard self.openRegions.contains(where: { $0.serial == serial }) else {
                throw EncodingError.invalidValue(
                    serial,
                    EncodingError.Context(
                        codingPath: self.codingPath(depth: depth),
                        debugDescription:
                            "a container was written to after a sibling value was started; the wire encoder needs containers filled in nested order"
                    )
                )
            }
        }
        while let last = self.openRegions.last, last.serial != serial {
            self.closeInnermostRegion()
        }
    }

    /// Reserves a length byte and opens a region for a length-delimited body.
    func openRegion() -> Int {
        self.bytes.append(0)
        let serial = self.nextSerial
        self.nextSerial += 1
        self.openRegions.append(Region(serial: serial, bodyStart: self.bytes.count))
        return serial
    }

    func isOpen(_ serial: Int) -> Bool {
        serial == Self.topLevelRegion || self.openRegions.contains(where: { $0.serial == serial })
    }

    /// Closes `serial` and everything opened inside it, if it is still open.
    func close(_ serial: Int) {
        guard serial != Self.topLevelRegion, self.openRegions.contains(where: { $0.serial == serial }) else {
            return
        }
        while let last = self.openRegions.last {
            self.closeInnermostRegion()
            if last.serial == serial { break }
        }
    }

    private func closeInnermostRegion() {
        let region = self.openRegions.removeLast()
        let length = self.bytes.count - region.bodyStart
        if length < 0x80 {
            self.bytes[region.bodyStart - 1] = UInt8(truncatingIfNeeded: length)
            return
        }
        // The reserved byte is too small: make room for the longer varint, then write it.
        let size = Varint.encodedSize(of: UInt64(length))
        self.bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: region.bodyStart)
        var value = UInt64(length)
        var index = region.bodyStart - 1
        while value >= 0x80 {
            self.bytes[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            index += 1
        }
        self.bytes[index] = UInt8(truncatingIfNeeded: value)
    }

    // MARK: Primitive writes

    @inline(__always)
    func writeHeader(_ header: PendingHeader, _ wireType: WireType) {
        switch header {
        case .topLevel:
            break
        case .field(let number):
            Varint.append(number << 3 | UInt64(wireType.rawValue), to: &self.bytes)
        case .element:
            self.bytes.append(wireType.rawValue)
        }
    }

    @inline(__always)
    func writeVarint(_ value: UInt64) {
        Varint.append(value, to: &self.bytes)
    }

    @inline(__always)
    func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    /// Writes a length-delimited value; at the top level the length prefix is left out.
    @inline(__always)
    func writeLengthDelimited(_ header: PendingHeader, _ body: some Collection<UInt8>) {
        self.writeHeader(header, .lengthDelimited)
        if case .topLevel = header {
        } else {
            Varint.append(UInt64(body.count), to: &self.bytes)
        }
        self.bytes.append(contentsOf: body)
    }

    func writeString(_ header: PendingHeader, _ value: String) {
        var value = value
        value.withUTF8 { self.writeLengthDelimited(header, $0) }
    }

    // MARK: Generic values

    /// Encodes one value of any type behind `header`, in `region`.
    ///
    /// Types with a fixed wire representation (strings, bytes, dates, decimals, UUIDs, URLs,
    /// dictionaries) are written directly; anything else encodes itself through a child encoder.
    func encodeValue<T: Encodable>(
        _ value: T,
        header: PendingHeader,
        region: Int,
        depth: Int
    ) throws {
        try self.activate(region, depth: depth)
        // `same(_:as:)` reinterprets a value whose type was just checked to be equal: no dynamic cast.
        if T.self == String.self {
            self.writeString(header, same(value, as: String.self))
        } else if T.self == [UInt8].self {
            self.writeLengthDelimited(header, same(value, as: [UInt8].self))
        } else if T.self == Data.self {
            self.writeLengthDelimited(header, same(value, as: Data.self))
        } else if T.self == Date.self {
            self.writeHeader(header, .fixed64)
            self.writeFixed64(same(value, as: Date.self).timeIntervalSinceReferenceDate.bitPattern)
        } else if T.self == Decimal.self {
            let decimal = same(value, as: Decimal.self)
            guard let text = WireDecimal.text(of: decimal) else {
                throw EncodingError.invalidValue(
                    value,
                    EncodingError.Context(
                        codingPath: self.codingPath(depth: depth),
                        debugDescription: "a NaN Decimal cannot be encoded"
                    )
                )
            }
            self.writeString(header, text)
        } else if T.self == UUID.self {
            let uuid = same(value, as: UUID.self).uuid
            withUnsafeBytes(of: uuid) { self.writeLengthDelimited(header, $0) }
        } else if T.self == URL.self {
            self.writeString(header, same(value, as: URL.self).absoluteString)
        } else if T.self == [String: JSONValue].self {
            // Event and profile properties: the bytes of the dictionary path below, without a
            // container and two generic calls per entry.
            let properties = same(value, as: [String: JSONValue].self)
            self.writeHeader(header, .lengthDelimited)
            let serial = self.isTopLevel(header) ? Self.topLevelRegion : self.openRegion()
            for key in properties.keys.sorted() {
                self.writeString(.element, key)
                self.writeHeader(.element, .lengthDelimited)
                let entry = self.openRegion()
                try JSONValueCoding.write(properties[key]!, into: &self.bytes, path: { self.codingPath(depth: depth) })
                self.close(entry)
            }
            self.close(serial)
        } else if let dictionary = value as? any WireEncodableDictionary {
            self.writeHeader(header, .lengthDelimited)
            let serial = self.isTopLevel(header) ? Self.topLevelRegion : self.openRegion()
            var container = WireUnkeyedEncodingContainer(state: self, region: serial, depth: depth)
            try dictionary.wireEncodeEntries(into: &container)
            self.close(serial)
        } else {
            let encoder = WireValueEncoder(state: self, header: header, parentRegion: region, depth: depth)
            try value.encode(to: encoder)
            try encoder.finish()
        }
    }

    @inline(__always)
    func isTopLevel(_ header: PendingHeader) -> Bool {
        if case .topLevel = header { return true }
        return false
    }

    /// The field number of `key`, or an error naming the key type and the key.
    @inline(__always)
    func fieldNumber<Key: CodingKey>(_ key: Key, depth: Int) throws -> UInt64 {
        if let number = key.intValue, number >= 1, number <= FieldNumber.maximum {
            return UInt64(number)
        }
        throw self.invalidKey(key, depth: depth)
    }

    private func invalidKey<Key: CodingKey>(_ key: Key, depth: Int) -> EncodingError {
        let problem: String
        if let number = key.intValue {
            problem = "has field number \(number), outside 1...\(FieldNumber.maximum)"
        } else {
            problem = "has no integer value; declare the coding keys as `enum CodingKeys: Int, CodingKey`"
        }
        return EncodingError.invalidValue(
            key.stringValue,
            EncodingError.Context(
                codingPath: self.codingPath(depth: depth) + [key],
                debugDescription: "coding key '\(key.stringValue)' of \(String(reflecting: Key.self)) \(problem)"
            )
        )
    }
}

/// Reinterprets `value` as `U` when the caller has checked that `T` and `U` are the same type,
/// avoiding the runtime's dynamic cast on the codec's hottest paths.
@inline(__always)
func same<T, U>(_ value: T, as type: U.Type) -> U {
    assert(T.self == U.self)
    return unsafeBitCast(value, to: U.self)
}
