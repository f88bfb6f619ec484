import Foundation
import TallyAPISpec
import Yams

/// Renders `openapi.yaml` as one self-contained HTML page for `GET /docs`: no scripts, no fonts,
/// nothing loaded from elsewhere. Rendered once at start-up.
enum APIReferencePage {
    static func render(yaml: String) throws -> String {
        guard let spec = try Yams.load(yaml: yaml) as? [String: Any] else {
            throw DocsError("openapi.yaml is not a mapping")
        }
        let info = spec["info"] as? [String: Any] ?? [:]
        let paths = spec["paths"] as? [String: Any] ?? [:]
        let components = spec["components"] as? [String: Any] ?? [:]
        let schemas = components["schemas"] as? [String: Any] ?? [:]
        let sharedParameters = components["parameters"] as? [String: Any] ?? [:]
        let sharedResponses = components["responses"] as? [String: Any] ?? [:]

        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(info["title"] as? String ?? "API")) reference</title>
            <style>\(style)</style></head><body><main>
            <h1>\(escape(info["title"] as? String ?? "API")) <small>v\(escape(info["version"] as? String ?? ""))</small></h1>
            <p class="lead">\(escape(info["summary"] as? String ?? ""))</p>
            <p>The machine-readable description is at <a href="/openapi.yaml"><code>/openapi.yaml</code></a>.</p>
            \(markdown(info["description"] as? String ?? ""))
            <h2 id="operations">Operations</h2>
            """
        let methods = ["get", "post", "put", "patch", "delete"]
        for path in paths.keys.sorted(by: pathOrder) {
            guard let item = paths[path] as? [String: Any] else { continue }
            let pathParameters = item["parameters"] as? [Any] ?? []
            for method in methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                let id = operation["operationId"] as? String ?? "\(method)\(path)"
                html += "<section class=\"op\" id=\"\(escape(id))\">"
                html += "<h3><span class=\"method \(method)\">\(method.uppercased())</span> <code>\(escape(path))</code></h3>"
                html += "<p><strong>\(escape(operation["summary"] as? String ?? ""))</strong>"
                if let security = operation["security"] as? [Any], security.isEmpty {
                    html += " <span class=\"tag\">no API key needed</span>"
                }
                html += "</p>"
                html += markdown(operation["description"] as? String ?? "")
                let parameters = (pathParameters + (operation["parameters"] as? [Any] ?? [])).compactMap {
                    resolve($0, in: sharedParameters)
                }
                if !parameters.isEmpty {
                    html += "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>"
                    for parameter in parameters {
                        let required = parameter["required"] as? Bool == true ? " <em>required</em>" : ""
                        html += "<tr><td><code>\(escape(parameter["name"] as? String ?? ""))</code>\(required)</td>"
                        html += "<td>\(escape(parameter["in"] as? String ?? ""))</td>"
                        html += "<td>\(typeDescription(parameter["schema"]))</td>"
                        html += "<td>\(inline(parameter["description"] as? String ?? ""))</td></tr>"
                    }
                    html += "</table>"
                }
                if let body = operation["requestBody"] as? [String: Any],
                    let content = body["content"] as? [String: Any]
                {
                    for (type, media) in content.sorted(by: { $0.key < $1.key }) {
                        let schema = (media as? [String: Any])?["schema"]
                        html += "<p>Request body (<code>\(escape(type))</code>): \(typeDescription(schema))</p>"
                    }
                }
                html += "<ul class=\"responses\">"
                let responses = operation["responses"] as? [String: Any] ?? [:]
                for status in responses.keys.sorted() {
                    guard let response = resolve(responses[status] as Any, in: sharedResponses) else { continue }
                    var schemaText = ""
                    if let content = response["content"] as? [String: Any] {
                        schemaText = content.sorted(by: { $0.key < $1.key }).map { type, media in
                            " — <code>\(escape(type))</code> \(typeDescription((media as? [String: Any])?["schema"]))"
                        }.joined()
                    }
                    html += "<li><code>\(escape(status))</code> \(inline(response["description"] as? String ?? ""))\(schemaText)</li>"
                }
                html += "</ul></section>"
            }
        }
        html += "<h2 id=\"schemas\">Schemas</h2>"
        for name in schemas.keys.sorted() {
            guard let schema = schemas[name] as? [String: Any] else { continue }
            html += "<section class=\"schema\" id=\"schema-\(escape(name))\"><h3>\(escape(name))</h3>"
            html += markdown(schema["description"] as? String ?? "")
            html += schemaTable(schema)
            html += "</section>"
        }
        html += "<h2 id=\"problems\">Problem types</h2><p>Errors are <code>application/problem+json</code>; their <code>type</code> links here.</p><dl>"
        for (slug, meaning) in problemTypes {
            html += "<dt id=\"problem-\(slug)\"><code>\(slug)</code></dt><dd>\(escape(meaning))</dd>"
        }
        html += "</dl></main></body></html>\n"
        return html
    }

    static let problemTypes: [(String, String)] = [
        ("bad-request", "The request is malformed: a bad parameter, cursor or header."),
        ("malformed-json", "The body is not valid JSON."),
        ("unauthorized", "No API key, or an unknown, expired or revoked one."),
        ("forbidden", "The API key's scope does not allow this operation."),
        ("not-found", "No resource or route has this path."),
        ("method-not-allowed", "The path exists, but not with this method; see the Allow header."),
        ("conflict", "The resource already exists (existing_id names it), or a request with the same Idempotency-Key is still running."),
        ("validation-failed", "One or more fields are invalid; errors lists each with a JSON pointer."),
        ("idempotency-key-reused", "The Idempotency-Key was used before with a different request."),
        ("content-too-large", "The body is over the size limit."),
        ("unsupported-media-type", "The body is not JSON."),
        ("rate-limited", "The API key used its requests for this window; wait Retry-After seconds."),
        ("unavailable", "The database cannot be reached."),
        ("internal-error", "The server failed; the request_id is in its log."),
    ]

    static func pathOrder(_ lhs: String, _ rhs: String) -> Bool {
        (lhs.hasPrefix("/v1") ? 1 : 0, lhs) < (rhs.hasPrefix("/v1") ? 1 : 0, rhs)
    }

    static func resolve(_ value: Any, in shared: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        if let reference = object["$ref"] as? String, let name = reference.split(separator: "/").last {
            return shared[String(name)] as? [String: Any]
        }
        return object
    }

    static func typeDescription(_ schema: Any?) -> String {
        guard let schema = schema as? [String: Any] else { return "" }
        if let reference = schema["$ref"] as? String, let name = reference.split(separator: "/").last {
            return "<a href=\"#schema-\(escape(String(name)))\">\(escape(String(name)))</a>"
        }
        if let allOf = schema["allOf"] as? [Any] {
            return allOf.map(typeDescription).joined(separator: " + ")
        }
        var type: String
        if let types = schema["type"] as? [String] {
            type = types.joined(separator: " | ")
        } else {
            type = schema["type"] as? String ?? "any"
        }
        if type == "array" { type = "array of " + typeDescription(schema["items"]) }
        if let format = schema["format"] as? String { type += " (\(format))" }
        if let values = schema["enum"] as? [Any] { type += ": " + values.map { "\($0)" }.joined(separator: ", ") }
        if type.hasPrefix("<a") { return type }
        return escape(type).replacingOccurrences(of: "array of &lt;", with: "array of <")
            .replacingOccurrences(of: "&lt;a href", with: "<a href")
    }

    static func schemaTable(_ schema: [String: Any]) -> String {
        if let allOf = schema["allOf"] as? [Any] {
            return "<p>All of: " + allOf.map(typeDescription).joined(separator: ", ") + "</p>"
                + allOf.compactMap { ($0 as? [String: Any]).flatMap { $0["properties"] != nil ? schemaTable($0) : nil } }
                .joined()
        }
        guard let properties = schema["properties"] as? [String: Any] else {
            return "<p>\(typeDescription(schema))</p>"
        }
        let required = Set(schema["required"] as? [String] ?? [])
        var html = "<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>"
        for name in properties.keys.sorted() {
            let property = properties[name] as? [String: Any] ?? [:]
            html += "<tr><td><code>\(escape(name))</code>\(required.contains(name) ? " <em>required</em>" : "")</td>"
            html += "<td>\(typeDescription(property))</td><td>\(inline(property["description"] as? String ?? ""))</td></tr>"
        }
        html += "</table>"
        if schema["additionalProperties"] as? Bool == true { html += "<p>Other fields are allowed.</p>" }
        return html
    }

    /// Paragraphs, `**bold**` and `code`: the little Markdown the spec's descriptions use.
    static func markdown(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }.map { "<p>\(inline($0))</p>" }.joined()
    }

    static func inline(_ text: String) -> String {
        var html = ""
        var code = false
        for (index, part) in escape(text).components(separatedBy: "`").enumerated() {
            if index > 0 { html += code ? "</code>" : "<code>" ; code.toggle() }
            html += code ? part : bold(part)
        }
        if code { html += "</code>" }
        return html
    }

    static func bold(_ text: String) -> String {
        text.components(separatedBy: "**").enumerated().map { index, part in
            index % 2 == 1 ? "<strong>\(part)</strong>" : part
        }.joined()
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let style = """
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
        main{max-width:960px;margin:0 auto;padding:24px 32px 64px;background:#fff}
        h1 small{font-size:55%;color:#687083}.lead{font-size:17px;color:#3b4252}
        h2{border-bottom:1px solid #e3e6eb;padding-bottom:4px;margin-top:40px}
        code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px}
        .op,.schema{border:1px solid #e3e6eb;border-radius:6px;padding:4px 16px 8px;margin:16px 0}
        .method{display:inline-block;min-width:56px;text-align:center;color:#fff;border-radius:4px;font-size:13px;padding:2px 6px}
        .get{background:#2f7d4f}.post{background:#2456a6}.patch{background:#9a6b00}.put{background:#6b4aa6}.delete{background:#b03a2e}
        .tag{font-size:12px;background:#eef6ee;color:#2f7d4f;border-radius:3px;padding:1px 6px}
        table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;border-bottom:1px solid #eceff3;padding:4px 8px;vertical-align:top}
        th{font-size:13px;color:#687083}dt{margin-top:8px}
        """
}

struct DocsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The API description this binary serves, for `tally openapi`.
public enum APIReference {
    public static var yaml: String { APISpec.yaml }

    public static func html() throws -> String { try APIReferencePage.render(yaml: APISpec.yaml) }
}
