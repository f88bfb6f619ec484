import Foundation

/// Executables SwiftPM built for this package (`tally`, `gen-health-export`), found where the
/// build put them: in the folder holding the running test bundle (the build's bin path), or a
/// folder above it.
public enum BuiltProducts {
    /// The executable `name`; `variable`, when set in the environment, names another one instead.
    /// Falls back to the bundle's own folder, so a missing product fails where it is run.
    public static func executable(_ name: String, overriddenBy variable: String) -> URL {
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return executable.deletingLastPathComponent().appendingPathComponent(name)
    }
}
