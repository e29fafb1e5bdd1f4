/// Where one encoded value lies in the input and how it is encoded.
///
/// For a varint the range covers its bytes; for fixed values their 4 or 8 bytes; for a
/// length-delimited value its body (after the length). A `bare` value is the top-level payload:
/// its range is the whole payload and a scalar fills it without a key or length.
struct WireValue {
    var wireType: WireType
    var start: Int
    var end: Int
    var bare: Bool

    var count: Int { self.end - self.start }
}

/// One field found while scanning a message.
struct WireField {
    var number: Int
    var value: WireValue
}
