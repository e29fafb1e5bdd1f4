/// Reads one top-level field of an encoded message without decoding the message: for hot paths
/// that must look at one field (a log entry's metric) of many messages and decode only the few
/// they need. It walks the fields with the same rules as ``WireDecoder`` (proto-spec/encoding.md
/// §5): a key, then a value whose end the wire type gives; if a number appears twice, the last
/// occurrence wins.
public enum WireFieldPeek {
    /// The UTF-8 text of length-delimited field `number`, nil when the message has no such field.
    /// Throws ``WireFieldPeek/Failure`` on a malformed message or a field of another wire type.
    public static func string(field number: Int, in bytes: [UInt8]) throws -> String? {
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws -> String? in
            var offset = 0
            let end = buffer.count
            var found: Range<Int>?
            do {
                while offset < end {
                    let key = try Varint.read(from: buffer, at: &offset, end: end)
                    let fieldNumber = Int(truncatingIfNeeded: key >> 3)
                    switch key & 7 {
                    case 0:
                        _ = try Varint.read(from: buffer, at: &offset, end: end)
                        if fieldNumber == number { throw Failure.wrongWireType(number) }
                    case 1:
                        offset += 8
                        if fieldNumber == number { throw Failure.wrongWireType(number) }
                    case 5:
                        offset += 4
                        if fieldNumber == number { throw Failure.wrongWireType(number) }
                    case 2:
                        let length = try Varint.read(from: buffer, at: &offset, end: end)
                        guard length <= UInt64(end - offset) else { throw Failure.malformed }
                        if fieldNumber == number { found = offset..<(offset + Int(length)) }
                        offset += Int(length)
                    default:
                        throw Failure.malformed
                    }
                    guard offset <= end else { throw Failure.malformed }
                }
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure.malformed
            }
            guard let found else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[found]), as: UTF8.self)
        }
    }

    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The bytes are not a well-formed message.
        case malformed
        /// The field is present but not length-delimited.
        case wrongWireType(Int)

        public var description: String {
            switch self {
            case .malformed: "the message is malformed"
            case .wrongWireType(let number): "field \(number) is not length-delimited"
            }
        }
    }
}
