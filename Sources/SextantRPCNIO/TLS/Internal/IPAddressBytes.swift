#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Converts textual IP addresses to the network-order bytes an `iPAddress` subject alternative name holds.
enum IPAddressBytes {
    /// Parses dotted IPv4 (4 bytes) or textual IPv6 (16 bytes), as `inet_pton` accepts them.
    ///
    /// - Throws: ``TLSIdentityError/Code/invalidIPAddress`` naming `text` if it is neither.
    static func parse(_ text: String) throws(TLSIdentityError) -> [UInt8] {
        var v4 = [UInt8](repeating: 0, count: 4)
        if v4.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 {
            return v4
        }
        var v6 = [UInt8](repeating: 0, count: 16)
        if v6.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 {
            return v6
        }
        throw TLSIdentityError(
            code: .invalidIPAddress,
            message: "\(String(reflecting: text)) is neither a dotted IPv4 address nor a textual IPv6 address"
        )
    }
}
