import Foundation

/// Whose entries a Clockify source reads, and the zone Clockify reads query times in.
public struct ClockifyAccount: Codable, Sendable, Equatable {
    public var workspaceID: String
    public var userID: String
    /// `settings.timeZone`, an IANA name; nil when the account has none.
    public var timeZone: String?
    var fetchedAt: Date

    /// Read again once a day: the user may move and change the account's zone.
    static let refreshInterval: TimeInterval = 86_400

    public init(workspaceID: String, userID: String, timeZone: String?, fetchedAt: Date) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.timeZone = timeZone
        self.fetchedAt = fetchedAt
    }

    /// `GET /user`; `workspaceID` overrides the user's active workspace.
    static func fetch(client: ClockifyClient, workspaceID: String?, now: Date) async throws -> ClockifyAccount {
        let user = try await client.user()
        guard let workspace = workspaceID ?? user.workspaceID else {
            throw ClockifyError(.notFound("workspace for this user"))
        }
        return ClockifyAccount(workspaceID: workspace, userID: user.id, timeZone: user.timeZone, fetchedAt: now)
    }

    func isCurrent(at now: Date, workspaceID: String?) -> Bool {
        (workspaceID == nil || workspaceID == self.workspaceID) && abs(now.timeIntervalSince(fetchedAt)) < Self.refreshInterval
    }
}
