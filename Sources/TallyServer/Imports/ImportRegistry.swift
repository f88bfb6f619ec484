import Foundation
import Synchronization
import TallyIntegrations

/// Imports running in the background and their outcome, for `GET /v1/imports/{id}`. Kept in
/// memory: an import cut short by a restart left nothing behind (it commits as a whole), and is
/// simply posted again.
final class ImportRegistry: Sendable {
    struct Status: Sendable {
        enum State: String, Sendable { case running, succeeded, failed }

        var id: String
        var userID: String
        var state: State = .running
        var bytesRead: Int64 = 0
        var totalBytes: Int64
        var workouts = 0
        var mindfulSessions = 0
        var added: Int?
        var alreadyPresent: Int?
        var error: String?
        var createdAt: Date
        var finishedAt: Date?
    }

    private let imports = Mutex<[String: Status]>([:])

    func status(_ id: String) -> Status? { imports.withLock { $0[id] } }

    func begin(_ status: Status) { imports.withLock { $0[status.id] = status } }

    func progress(_ id: String, _ progress: HealthExportProgress) {
        imports.withLock { imports in
            imports[id]?.bytesRead = progress.bytesRead
            imports[id]?.totalBytes = progress.totalBytes
            imports[id]?.workouts = progress.workouts
            imports[id]?.mindfulSessions = progress.mindfulSessions
        }
    }

    func finish(_ id: String, at now: Date, _ outcome: Result<HealthExportImport.Summary, any Error>) {
        imports.withLock { imports in
            guard var status = imports[id] else { return }
            status.finishedAt = now
            switch outcome {
            case .success(let summary):
                status.state = .succeeded
                status.bytesRead = status.totalBytes
                status.workouts = summary.workouts.values.reduce(0, +)
                status.mindfulSessions = summary.mindfulSessions
                status.added = summary.added
                status.alreadyPresent = summary.alreadyPresent
            case .failure(let error):
                status.state = .failed
                status.error = "\(error); nothing was imported"
            }
            imports[id] = status
        }
    }
}
