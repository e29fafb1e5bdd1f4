import ArgumentParser

/// `sextant-bench`: measures the wire codec and the RPC layer, printing one JSON line per run.
///
/// The RPC subcommands speak the same command-line dialect as the benchmark peers in
/// `../shared/peers/` (`server --port P --tls`, `client --mode unary --concurrency 64 ...`), so one
/// script drives all three implementations the same way; see `scripts/bench-rpc.sh`.
@main
struct SextantBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sextant-bench",
        abstract: "Benchmarks of the Sextant wire codec and RPC layer (run in release mode).",
        subcommands: [CodecCommand.self, ServerCommand.self, ClientCommand.self, IngestCommand.self, ClvCommand.self, HubCommand.self]
    )
}
