/// The dashboard's Mustache templates, stylesheet and script, compiled into the binary so a
/// deployment is one file and nothing is fetched from elsewhere.
public enum DashboardAssets {
    /// Template name → source.
    public static var templates: [String: String] {
        [
            "layout": PackageResources.layout_mustache, "signin": PackageResources.signin_mustache,
            "setup": PackageResources.setup_mustache, "overview": PackageResources.overview_mustache,
            "entries": PackageResources.entries_mustache, "team": PackageResources.team_mustache,
            "integrations": PackageResources.integrations_mustache, "settings": PackageResources.settings_mustache,
            "message": PackageResources.message_mustache,
        ].mapValues { String(decoding: $0, as: UTF8.self) }
    }

    public static var stylesheet: [UInt8] { PackageResources.dashboard_css }
    public static var script: [UInt8] { PackageResources.dashboard_js }
}
