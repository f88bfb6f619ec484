import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAPIRuntime
import TallyCore
import TallyIntegrations

/// Turns any error into the `APIError` the client sees. The one place where errors are mapped.
enum ProblemMapping {
    /// - Returns: the client-facing error, and whether it is the server's fault (to be logged).
    static func apiError(for error: any Error) -> (APIError, serverFault: Bool) {
        switch error {
        case let error as APIError:
            return (error, error.isServerFault ?? (error.status.code >= 500))
        case let error as ServerError:
            return fromOpenAPI(error)
        case let error as TallyError:
            return fromDomain(error)
        case let error as ValidationError:
            return (.validation(error.errors), false)
        case let error as any SourceError:
            if let until = error.waitUntil { return (.sourceWaiting(error.description, until: until, now: Date()), false) }
            return (.sourceFailed(error.description), false)
        case let error as SourceNotConfigured:
            return (.conflict(error.description), false)
        case let error as CategoryRulesFileError:
            return (.unavailable(error.description), true)
        case let error as DecodingError:
            return (fromDecoding(error), false)
        case let error as InvalidInstantText:
            return (.validation([FieldError(pointer: "#/", detail: error.description)]), false)
        case is NIOTooManyBytesError:
            return (.contentTooLarge(limit: 0), false)
        case let error as HTTPError:
            if error.status == .notFound {
                return (.notFound("no route matches this path"), false)
            }
            return (
                APIError(
                    status: error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase,
                    detail: error.body), error.status.code >= 500
            )
        default:
            return (.internalError, true)
        }
    }

    static func fromDomain(_ error: TallyError) -> (APIError, serverFault: Bool) {
        switch error {
        case .notFound(let kind, let id): (.notFound("no \(kind) has the id '\(id)'"), false)
        case .conflict(let detail, let existingID): (.conflict(detail, existingID: existingID), false)
        case .invalid(let validation): (.validation(validation.errors), false)
        case .databaseUnavailable(let detail): (.unavailable(detail), true)
        }
    }

    /// Errors from the generated layer: undecodable bodies and parameters, or a handler's own error.
    static func fromOpenAPI(_ error: ServerError) -> (APIError, serverFault: Bool) {
        let underlying = error.underlyingError
        if underlying is APIError || underlying is TallyError || underlying is ValidationError
            || underlying is DecodingError || underlying is any SourceError || underlying is SourceNotConfigured
            || underlying is CategoryRulesFileError || underlying is InvalidInstantText
        {
            return apiError(for: underlying)
        }
        if error.httpStatus.code < 500 {
            // The runtime's own error names the parameter ("Missing required query parameter named: to").
            let cause = String(describing: underlying)
            return (APIError(
                status: error.httpStatus, slug: "bad-request", title: error.httpStatus.reasonPhrase,
                detail: cause.isEmpty ? error.causeDescription : cause), false)
        }
        return apiError(for: underlying)
    }

    static func fromDecoding(_ error: DecodingError) -> APIError {
        func pointer(_ path: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (path + (last.map { [$0] } ?? [])).map { key in key.intValue.map(String.init) ?? key.stringValue }
            return "#/" + keys.joined(separator: "/")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation([FieldError(pointer: pointer(context.codingPath, key), detail: "is required")])
        case .typeMismatch(let type, let context):
            return .validation([FieldError(pointer: pointer(context.codingPath), detail: "must be \(describe(type))")])
        case .valueNotFound(let type, let context):
            return .validation([FieldError(pointer: pointer(context.codingPath), detail: "must be \(describe(type)), not null")])
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .malformedJSON("the request body is not valid JSON")
            }
            return .validation([FieldError(pointer: pointer(context.codingPath), detail: "has an invalid value")])
        @unknown default:
            return .malformedJSON("the request body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "Int", "Int64", "Int32": return "a whole number"
        case "Double", "Float": return "a number"
        case "String": return "a string"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.hasPrefix("OpenAPIObjectContainer") { return "an object" }
            return "a valid value"
        }
    }

    /// A bad date-time in a JSON body as a 422 naming its field, found by its text in the body.
    static func locatingInvalidInstant(_ error: any Error, body: [UInt8]) -> any Error {
        let invalid = (error as? InvalidInstantText) ?? ((error as? ServerError)?.underlyingError as? InvalidInstantText)
        guard let invalid, let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let pointer = pointer(to: invalid.text, in: json, at: "#")
        else { return error }
        return APIError.validation([FieldError(pointer: pointer, detail: InvalidInstantText.detail)])
    }

    static func pointer(to text: String, in value: Any, at path: String) -> String? {
        switch value {
        case let string as String:
            return string == text ? path : nil
        case let object as [String: Any]:
            for (key, element) in object.sorted(by: { $0.key < $1.key }) {
                let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                if let found = pointer(to: text, in: element, at: path + "/" + escaped) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = pointer(to: text, in: element, at: path + "/\(index)") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
