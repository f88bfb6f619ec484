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
        // An undecodable query value arrives without its parameter's name: find it.
        if underlying is DecodingError || underlying is InvalidInstantText,
            let field = QueryParameterCheck.firstInvalid(operationID: error.operationID, request: error.request)
        {
            return (.badRequest("\(field.pointer.dropFirst(2)) \(field.detail)", errors: [field]), false)
        }
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
            return keys.isEmpty ? "#" : "#/" + keys.joined(separator: "/")
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

    /// Errors the decoder reports without the field (a bad date-time, a number too large or not
    /// whole for its field) as a 422 naming it, found by its value in the body.
    static func locatingInvalidInstant(_ error: any Error, body: [UInt8]) -> any Error {
        let underlying = (error as? ServerError)?.underlyingError ?? error
        guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return error }
        if let invalid = underlying as? InvalidInstantText {
            let candidates = pointers(in: json, at: "#") { ($0 as? String) == invalid.text }
            // Of fields with the same text (often ""), the one that holds date-times.
            guard let pointer = candidates.first(where: { isDateTimeField($0) }) ?? candidates.first else { return error }
            return APIError.validation([FieldError(pointer: pointer, detail: InvalidInstantText.detail)])
        }
        // Foundation's decoder calls a number that does not fit its field (5.5 or 1e22 for a whole
        // number) "not valid JSON", with no path; the body parsed, so it is such a number.
        if case .dataCorrupted(let context) = underlying as? DecodingError, context.codingPath.isEmpty {
            let candidates = pointers(in: json, at: "#") { value in
                guard let number = value as? NSNumber, !(value is Bool) else { return false }
                let double = number.doubleValue
                return double != double.rounded() || abs(double) > 9_007_199_254_740_992
            }
            guard let pointer = candidates.first else { return error }
            return APIError.validation([FieldError(pointer: pointer, detail: "must be a whole number")])
        }
        return error
    }

    static let dateTimeFields: Set<String> = ["start", "stop", "expires_at", "updated_since", "from", "to", "at"]

    static func isDateTimeField(_ pointer: String) -> Bool {
        pointer.split(separator: "/").last.map { dateTimeFields.contains(String($0)) } ?? false
    }

    /// Every pointer in `value` at which `matches` holds, in key order.
    static func pointers(in value: Any, at path: String, where matches: (Any) -> Bool) -> [String] {
        if matches(value) { return [path] }
        switch value {
        case let object as [String: Any]:
            return object.sorted(by: { $0.key < $1.key }).flatMap { key, element in
                let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
                return pointers(in: element, at: path + "/" + escaped, where: matches)
            }
        case let array as [Any]:
            return array.enumerated().flatMap { index, element in pointers(in: element, at: path + "/\(index)", where: matches) }
        default:
            return []
        }
    }
}
