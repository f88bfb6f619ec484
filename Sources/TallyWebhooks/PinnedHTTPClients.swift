import AsyncHTTPClient
import Synchronization

/// HTTP clients that connect to the address the URL policy checked, not to whatever the name
/// resolves to a moment later: one client per host, its DNS overridden to that address (TLS
/// still verifies the certificate for the host name). When a host's address changes, its old
/// client is shut down and a new one made.
final class PinnedHTTPClients: Sendable {
    private let configuration: HTTPClient.Configuration
    private let clients = Mutex<[String: (address: String, client: HTTPClient)]>([:])

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    func client(host: String, address: String) -> HTTPClient {
        let (client, retired) = clients.withLock { clients -> (HTTPClient, HTTPClient?) in
            if let existing = clients[host], existing.address == address { return (existing.client, nil) }
            var configuration = configuration
            configuration.dnsOverride = [host: address]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let retired = clients[host]?.client
            clients[host] = (address, client)
            return (client, retired)
        }
        // Requests still on the old client finish first: shutdown waits for them.
        if let retired { Task { try? await retired.shutdown() } }
        return client
    }

    func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return clients.values.map(\.client)
        }
        for client in all { try? await client.shutdown() }
    }
}
