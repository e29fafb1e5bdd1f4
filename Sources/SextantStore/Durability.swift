/// How hard a commit works to reach the disk before it is acknowledged.
///
/// SQLite in WAL mode appends each transaction to the write-ahead log. With `full`, the log is
/// fsync'ed at every commit, so an acknowledged write survives a process crash *and* a power
/// loss or kernel panic. With `normal`, the log is written at every commit but fsync'ed only at
/// checkpoints: an acknowledged write survives a process crash (`kill -9`: the data is in the
/// operating system's page cache), but the last transactions may be lost on power loss.
/// Group commit makes `full` cheap: one fsync covers every batch that arrived meanwhile.
public enum Durability: String, Sendable, Hashable, CaseIterable {
    case full
    case normal

    /// The `PRAGMA synchronous` value.
    var synchronousPragma: String {
        switch self {
        case .full: "FULL"
        case .normal: "NORMAL"
        }
    }
}
