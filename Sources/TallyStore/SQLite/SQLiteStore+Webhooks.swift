import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func createWebhookEndpoint(_ endpoint: WebhookEndpoint) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_endpoints (\(WebhookEndpoint.columns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: try endpoint.arguments())
        }
    }

    public func webhookEndpoint(id: String) async throws -> WebhookEndpoint? {
        try await read { db in try Self.fetchWebhookEndpoint(db, id: id) }
    }

    public func webhookEndpoints() async throws -> [WebhookEndpoint] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints ORDER BY id")
                .map(WebhookEndpoint.init(row:))
        }
    }

    public func updateWebhookEndpoint(
        id: String, _ change: @escaping @Sendable (inout WebhookEndpoint) throws -> Void
    ) async throws -> WebhookEndpoint {
        try await write { [self] db in
            guard var endpoint = try Self.fetchWebhookEndpoint(db, id: id) else {
                throw TallyError.notFound(kind: "webhook", id: id)
            }
            let wasEnabled = endpoint.enabled
            try change(&endpoint)
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET id = ?, url = ?, events = ?, description = ?, enabled = ?,
                        disabled_reason = ?, failing_since = ?, secret = ?, previous_secret = ?,
                        previous_secret_expires_at = ?, created_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: try endpoint.arguments() + [id])
            if endpoint.enabled && !wasEnabled { outboxSignal.signalAfterCommit(db) }
            return endpoint
        }
    }

    public func deleteWebhookEndpoint(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_endpoints WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func recordEvent(_ event: WebhookEvent, onlyTo endpointID: String?) async throws -> [WebhookDelivery] {
        try await write { [self] db in try recordEvent(db, event, onlyTo: endpointID) }
    }

    /// Writes the event and a pending delivery for each enabled endpoint that wants it, inside
    /// the caller's transaction: the outbox half of every change.
    @discardableResult
    func recordEvent(_ db: Database, _ event: WebhookEvent, onlyTo endpointID: String? = nil) throws -> [WebhookDelivery] {
        let endpointIDs: [String]
        if let endpointID {
            endpointIDs = try String.fetchAll(
                db, sql: "SELECT id FROM webhook_endpoints WHERE id = ?", arguments: [endpointID])
        } else {
            endpointIDs = try String.fetchAll(
                try db.cachedStatement(
                    sql: """
                        SELECT id FROM webhook_endpoints
                        WHERE enabled = 1 AND EXISTS (SELECT 1 FROM json_each(events) WHERE value IN ('*', ?))
                        """), arguments: [event.type])
        }
        try db.cachedStatement(sql: "INSERT INTO events (id, type, created_at, body) VALUES (?, ?, ?, ?)")
            .execute(arguments: [event.id, event.type, event.createdAt, Data(event.body)])
        var deliveries: [WebhookDelivery] = []
        for endpointID in endpointIDs {
            let delivery = WebhookDelivery(
                id: Identifier.make("dlv", at: event.createdAt), endpointID: endpointID, eventID: event.id,
                eventType: event.type, state: .pending, attempts: 0, nextAttemptAt: event.createdAt,
                createdAt: event.createdAt)
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
                    VALUES (?, ?, ?, 'pending', 0, ?, ?)
                    """, arguments: [delivery.id, endpointID, event.id, event.createdAt, event.createdAt])
            deliveries.append(delivery)
        }
        if !deliveries.isEmpty { outboxSignal.signalAfterCommit(db) }
        return deliveries
    }

    public func claimDueDeliveries(at now: Date, leaseUntil: Date, perEndpoint: Int, busy: [String: Int]) async throws
        -> [ClaimedDelivery]
    {
        // Most polls find nothing due: answer those from a reader, without taking the write lock.
        let anythingDue = try await read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?)
                    """, arguments: [now]) ?? false
        }
        guard anythingDue else { return [] }
        return try await write { db in
            // One indexed query per endpoint with room, so a long backlog costs no more than a short one.
            let endpointIDs = try String.fetchAll(db, sql: "SELECT id FROM webhook_endpoints WHERE enabled = 1")
            var ids: [String] = []
            for endpointID in endpointIDs {
                let room = perEndpoint - busy[endpointID, default: 0]
                guard room > 0 else { continue }
                ids += try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM webhook_deliveries
                        WHERE endpoint_id = ? AND state = 'pending' AND next_attempt_at <= ?
                        ORDER BY next_attempt_at LIMIT ?
                        """, arguments: [endpointID, now, room])
            }
            guard !ids.isEmpty else { return [] }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            try db.execute(
                sql: "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN (\(placeholders))",
                arguments: StatementArguments([leaseUntil] as [(any DatabaseValueConvertible)?] + ids))
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(WebhookDelivery.columns), e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
                        ev.body
                    FROM webhook_deliveries d
                    JOIN events ev ON ev.id = d.event_id
                    JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.id IN (\(placeholders))
                    """, arguments: StatementArguments(ids)
            ).map { row in
                let delivery = try WebhookDelivery(row: row)
                let previous: Data? = row[17]
                let body: Data = row[19]
                return ClaimedDelivery(
                    delivery: delivery, url: row[15],
                    secrets: SealedSecrets(
                        current: Array(row[16] as Data), previous: previous.map(Array.init),
                        previousExpiresAt: try row.optionalInstant(18)),
                    body: Array(body), eventCreatedAt: try row.instant(14))
            }
        }
    }

    public func recordDeliveryAttempts(_ attempts: [DeliveryAttempt]) async throws {
        guard !attempts.isEmpty else { return }
        try await write { db in
            for attempt in attempts {
                let state: DeliveryState
                var nextAttempt: Date?
                switch attempt.outcome {
                case .delivered: state = .delivered
                case .retry(let at):
                    state = .pending
                    nextAttempt = at
                case .failed, .endpointGone: state = .failed
                }
                try db.execute(
                    sql: """
                        UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?,
                            last_attempt_at = ?, last_status_code = ?, last_latency_ms = ?, last_response = ?,
                            last_error = ?, delivered_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        state.rawValue, nextAttempt, attempt.at, attempt.statusCode, attempt.latencyMilliseconds,
                        attempt.response, attempt.error, state == .delivered ? attempt.at : nil, attempt.deliveryID,
                    ])
                try Self.updateEndpointHealth(db, after: attempt)
            }
        }
    }

    /// A success ends a run of failures; a 410 or a run older than the limit switches the endpoint off.
    static func updateEndpointHealth(_ db: Database, after attempt: DeliveryAttempt) throws {
        switch attempt.outcome {
        case .delivered:
            try db.execute(
                sql: "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                arguments: [attempt.endpointID])
        case .endpointGone(let reason):
            try db.execute(
                sql: "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
                arguments: [reason, attempt.at, attempt.endpointID])
        case .retry, .failed:
            try db.execute(
                sql: "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL",
                arguments: [attempt.at, attempt.endpointID])
            if let limit = attempt.disableIfFailingSince {
                try db.execute(
                    sql: """
                        UPDATE webhook_endpoints
                        SET enabled = 0, updated_at = ?,
                            disabled_reason = 'every delivery has failed since ' || strftime('%Y-%m-%dT%H:%M:%SZ', failing_since)
                        WHERE id = ? AND enabled = 1 AND failing_since <= ?
                        """, arguments: [attempt.at, attempt.endpointID, limit])
            }
        }
    }

    public func deliveries(endpointID: String, after id: String?, limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(WebhookDelivery.columns) FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id
                    WHERE d.endpoint_id = ? AND (? IS NULL OR d.id < ?)
                    ORDER BY d.id DESC LIMIT ?
                    """, arguments: [endpointID, id, id, limit]
            ).map(WebhookDelivery.init(row:))
        }
    }

    public func redeliver(endpointID: String, deliveryID: String, at now: Date) async throws -> WebhookDelivery {
        try await write { [self] db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
                    WHERE id = ? AND endpoint_id = ?
                    """, arguments: [now, deliveryID, endpointID])
            guard db.changesCount > 0,
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT \(WebhookDelivery.columns) FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id
                        WHERE d.id = ?
                        """, arguments: [deliveryID])
            else { throw TallyError.notFound(kind: "delivery", id: deliveryID) }
            outboxSignal.signalAfterCommit(db)
            return try WebhookDelivery(row: row)
        }
    }

    public func purgeEvents(before cutoff: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM events WHERE created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = events.id AND d.state = 'pending')
                    """, arguments: [cutoff])
        }
    }

    static func fetchWebhookEndpoint(_ db: Database, id: String) throws -> WebhookEndpoint? {
        try Row.fetchOne(
            db, sql: "SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints WHERE id = ?", arguments: [id]
        ).map(WebhookEndpoint.init(row:))
    }
}

extension OutboxSignal {
    /// Signals once the transaction commits, so the dispatcher finds the rows it is woken for.
    func signalAfterCommit(_ db: Database) {
        db.afterNextTransaction { _ in self.signal() }
    }
}

extension WebhookEndpoint {
    static let columns = """
        id, url, events, description, enabled, disabled_reason, failing_since, secret, previous_secret, \
        previous_secret_expires_at, created_at, updated_at
        """

    init(row: Row) throws {
        let eventsText: String = row[2]
        let previous: Data? = row[8]
        self.init(
            id: row[0], url: row[1], events: try JSONDecoder().decode([String].self, from: Data(eventsText.utf8)),
            description: row[3], enabled: row[4], disabledReason: row[5], failingSince: try row.optionalInstant(6),
            secrets: SealedSecrets(
                current: Array(row[7] as Data), previous: previous.map(Array.init),
                previousExpiresAt: try row.optionalInstant(9)),
            createdAt: try row.instant(10), updatedAt: try row.instant(11))
    }

    func arguments() throws -> StatementArguments {
        let eventsText = String(decoding: try JSONEncoder().encode(events), as: UTF8.self)
        return [
            id, url, eventsText, description, enabled, disabledReason, failingSince, Data(secrets.current),
            secrets.previous.map { Data($0) }, secrets.previousExpiresAt, createdAt, updatedAt,
        ]
    }
}

extension WebhookDelivery {
    /// Read from `webhook_deliveries d JOIN events ev`.
    static let columns = """
        d.id, d.endpoint_id, d.event_id, ev.type, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at, \
        d.last_status_code, d.last_latency_ms, d.last_response, d.last_error, d.created_at, d.delivered_at, ev.created_at
        """

    init(row: Row) throws {
        let stateText: String = row[4]
        guard let state = DeliveryState(rawValue: stateText) else {
            throw DatabaseError(message: "webhook_deliveries.state holds '\(stateText)'")
        }
        self.init(
            id: row[0], endpointID: row[1], eventID: row[2], eventType: row[3], state: state, attempts: row[5],
            nextAttemptAt: state == .pending ? try row.optionalInstant(6) : nil, lastAttemptAt: try row.optionalInstant(7),
            lastStatusCode: row[8], lastLatencyMilliseconds: row[9], lastResponse: row[10], lastError: row[11],
            createdAt: try row.instant(12), deliveredAt: try row.optionalInstant(13))
    }
}
