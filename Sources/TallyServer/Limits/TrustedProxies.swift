#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxies whose `X-Forwarded-For` is believed (`TALLY_TRUSTED_PROXIES`: addresses and CIDR
/// blocks such as `127.0.0.1, ::1, 10.0.0.0/8`). Behind nginx every request comes from nginx's
/// address; without this, limits per client address would lump all clients together, and with
/// the header believed from anyone, a client could pick its own address.
public struct TrustedProxies: Sendable, Equatable {
    struct Block: Sendable, Equatable {
        var network: [UInt8]
        var prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var remaining = prefixLength
            for index in network.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != network[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    var blocks: [Block] = []

    public static let none = TrustedProxies()

    public init() {}

    /// Parses a comma-separated list; an entry that is not an address or block is an error naming it.
    public init(parsing text: String) throws(ConfigurationError) {
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: "/", maxSplits: 1).map(String.init)
            guard let address = Self.bytes(of: pieces[0]) else {
                throw ConfigurationError("TALLY_TRUSTED_PROXIES: '\(part)' is not an IP address or CIDR block")
            }
            let length = pieces.count == 2 ? Int(pieces[1]) : address.count * 8
            guard let length, (0...(address.count * 8)).contains(length) else {
                throw ConfigurationError("TALLY_TRUSTED_PROXIES: '\(part)' has a bad prefix length")
            }
            blocks.append(Block(network: address, prefixLength: length))
        }
    }

    public func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, !blocks.isEmpty, trusts(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.bytes(of: hop) != nil else { return peer }
            if !trusts(hop) { return hop }
        }
        return hops.first ?? peer
    }

    /// An IPv4 or IPv6 address as its 4 or 16 bytes (an IPv4-mapped IPv6 address as IPv4).
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
