import Foundation

/// Answers recorded from the real Toggl, served byte for byte instead of the fake's own, so a
/// client meets Toggl's actual bodies (see VCRCassette for reading go-vcr recordings).
extension FakeToggl {
    public struct RecordedAnswer: Sendable {
        public var method: String
        /// Below the API base, a `*` standing for one segment: `/me/time_entries`,
        /// `/workspaces/*/time_entries/*/stop`.
        public var endpoint: String
        /// Query items the request must carry, whatever their values; it may carry others too.
        public var queryNames: Set<String>
        public var status: Int
        public var body: [UInt8]

        public init(method: String, endpoint: String, queryNames: Set<String> = [], status: Int = 200, body: [UInt8]) {
            self.method = method
            self.endpoint = endpoint
            self.queryNames = queryNames
            self.status = status
            self.body = body
        }

        /// A recorded interaction, answering requests to the same endpoint; `endpoint` and
        /// `queryNames` widen or narrow what it answers (a recorded id becomes `*`, say).
        public init(_ interaction: VCRCassette.Interaction, endpoint: String? = nil, queryNames: Set<String>? = nil) {
            let path = interaction.url.path
            let below = path.hasPrefix(FakeToggl.apiPath) ? String(path.dropFirst(FakeToggl.apiPath.count)) : path
            self.init(
                method: interaction.method, endpoint: endpoint ?? below,
                queryNames: queryNames ?? Set(interaction.queryItems.keys), status: interaction.status,
                body: Array(interaction.responseBody.utf8))
        }
    }

    /// Serves `answer` to every matching API v9 request from now on, after the token and quota
    /// checks; the latest answer served for a request wins.
    public func serve(_ answer: RecordedAnswer) {
        state.withLock { $0.recorded.append(answer) }
    }

    /// Back to the fake's own answers.
    public func clearRecordedAnswers() {
        state.withLock { $0.recorded.removeAll() }
    }
}

extension FakeTogglState {
    func recordedAnswer(_ request: FakeTogglRequest) -> FakeTogglAnswer? {
        guard request.api == .rest else { return nil }
        let found = recorded.last { answer in
            answer.method == request.method && match(request.endpoint, answer.endpoint) != nil
                && answer.queryNames.isSubset(of: Set(request.query.keys))
        }
        return found.map { FakeTogglAnswer(status: $0.status, body: $0.body) }
    }
}
