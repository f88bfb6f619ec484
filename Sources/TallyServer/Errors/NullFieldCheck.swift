import Foundation
import TallyCore
import TallyAPISpec
import Yams

/// Refuses `null` where `openapi.yaml` does not allow it. The generated types read a `null` as
/// a missing field, so `{"name": null}` in a PATCH changed nothing and answered 200, and
/// `{"date": null}` in a POST took today: now each is a 422 naming the field. Top-level fields
/// of JSON request bodies, read once from the spec per operation.
enum NullFieldCheck {
    /// "METHOD path" → the body's top-level fields that must not be null.
    static let operations: [String: Set<String>] = {
        guard let spec = (try? Yams.load(yaml: APISpec.yaml)) as? [String: Any],
            let paths = spec["paths"] as? [String: Any]
        else { return [:] }
        let schemas = ((spec["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        func resolve(_ value: Any?) -> [String: Any]? {
            guard let object = value as? [String: Any] else { return nil }
            guard let reference = object["$ref"] as? String, reference.hasPrefix("#/components/schemas/") else { return object }
            return schemas[String(reference.dropFirst("#/components/schemas/".count))] as? [String: Any]
        }
        func allowsNull(_ property: [String: Any]) -> Bool {
            if let types = property["type"] as? [Any] { return types.contains { "\($0)" == "null" } }
            if property["nullable"] as? Bool == true { return true }
            for key in ["oneOf", "anyOf"] {
                if let options = property[key] as? [Any], options.contains(where: { resolve($0).map(allowsNull) ?? false }) {
                    return true
                }
            }
            if let target = resolve(property), target as NSDictionary != property as NSDictionary { return allowsNull(target) }
            return property["type"] as? String == "null"
        }
        var result: [String: Set<String>] = [:]
        for case let (path, item as [String: Any]) in paths {
            for case let (method, operation as [String: Any]) in item {
                guard let body = operation["requestBody"] as? [String: Any],
                    let content = body["content"] as? [String: Any],
                    let json = content["application/json"] as? [String: Any],
                    let schema = resolve(json["schema"]), let properties = schema["properties"] as? [String: Any]
                else { continue }
                var fields: Set<String> = []
                for case let (name, property as [String: Any]) in properties where !allowsNull(property) { fields.insert(name) }
                result[method.uppercased() + " " + path] = fields
            }
        }
        return result
    }()

    static func check(method: String, path: String) throws(APIError) {
        guard let fields = operations[method + " " + path], !fields.isEmpty else { return }
        let nulls = ExplicitNulls.keys().intersection(fields)
        guard !nulls.isEmpty else { return }
        throw APIError.validation(nulls.sorted().map { FieldError(field: $0, "must not be null") })
    }
}
