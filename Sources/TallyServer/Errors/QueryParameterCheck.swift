import Foundation
import HTTPTypes
import TallyCore

/// Names the query parameter a request got wrong. The generated layer reports an undecodable
/// query value as a decoding error without the parameter's name; when that happens, the request's
/// query is checked against the operation's parameters in `openapi.yaml`, the one description of
/// them, and the first that does not fit is named.
enum QueryParameterCheck {
    enum Shape: Equatable {
        case integer
        case number
        case boolean
        case dateTime
        case oneOf([String])
        case text
    }

    struct Parameter {
        var shape: Shape
        var required: Bool
    }

    /// operationId → query parameter name → its shape, read once from the embedded spec.
    static let operations: [String: [String: Parameter]] = {
        let spec = SpecDocument.embedded
        func shape(_ schema: [String: Any]) -> Shape {
            if let values = schema["enum"] as? [Any] { return .oneOf(values.map { "\($0)" }) }
            switch schema["type"] as? String {
            case "integer": return .integer
            case "number": return .number
            case "boolean": return .boolean
            case "string": return schema["format"] as? String == "date-time" ? .dateTime : .text
            default: return .text
            }
        }
        var result: [String: [String: Parameter]] = [:]
        spec.forEachOperation { _, _, operation, shared in
            guard let id = operation["operationId"] as? String else { return }
            var parameters: [String: Parameter] = [:]
            for entry in shared + (operation["parameters"] as? [Any] ?? []) {
                guard let parameter = spec.resolve(entry), parameter["in"] as? String == "query",
                    let name = parameter["name"] as? String, let schema = spec.resolve(parameter["schema"])
                else { continue }
                parameters[name] = Parameter(shape: shape(schema), required: parameter["required"] as? Bool == true)
            }
            result[id] = parameters
        }
        return result
    }()

    /// The first query parameter of `request` that is missing or does not fit what `operationID` takes.
    static func firstInvalid(operationID: String, request: HTTPRequest) -> FieldError? {
        guard let parameters = operations[operationID], let path = request.path,
            let components = URLComponents(string: path)
        else { return nil }
        let items = components.queryItems ?? []
        for (name, parameter) in parameters.sorted(by: { $0.key < $1.key })
        where parameter.required && !items.contains(where: { $0.name == name }) {
            return FieldError(field: name, "is required")
        }
        for item in items {
            guard let shape = parameters[item.name]?.shape else { continue }
            let value = item.value ?? ""
            switch shape {
            case .integer where Int(value) == nil:
                return FieldError(field: item.name, "must be a whole number, not '\(value)'")
            case .number where Double(value) == nil:
                return FieldError(field: item.name, "must be a number, not '\(value)'")
            case .boolean where value != "true" && value != "false":
                return FieldError(field: item.name, "must be true or false, not '\(value)'")
            case .dateTime where RFC3339.parse(value) == nil:
                return FieldError(field: item.name, InvalidInstantText.detail + ", not '\(value)'")
            case .oneOf(let allowed) where !allowed.contains(value):
                return FieldError(field: item.name, "must be one of \(allowed.joined(separator: ", ")), not '\(value)'")
            default:
                continue
            }
        }
        return nil
    }
}
