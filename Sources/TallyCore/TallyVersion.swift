/// The version Tally reports in /health, the CLI and webhook User-Agents.
public enum TallyVersion {
    public static let current = "0.1.0"
}
