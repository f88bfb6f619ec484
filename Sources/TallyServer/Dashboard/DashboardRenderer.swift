import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import TallyDashboardAssets

/// Renders pages: a page template into the layout, with the strings of the reader's language.
struct DashboardRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, source) in DashboardAssets.templates {
            try library.register(source, named: name)
        }
        self.library = library
    }

    /// What every page's frame shows.
    struct Frame {
        var language: Language
        var title: String
        var path: String
        var signedIn: SignedIn?
        var sync: [String: Any]?
        /// A one-line notice at the top (saved, or what went wrong).
        var notice: String?
        var noticeIsError = false
    }

    func page(_ template: String, _ values: [String: Any], frame: Frame, status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        let strings = frame.language.strings
        context["t"] = strings
        context["csrf"] = frame.signedIn?.session.csrfToken ?? ""
        let content = library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "t": strings, "lang": frame.language.rawValue, "title": frame.title, "content": content,
            "path": frame.path, "csrf": frame.signedIn?.session.csrfToken ?? "",
            "languages": Language.allCases.map { ["code": $0.rawValue, "label": $0.rawValue.uppercased(), "current": $0 == frame.language] },
        ]
        if let notice = frame.notice { layout["notice"] = ["text": notice, "error": frame.noticeIsError] }
        if let signedIn = frame.signedIn {
            layout["user"] = ["name": signedIn.user.name, "id": signedIn.user.id, "admin": signedIn.user.role == .admin]
            layout["nav"] = [
                ("/", "overview"), ("/entries", "entries"), ("/team", "team"), ("/integrations", "integrations"),
                ("/settings", "settings"),
            ].map { href, key in ["href": href, "label": strings[key] ?? key, "current": href == frame.path] }
        }
        if let sync = frame.sync { layout["sync"] = sync }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!:
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
