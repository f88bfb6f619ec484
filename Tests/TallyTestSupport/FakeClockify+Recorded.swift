import Foundation

/// Answers recorded from the real Clockify, served byte for byte instead of the fake's own.
extension FakeClockify {
    public struct RecordedAnswer: Sendable {
        public var method: String
        /// After `/api/v1`, a `*` standing for one segment: `/user`, `/workspaces/*/projects`.
        public var path: String
        public var status: Int
        public var body: [UInt8]

        public init(method: String, path: String, status: Int = 200, body: [UInt8]) {
            self.method = method
            self.path = path
            self.status = status
            self.body = body
        }

        func matches(method: String, path: String) -> Bool {
            let parts = path.split(separator: "/")
            let wanted = self.path.split(separator: "/")
            return method == self.method && parts.count == wanted.count
                && zip(parts, wanted).allSatisfy { $1 == "*" || $0 == $1 }
        }
    }

    /// Serves `answer` to every matching request with the right key from now on, ahead of the
    /// fake's own answers (and of its workspace checks: recorded ids are not the fake's). The
    /// latest answer served for a request wins.
    public func serve(_ answer: RecordedAnswer) {
        state.withLock { $0.recorded.append(answer) }
    }

    /// Back to the fake's own answers.
    public func clearRecordedAnswers() {
        state.withLock { $0.recorded.removeAll() }
    }
}
