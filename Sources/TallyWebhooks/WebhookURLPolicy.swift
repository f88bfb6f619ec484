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
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { throw WebhookURLError("must be an absolute http:// or https:// URL") }
        guard scheme == "http" || scheme == "https" else {
            throw WebhookURLError("must use http or https, not \(scheme)")
        }
        guard url.user == nil, url.password == nil else {
            throw WebhookURLError("must not carry a user name or password")
        }
        guard text.utf8.count <= 2048 else { throw WebhookURLError("must be at most 2048 characters") }
        if allowPrivateAddresses { return }
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
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {  // IPv4-mapped
            let v4 = bytes[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return isInternal(ipv4: v4)
        }
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
