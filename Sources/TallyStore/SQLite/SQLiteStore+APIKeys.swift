import Foundation
import GRDB
import TallyCore

extension SQLiteStore {
    public func createAPIKey(_ key: APIKey) async throws {
        try await write { db in
            if let userID = key.userID { try Self.requireUser(db, id: userID) }
            try db.execute(
                sql: """
                    INSERT INTO api_keys (id, name, prefix, lookup, secret_hash, scopes, user_id, created_at,
                        last_used_at, expires_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: key.arguments)
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(APIKey.columns) FROM api_keys WHERE id = ?", arguments: [id]).map { try APIKey(row: $0) }
        }
    }

    public func apiKey(lookup: String) async throws -> APIKey? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(APIKey.columns) FROM api_keys WHERE lookup = ?", arguments: [lookup])
                .map { try APIKey(row: $0) }
        }
    }

    public func apiKeys() async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(APIKey.columns) FROM api_keys ORDER BY created_at, id").map { try APIKey(row: $0) }
        }
    }

    public func revokeAPIKey(id: String, at now: Date) async throws -> Bool {
        try await write { db in
            guard try Self.exists(db, "api_keys", id: id) else { return false }
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return true
        }
    }

    public func recordAPIKeyUse(id: String, at now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now, id])
        }
    }

    // MARK: Idempotency keys

    public func beginIdempotentRequest(_ request: IdempotentRequest) async throws -> IdempotencyClaim {
        try await write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM idempotency_keys WHERE api_key_id = ? AND key = ?",
                arguments: [request.apiKeyID, request.key])
            guard let row else {
                try db.execute(
                    sql: "INSERT INTO idempotency_keys (api_key_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [request.apiKeyID, request.key, request.fingerprint, request.at])
                return .claimed
            }
            let status: Int? = row["status"]
            let claimedAt = try row.instant("created_at")
            if status == nil, request.at.timeIntervalSince(claimedAt) > IdempotentRequest.lease {
                // The first request died without an answer (a crash, a lost write): claim anew.
                try db.execute(
                    sql: "UPDATE idempotency_keys SET fingerprint = ?, created_at = ? WHERE api_key_id = ? AND key = ?",
                    arguments: [request.fingerprint, request.at, request.apiKeyID, request.key])
                return .claimed
            }
            guard row["fingerprint"] == request.fingerprint else { return .mismatch }
            guard let status else { return .inProgress }
            let body: Data = row["body"] ?? Data()
            return .replay(
                StoredResponse(
                    status: status, contentType: row["content_type"], location: row["location"], body: Array(body)))
        }
    }

    public func completeIdempotentRequest(_ request: IdempotentRequest, response: StoredResponse) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE idempotency_keys SET status = ?, content_type = ?, location = ?, body = ?
                    WHERE api_key_id = ? AND key = ?
                    """,
                arguments: [
                    response.status, response.contentType, response.location, Data(response.body), request.apiKeyID,
                    request.key,
                ])
        }
    }

    public func releaseIdempotentRequest(_ request: IdempotentRequest) async throws {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE api_key_id = ? AND key = ? AND status IS NULL",
                arguments: [request.apiKeyID, request.key])
        }
    }

    public func purgeIdempotencyKeys(before cutoff: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [cutoff])
        }
    }
}
