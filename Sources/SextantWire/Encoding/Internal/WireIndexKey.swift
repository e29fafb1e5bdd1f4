/// The coding key of a sequence element, used only in coding paths of errors.
struct WireIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(self.intValue ?? 0)" }

    init(index: Int) {
        self.intValue = index
    }

    init?(stringValue: String) {
        return nil
    }

    init?(intValue: Int) {
        self.intValue = intValue
    }
}

/// The coding key of field 0, where `superEncoder()` writes the superclass value.
struct WireSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { 0 }

    init() {}

    init?(stringValue: String) {
        guard stringValue == "super" else { return nil }
    }

    init?(intValue: Int) {
        guard intValue == 0 else { return nil }
    }
}
