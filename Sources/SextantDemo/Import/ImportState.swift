import Foundation

/// Where an interrupted import stopped: saved next to the input file after every acknowledged
/// batch, read when the same import is run again, and removed when the import finishes.
///
/// The file is JSON, by default `<input>.import-state`. A run that finds one continues after
/// `acknowledgedThroughLine`; the lines before it were stored (or reported) already. Lines after it
/// may have been sent but not acknowledged: they are sent again, which is safe because every
/// imported event has a unique id (see ``ImportParser``).
public struct ImportState: Codable, Sendable, Hashable {
    /// The input's file name (without directories), to catch a state file copied to another input.
    public var file: String
    /// ``ImportFingerprint`` of the input when the import started.
    public var fingerprint: String
    public var accountID: UInt64
    /// Every line up to and including this one has been acknowledged by ingest-service.
    public var acknowledgedThroughLine: Int
    /// Running totals of the runs so far, for the summary.
    public var stored: Int
    public var duplicates: Int
    public var rejected: Int
    public var notCollected: Int

    public init(
        file: String, fingerprint: String, accountID: UInt64, acknowledgedThroughLine: Int = 0, stored: Int = 0,
        duplicates: Int = 0, rejected: Int = 0, notCollected: Int = 0
    ) {
        self.file = file
        self.fingerprint = fingerprint
        self.accountID = accountID
        self.acknowledgedThroughLine = acknowledgedThroughLine
        self.stored = stored
        self.duplicates = duplicates
        self.rejected = rejected
        self.notCollected = notCollected
    }

    /// The default state file of an input: the input's path with `.import-state` appended.
    public static func defaultPath(for input: String) -> String { input + ".import-state" }

    /// Reads a state file.
    /// - Returns: nil if there is no file at `path`.
    /// - Throws: if the file exists but cannot be read or is not a state file.
    public static func load(from path: String) throws -> ImportState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(ImportState.self, from: data)
    }

    /// Writes the state atomically (a temporary file renamed over the old one), so a crash leaves
    /// either the old or the new state.
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Why this saved state cannot be used to resume an import of `file` (fingerprint
    /// `fingerprint`) into `accountID`; nil when it can.
    public func mismatch(file: String, fingerprint: String, accountID: UInt64) -> String? {
        if self.accountID != accountID {
            return "it belongs to an import into account \(self.accountID), not \(accountID)"
        }
        if self.file != file { return "it belongs to the file \(self.file)" }
        if self.fingerprint != fingerprint { return "the file's beginning has changed since that import started" }
        return nil
    }
}

/// Identifies an import file by its content: FNV-1a (64 bits) of its first 64 KiB, in hex.
/// A file that only grows at the end (an export appended to) keeps its fingerprint, so its lines
/// keep their derived unique ids.
public enum ImportFingerprint {
    /// How much of the file is hashed: 64 KiB.
    public static let prefixBytes = 65_536

    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes.prefix(self.prefixBytes) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The fingerprint of the file at `path`.
    public static func ofFile(atPath path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        return self.of(try handle.read(upToCount: self.prefixBytes) ?? Data())
    }
}
