#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small synchronous POSIX file helpers for PEM files.
///
/// POSIX rather than Foundation because a private key must never exist on disk with a wider mode than
/// 0600, not even for the moment between creating a file and changing its attributes.
enum PEMFileIO {
    /// The mode of certificate files: owner read/write, everyone else read (0644).
    static let publicFileMode: mode_t = 0o644

    /// The mode of private key files: owner read/write only (0600).
    static let privateFileMode: mode_t = 0o600

    /// The mode of a directory this module creates: owner only (0700).
    static let directoryMode: mode_t = 0o700

    /// Reads a whole file as UTF-8 text.
    static func readText(_ path: String) throws(TLSIdentityError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw Self.failure("cannot open \(path) for reading", errno: errno)
        }
        defer { close(fd) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot read \(path)", errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces the file at `path` with `text`, giving it exactly `mode`.
    ///
    /// The text goes to a temporary file in the same directory, created with `mode` from the start,
    /// synced, then renamed over `path`: readers see the old file or the new one, never half of one, and
    /// an existing file with a wider mode is replaced rather than reused.
    static func writeText(_ text: String, to path: String, mode: mode_t) throws(TLSIdentityError) {
        let temporaryPath = "\(path).tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw Self.failure("cannot create \(temporaryPath)", errno: errno)
        }
        var written = false
        defer {
            if !written { unlink(temporaryPath) }
        }
        do {
            defer { close(fd) }
            // The umask can only remove bits, and a leftover temporary file keeps its old mode: set it exactly.
            guard fchmod(fd, mode) == 0 else {
                throw Self.failure("cannot set mode \(String(mode, radix: 8)) on \(temporaryPath)", errno: errno)
            }
            var remaining = Array(text.utf8)[...]
            while !remaining.isEmpty {
                let count = remaining.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure("cannot write \(temporaryPath)", errno: errno)
                }
                remaining = remaining.dropFirst(count)
            }
            guard fsync(fd) == 0 else {
                throw Self.failure("cannot sync \(temporaryPath)", errno: errno)
            }
        }
        guard rename(temporaryPath, path) == 0 else {
            throw Self.failure("cannot rename \(temporaryPath) to \(path)", errno: errno)
        }
        written = true
    }

    /// Creates `path` and any missing parents with mode 0700; an existing directory is left as it is.
    static func createDirectory(_ path: String) throws(TLSIdentityError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, Self.directoryMode) != 0 && errno != EEXIST {
                throw Self.failure("cannot create directory \(prefix)", errno: errno)
            }
            prefix += "/"
        }
        // Opening with O_DIRECTORY succeeds only for a directory (or a symbolic link to one).
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw Self.failure("\(path) is not a usable directory", errno: errno)
        }
        close(fd)
    }

    private static func failure(_ message: String, errno code: Int32) -> TLSIdentityError {
        TLSIdentityError(
            code: .fileSystemFailure,
            message: "\(message): \(String(cString: strerror(code))) (errno: \(code))"
        )
    }
}
