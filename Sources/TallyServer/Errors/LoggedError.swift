import OpenAPIRuntime

/// What the log says of a failed request: the error's type and message, never the request it
/// came with. `String(reflecting:)` of the generated layer's `ServerError` prints the whole
/// request, headers and body included: the caller's key, cookie and CSRF token.
enum LoggedError {
    static func summary(_ error: any Error) -> String {
        if let error = error as? ServerError {
            return SecretRedaction.redact(
                "\(error.operationID): \(error.causeDescription): \(summary(error.underlyingError))")
        }
        return SecretRedaction.redact("\(type(of: error)): \(error)")
    }
}
