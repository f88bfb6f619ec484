import TallyAPISpec
import Yams

/// The embedded `openapi.yaml`, parsed once, for the checks that read the API's own description
/// of its parameters and bodies (`QueryParameterCheck`, `NullFieldCheck`).
struct SpecDocument: @unchecked Sendable {
    /// Yams' untyped tree; read only after it is built.
    let paths: [String: Any]
    let components: [String: Any]

    static let embedded: SpecDocument = {
        let spec = (try? Yams.load(yaml: APISpec.yaml)) as? [String: Any] ?? [:]
        return SpecDocument(
            paths: spec["paths"] as? [String: Any] ?? [:], components: spec["components"] as? [String: Any] ?? [:])
    }()

    /// An object, or the component a `$ref` such as `#/components/schemas/Goals` names.
    func resolve(_ value: Any?) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        guard let reference = object["$ref"] as? String, reference.hasPrefix("#/components/") else { return object }
        let parts = reference.dropFirst("#/components/".count).split(separator: "/").map(String.init)
        guard parts.count == 2 else { return nil }
        return (components[parts[0]] as? [String: Any])?[parts[1]] as? [String: Any]
    }

    /// Every operation, with its path, its method and the parameters of its path item.
    func forEachOperation(_ body: (_ path: String, _ method: String, _ operation: [String: Any], _ shared: [Any]) -> Void) {
        for case let (path, item as [String: Any]) in paths {
            let shared = item["parameters"] as? [Any] ?? []
            for case let (method, operation as [String: Any]) in item where method != "parameters" {
                body(path, method, operation, shared)
            }
        }
    }
}
