import Foundation
import TallyIntegrations

// Reads one export and prints what it found; bench/health/run.sh times it.
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: tally-health-bench PATH\n".utf8))
    exit(2)
}
let started = Date()
do {
    let reader = try HealthExportReader(path: CommandLine.arguments[1])
    var secondsByActivity: [String: (count: Int, seconds: Int64)] = [:]
    var progressReports = 0
    let summary = try reader.read(progress: { _ in progressReports += 1 }) { record in
        switch record {
        case .workout(let workout):
            secondsByActivity[workout.activityName, default: (0, 0)].count += 1
            secondsByActivity[workout.activityName, default: (0, 0)].seconds += workout.elapsedSeconds
        case .mindfulSession(let session):
            secondsByActivity["Mindful Session", default: (0, 0)].count += 1
            secondsByActivity["Mindful Session", default: (0, 0)].seconds += session.elapsedSeconds
        }
    }
    for (name, total) in secondsByActivity.sorted(by: { $0.key < $1.key }) {
        print("\(name): \(total.count) (\(total.seconds) s)")
    }
    print("workouts \(summary.workouts), mindful sessions \(summary.mindfulSessions), "
        + "\(summary.xmlBytes) XML bytes from \(summary.xmlName), \(progressReports) progress reports, "
        + String(format: "%.3f s", Date().timeIntervalSince(started)))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
