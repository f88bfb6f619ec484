import Foundation
import NIOHTTP1
import TallyCore

extension TogglClient {
    /// One logical request: auth, the client's own retries, and every non-2xx turned into a
    /// TogglError. Quota headers are recorded from every answer, errors included.
    func send(
        _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, retriesServerErrors: Bool = true
    ) async throws -> SourceHTTP.Response {
        var attempts = 0
        var rateLimitRetries = 0
        var retriedServerError = false
        while true {
            attempts += 1
            TogglRequestTally.current?.add()
            let response: SourceHTTP.Response
            do {
                response = try await http.send(method, url, headers: [("Authorization", authorization)], json: body)
            } catch {
                let what = TogglError.oneLine(String(describing: error), hiding: token)
                throw TogglError(.transport("\(method.rawValue) \(endpoint(url)): \(what)"), requestsMade: attempts)
            }
            let now = Date()
            let quota = recordQuota(response, at: now)
            switch response.status {
            case 200..<300:
                return response
            case 429:
                guard rateLimitRetries < retry.rateLimitBackoff.count else {
                    throw TogglError(.rateLimited(retryAt: now + retry.rateLimitedWait.timeInterval), requestsMade: attempts)
                }
                try await Task.sleep(for: retry.rateLimitBackoff[rateLimitRetries])
                rateLimitRetries += 1
            case 500...:
                guard retriesServerErrors, !retriedServerError else {
                    throw TogglError(.server(status: response.status), requestsMade: attempts)
                }
                retriedServerError = true
                try await Task.sleep(for: .seconds(Double.random(in: retry.serverRetryDelay)))
            case 402:
                // Without the header, the whole sliding hour is the longest the quota can take to free.
                let resetsAt = quota?.resetsAt ?? now + 3600
                throw TogglError(.quotaExceeded(remaining: quota?.remaining ?? 0, resetsAt: resetsAt), requestsMade: attempts)
            case 401, 403:
                throw TogglError(.invalidToken, requestsMade: attempts)
            case 404:
                throw TogglError(.notFound, requestsMade: attempts)
            default:
                throw TogglError(
                    .badRequest(status: response.status, message: message(in: response.body)), requestsMade: attempts)
            }
        }
    }

    /// Returns what this response said about the quota, and keeps it for `lastQuota`.
    private func recordQuota(_ response: SourceHTTP.Response, at now: Date) -> SourceQuota? {
        let remaining = response.header("X-Toggl-Quota-Remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let resetsIn = response.header("X-Toggl-Quota-Resets-In").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard remaining != nil || resetsIn != nil else { return nil }
        let quota = SourceQuota(remaining: remaining, resetsAt: resetsIn.map { now + $0 })
        seenQuota.withLock { $0 = quota }
        return quota
    }

    /// Toggl's error bodies are a JSON string, an object with a message, or plain text.
    private func message(in body: [UInt8]) -> String {
        let data = Data(body.prefix(4096))
        let text: String
        if let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            if let string = json as? String {
                text = string
            } else if let object = json as? [String: Any],
                let string = (object["message"] ?? object["error"] ?? object["error_message"]) as? String
            {
                text = string
            } else {
                text = String(decoding: data, as: UTF8.self)
            }
        } else {
            text = String(decoding: data, as: UTF8.self)
        }
        return TogglError.oneLine(text, hiding: token)
    }
}

extension Duration {
    // File-private so it cannot clash with a conversion another source adds to the module.
    fileprivate var timeInterval: TimeInterval {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
