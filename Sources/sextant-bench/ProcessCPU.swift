#if canImport(Glibc)
import Glibc
#endif

/// CPU time of a process, read from `/proc/<pid>/stat` (user + system), as the peers measure it.
enum ProcessCPU {
    /// CPU seconds used so far by `pid` (default: this process), or `nil` if unreadable.
    static func seconds(pid: Int32 = getpid()) -> Double? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Fields after the ")" closing the command name: state is the 1st, utime the 12th, stime the 13th.
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
