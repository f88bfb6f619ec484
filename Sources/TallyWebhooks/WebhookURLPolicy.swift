import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses webhook URLs that would make Tally call into its own network (SSRF): hosts that
/// resolve to loopback, private, link-local (cloud metadata at 169.254.169.254 among them),
/// unspecified or multicast addresses. On-premise set-ups and tests allow them explicitly.
public struct WebhookURLPolicy: Sendable {
    public var allowPrivateAddresses: Bool

    public init(allowPrivateAddresses: Bool) {
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Checks the URL's form, then (unless private addresses are allowed) where it resolves.
    public func check(_ text: String) async throws(WebhookURLError) {
        _ = try await vet(text)
    }

    /// Checks the URL and returns the host and the address to connect to, so that a delivery
    /// connects to the address that was checked: a name that resolves to a public address for
    /// the check and to an internal one for the connection (DNS rebinding) gets nowhere. Nil
    /// when private addresses are allowed and the client may resolve as it likes.
    public func vet(_ text: String) async throws(WebhookURLError) -> (host: String, address: String)? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { throw WebhookURLError("must be an absolute http:// or https:// URL") }
        guard scheme == "http" || scheme == "https" else {
            throw WebhookURLError("must use http or https, not \(scheme)")
        }
        guard url.user == nil, url.password == nil else {
            throw WebhookURLError("must not carry a user name or password")
        }
        guard text.utf8.count <= 2048 else { throw WebhookURLError("must be at most 2048 characters") }
        if allowPrivateAddresses { return nil }
        let addresses: [SocketAddress]
        do {
            addresses = try await Self.resolve(host: host, port: url.port ?? (scheme == "https" ? 443 : 80))
        } catch {
            throw WebhookURLError("the host \(host) does not resolve")
        }
        guard !addresses.isEmpty else { throw WebhookURLError("the host \(host) does not resolve") }
        for address in addresses where Self.isInternal(address) {
            throw WebhookURLError(
                "resolves to \(address.ipAddress ?? host), a loopback, private or link-local address; "
                    + "set TALLY_WEBHOOK_ALLOW_PRIVATE=1 to allow such endpoints")
        }
        guard let address = addresses.first?.ipAddress else { throw WebhookURLError("the host \(host) does not resolve") }
        return (host, address)
    }

    static func resolve(host: String, port: Int) async throws -> [SocketAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
                throw WebhookURLError("the host \(host) does not resolve")
            }
            defer { freeaddrinfo(first) }
            var addresses: [SocketAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let address = entry.pointee.ai_addr {
                    switch Int32(address.pointee.sa_family) {
                    case AF_INET:
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                            addresses.append(SocketAddress($0.pointee, host: host))
                        }
                    case AF_INET6:
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                            addresses.append(SocketAddress($0.pointee, host: host))
                        }
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }

    static func isInternal(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return isInternal(ipv4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            return isInternal(ipv6: bytes)
        default:
            return true
        }
    }

    static func isInternal(ipv4 value: UInt32) -> Bool {
        let blocked: [(UInt32, Int)] = [
            (0x0000_0000, 8),  // "this network"
            (0x0A00_0000, 8),  // private
            (0x6440_0000, 10),  // carrier-grade NAT
            (0x7F00_0000, 8),  // loopback
            (0xA9FE_0000, 16),  // link-local, cloud metadata
            (0xAC10_0000, 12),  // private
            (0xC000_0000, 24),  // IETF protocol assignments
            (0xC0A8_0000, 16),  // private
            (0xC612_0000, 15),  // benchmarking
            (0xE000_0000, 4),  // multicast
            (0xF000_0000, 4),  // reserved, broadcast
        ]
        return blocked.contains { network, length in
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
            return value & mask == network
        }
    }

    static func isInternal(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return true }
        func ipv4(at offset: Int) -> UInt32 { bytes[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        func zero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == 0 } }
        // Forms that carry an IPv4 address, which many stacks reach as that address.
        if zero(0..<12) { return true }  // ::, ::1 and IPv4-compatible ::a.b.c.d (deprecated)
        if zero(0..<10) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isInternal(ipv4: ipv4(at: 12)) }  // ::ffff:a.b.c.d
        if zero(0..<8) && bytes[8] == 0xFF && bytes[9] == 0xFF && zero(10..<12) { return true }  // ::ffff:0:a.b.c.d (SIIT)
        if bytes[0..<4] == [0x00, 0x64, 0xFF, 0x9B] {  // NAT64: 64:ff9b::/96, and 64:ff9b:1::/48 (local use)
            return zero(4..<12) ? isInternal(ipv4: ipv4(at: 12)) : true
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return isInternal(ipv4: ipv4(at: 2)) }  // 6to4 2002:a.b.c.d::/48
        if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] { return true }  // Teredo 2001::/32 (an obfuscated IPv4 inside)
        if bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return true }  // documentation 2001:db8::/32
        if bytes[0] == 0x01 && zero(1..<8) { return true }  // discard 100::/64
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return true }  // site-local fec0::/10 (deprecated)
        if bytes[0] & 0xFE == 0xFC { return true }  // unique local fc00::/7 (AWS metadata fd00:ec2::254)
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // link-local fe80::/10
        if bytes[0] == 0xFF { return true }  // multicast
        return false
    }
}

public struct WebhookURLError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
