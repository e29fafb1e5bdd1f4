/// Scalar writes shared by the keyed, unkeyed and single-value containers, so each container
/// overload is one line and every integer width is encoded by one rule.
extension WireEncodingState {
    @inline(__always)
    func writeBool(_ header: PendingHeader, _ value: Bool) {
        self.writeHeader(header, .varint)
        self.bytes.append(value ? 1 : 0)
    }

    /// Signed integers are zigzag varints.
    @inline(__always)
    func writeSigned(_ header: PendingHeader, _ value: Int64) {
        self.writeHeader(header, .varint)
        self.writeVarint(Varint.zigzag(value))
    }

    /// Unsigned integers are plain varints.
    @inline(__always)
    func writeUnsigned(_ header: PendingHeader, _ value: UInt64) {
        self.writeHeader(header, .varint)
        self.writeVarint(value)
    }

    @inline(__always)
    func writeFloat(_ header: PendingHeader, _ value: Float) {
        self.writeHeader(header, .fixed32)
        self.writeFixed32(value.bitPattern)
    }

    @inline(__always)
    func writeDouble(_ header: PendingHeader, _ value: Double) {
        self.writeHeader(header, .fixed64)
        self.writeFixed64(value.bitPattern)
    }
}
