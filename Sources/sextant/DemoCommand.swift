import ArgumentParser
import Foundation
import SextantContracts
import SextantDemo

/// `sextant demo export`: the demo shop (the one `sextant up --demo` loads) as a JSON Lines file
/// in `sextant import`'s format, for loading it into any suite — through the gateway's API with
/// `sextant import --api`, for instance.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "The demo shop's data.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the demo shop's events as JSON Lines (sextant import's format).",
            discussion: """
                The history ends now (or at --end) and spans --months months. Create the account first with the \
                demo's settings (time zone America/New_York, currency USD, Customer Hub active); the events \
                carry unique ids, so importing the file twice stores nothing twice.
                """)

        @Argument(help: "The file to write (- for standard output).") var file: String
        @Option(help: "Customers in the shop.") var profiles = 20_000
        @Option(help: "Months of history.") var months = 18
        @Option(help: "Seed of the generator (the same seed, profiles, months and end give the same file).") var seed: UInt64 = 1
        @Option(help: "When the history ends, Unix seconds (default: now, to the second).") var end: Int64?

        func validate() throws {
            guard (1...10_000_000).contains(self.profiles) else { throw ValidationError("--profiles must be 1 to 10,000,000") }
            guard (1...120).contains(self.months) else { throw ValidationError("--months must be 1 to 120") }
        }

        func run() async throws {
            let end = Date(timeIntervalSince1970: Double(self.end ?? Int64(Date().timeIntervalSince1970)))
            let shop = DemoShop(seed: self.seed, profiles: self.profiles, months: self.months, end: end)
            let output: FileHandle
            if self.file == "-" {
                output = FileHandle.standardOutput
            } else {
                guard FileManager.default.createFile(atPath: self.file, contents: nil), let handle = FileHandle(forWritingAtPath: self.file) else {
                    throw ValidationError("cannot write \(self.file)")
                }
                output = handle
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(GatewayEventSender.timeText(date))
            }
            var buffer = Data()
            var count = 0
            for event in shop.events() {
                buffer.append(try encoder.encode(event))
                buffer.append(0x0A)
                count += 1
                if buffer.count > 1 << 20 {
                    try output.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try output.write(contentsOf: buffer)
            if self.file != "-" { try output.close() }
            FileHandle.standardError.write(Data("wrote \(count) events of \(self.profiles) customers to \(self.file)\n".utf8))
        }
    }
}
