/// UTF-8 text from untrusted bytes.
enum WireUTF8 {
    /// The bytes as a `String`, or `nil` if they are not valid UTF-8.
    ///
    /// Most wire strings are ASCII: those are checked with a plain loop and built without the
    /// general validator, which is several times slower.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        var isASCII = true
        for byte in bytes where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }
}
