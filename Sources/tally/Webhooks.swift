import ArgumentParser
import Foundation
import TallyCore
import TallyServer
import TallyStore
import TallyWebhooks

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage webhook endpoints and read their delivery log.",
        subcommands: [Add.self, List.self, Remove.self, Deliveries.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a URL to events and print its signing secret (shown only this once).")

        @Argument(help: "The URL Tally POSTs events to.")
        var url: String

        @Option(help: "Comma-separated event types, such as daily_log.created,appointment.created, or * for all.")
        var events: String = "*"

        @Option(help: "What the endpoint is for.")
        var description: String?

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            // The server's reading of TALLY_WEBHOOK_ALLOW_PRIVATE, so both refuse the same URLs.
            let settings: ServerConfiguration
            do { settings = try ServerConfiguration.fromEnvironment(environment) } catch { throw CLIError(error.description) }
            do { try await WebhookURLPolicy(allowPrivateAddresses: settings.webhookAllowPrivate).check(url) } catch {
                throw CLIError("url \(error.description)")
            }
            let location = try databaseOptions.location()
            let store = try databaseOptions.openStore()
            let box: SecretBox
            do { box = try location.secretBox(environment: environment) } catch { throw CLIError("\(error)") }
            let now = Date()
            let id = Identifier.make("wh", at: now)
            let secret = WebhookSecret.generate()
            let endpoint = WebhookEndpoint(
                id: id, url: url,
                events: events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                description: description, secrets: SealedSecrets(current: try box.seal(secret, for: id)), createdAt: now,
                updatedAt: now)
            try await CLIError.reporting {
                try endpoint.validate()
                try await store.createWebhookEndpoint(endpoint)
            }
            print(secret.text)
            FileHandle.standardError.write(
                Data(
                    ("Created webhook \(id) for \(endpoint.events.joined(separator: ",")).\n"
                        + "The line above is its signing secret: store it now, it is not shown again.\n").utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List webhook endpoints (never their secrets).")

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try databaseOptions.openStore()
            let endpoints = try await CLIError.reporting { try await store.webhookEndpoints() }
            switch format {
            case .json:
                try printJSON(endpoints.map(EndpointOutput.init))
            case .table:
                printTable(
                    ["ID", "URL", "EVENTS", "STATUS"],
                    endpoints.map { endpoint in
                        [endpoint.id, endpoint.url, endpoint.events.joined(separator: ","), EndpointOutput(endpoint).status]
                    })
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a webhook endpoint and its delivery log.")

        @Argument(help: "The webhook's id (wh_…).")
        var id: String

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let store = try databaseOptions.openStore()
            guard try await CLIError.reporting({ try await store.deleteWebhookEndpoint(id: id) }) else {
                throw CLIError("no webhook has the id '\(id)'")
            }
            FileHandle.standardError.write(Data("Removed webhook \(id).\n".utf8))
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a webhook's latest deliveries, newest first.")

        @Argument(help: "The webhook's id (wh_…).")
        var id: String

        @Option(help: "How many deliveries to show.")
        var limit: Int = 20

        @Option(help: "table or json.")
        var format: OutputFormat = .table

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            guard (1...1000).contains(limit) else { throw CLIError("--limit must be from 1 to 1000") }
            let store = try databaseOptions.openStore()
            let deliveries = try await CLIError.reporting {
                guard try await store.webhookEndpoint(id: id) != nil else { throw TallyError.notFound(kind: "webhook", id: id) }
                return try await store.deliveries(endpointID: id, after: nil, limit: limit)
            }
            switch format {
            case .json:
                try printJSON(deliveries.map(DeliveryOutput.init))
            case .table:
                printTable(
                    ["ID", "EVENT", "STATE", "ATTEMPTS", "STATUS", "LATENCY", "NEXT ATTEMPT", "ERROR"],
                    deliveries.map { delivery in
                        [
                            delivery.id, delivery.eventType, delivery.state.rawValue, String(delivery.attempts),
                            delivery.lastStatusCode.map(String.init) ?? "-",
                            delivery.lastLatencyMilliseconds.map { "\($0) ms" } ?? "-",
                            delivery.nextAttemptAt.map(RFC3339.format) ?? "-", delivery.lastError ?? "",
                        ]
                    })
            }
        }
    }
}

struct EndpointOutput: Encodable {
    var id: String
    var url: String
    var events: [String]
    var description: String?
    var enabled: Bool
    var status: String
    var disabledReason: String?

    init(_ endpoint: WebhookEndpoint) {
        id = endpoint.id
        url = endpoint.url
        events = endpoint.events
        description = endpoint.description
        enabled = endpoint.enabled
        status = !endpoint.enabled ? "disabled" : endpoint.failingSince != nil ? "failing" : "active"
        disabledReason = endpoint.disabledReason
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, description, enabled, status
        case disabledReason = "disabled_reason"
    }
}

struct DeliveryOutput: Encodable {
    var id: String
    var eventID: String
    var eventType: String
    var state: String
    var attempts: Int
    var statusCode: Int?
    var latencyMilliseconds: Int?
    var nextAttemptAt: String?
    var error: String?

    init(_ delivery: WebhookDelivery) {
        id = delivery.id
        eventID = delivery.eventID
        eventType = delivery.eventType
        state = delivery.state.rawValue
        attempts = delivery.attempts
        statusCode = delivery.lastStatusCode
        latencyMilliseconds = delivery.lastLatencyMilliseconds
        nextAttemptAt = delivery.nextAttemptAt.map(RFC3339.format)
        error = delivery.lastError
    }

    enum CodingKeys: String, CodingKey {
        case id, state, attempts, error
        case eventID = "event_id"
        case eventType = "event_type"
        case statusCode = "status_code"
        case latencyMilliseconds = "latency_ms"
        case nextAttemptAt = "next_attempt_at"
    }
}
