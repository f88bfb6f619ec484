import Logging

/// Wraps the process's log handler so that no message or metadata value carries a secret, from
/// whichever library it comes (see `SecretRedaction`).
public struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    public init(_ inner: any LogHandler) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue.mapValues(Self.redact) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = Self.requestIDKeys.contains(key) ? newValue : newValue.map(Self.redact) }
    }

    /// Request ids (Tally's and Hummingbird's) look like tokens but are what a reader greps for.
    static let requestIDKeys: Set<String> = ["request_id", "hb.request.id"]

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: SecretRedaction.redact(event.message.description))
        event.metadata = event.metadata.map { metadata in
            Dictionary(uniqueKeysWithValues: metadata.map { key, value in
                (key, Self.requestIDKeys.contains(key) ? value : Self.redact(value))
            })
        }
        event.error = nil
        inner.log(event: event)
    }

    static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(SecretRedaction.redact(text))
        case .stringConvertible(let convertible): .string(SecretRedaction.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
