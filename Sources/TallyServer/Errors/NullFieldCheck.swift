import Foundation
import TallyCore

/// Refuses `null` where `openapi.yaml` does not allow it. The generated types read a `null` as
/// a missing field, so `{"name": null}` in a PATCH changed nothing and answered 200, and
/// `{"date": null}` in a POST took today: now each is a 422 naming the field. The rules come
/// from each operation's JSON request body schema, read once, nested objects and maps included.
enum NullFieldCheck {
    /// Which fields of an object may not be null, and the rules of the objects inside it.
    final class Rule: Sendable {
        /// Every property the schema names; others are the map's values.
        let known: Set<String>
        let nonNullable: Set<String>
        let properties: [String: Rule]
        /// For maps (`additionalProperties` with a schema): the rule of every value.
        let values: Rule?
        /// For arrays: the rule of every element.
        let elements: Rule?

        init(known: Set<String>, nonNullable: Set<String>, properties: [String: Rule], values: Rule?, elements: Rule?) {
            self.known = known
            self.nonNullable = nonNullable
            self.properties = properties
            self.values = values
            self.elements = elements
        }

        var isEmpty: Bool { nonNullable.isEmpty && properties.isEmpty && values == nil && elements == nil }

        func problems(in value: JSONValue, at pointer: String) -> [FieldError] {
            switch value {
            case .object(let object):
                var found: [FieldError] = []
                for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                    let path = pointer + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                    let isKnown = known.contains(key)
                    if member == .null {
                        // A map's values are objects, which are never null.
                        if nonNullable.contains(key) || (!isKnown && values != nil) {
                            found.append(FieldError(pointer: path, detail: "must not be null"))
                        }
                        continue
                    }
                    if let rule = isKnown ? properties[key] : values { found += rule.problems(in: member, at: path) }
                }
                return found
            case .array(let array):
                guard let elements else { return [] }
                return array.enumerated().flatMap { index, element in
                    element == .null ? [] : elements.problems(in: element, at: pointer + "/\(index)")
                }
            default:
                return []
            }
        }
    }

    /// "METHOD path" → the rule of its JSON body.
    static let operations: [String: Rule] = {
        let spec = SpecDocument.embedded
        func allowsNull(_ property: [String: Any]) -> Bool {
            if let types = property["type"] as? [Any] { return types.contains { "\($0)" == "null" } }
            if property["nullable"] as? Bool == true { return true }
            for key in ["oneOf", "anyOf"] {
                if let options = property[key] as? [Any], options.contains(where: { spec.resolve($0).map(allowsNull) ?? false }) {
                    return true
                }
            }
            if property["$ref"] != nil, let target = spec.resolve(property) { return allowsNull(target) }
            return property["type"] as? String == "null"
        }
        func rule(_ schema: [String: Any], depth: Int = 0) -> Rule? {
            guard depth < 8 else { return nil }
            var known: Set<String> = []
            var nonNullable: Set<String> = []
            var children: [String: Rule] = [:]
            for case let (name, raw as [String: Any]) in schema["properties"] as? [String: Any] ?? [:] {
                known.insert(name)
                if !allowsNull(raw) { nonNullable.insert(name) }
                if let target = spec.resolve(raw), let child = rule(target, depth: depth + 1) { children[name] = child }
            }
            let values = spec.resolve(schema["additionalProperties"]).flatMap { rule($0, depth: depth + 1) }
            let elements = spec.resolve(schema["items"]).flatMap { rule($0, depth: depth + 1) }
            let made = Rule(known: known, nonNullable: nonNullable, properties: children, values: values, elements: elements)
            return made.isEmpty ? nil : made
        }
        var result: [String: Rule] = [:]
        spec.forEachOperation { path, method, operation, _ in
            guard let body = operation["requestBody"] as? [String: Any],
                let content = body["content"] as? [String: Any],
                let json = content["application/json"] as? [String: Any],
                let schema = spec.resolve(json["schema"]), let made = rule(schema)
            else { return }
            result[method.uppercased() + " " + path] = made
        }
        return result
    }()

    static func check(method: String, path: String) throws(APIError) {
        guard let rule = operations[method + " " + path], let bytes = RawBody.bytes,
            let body = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        else { return }
        let problems = rule.problems(in: body, at: "#")
        if !problems.isEmpty { throw APIError.validation(problems) }
    }
}
