import Logging
import Synchronization

/// A message worth logging the first time only, such as calls to a route that is switched off:
/// one line at debug level, not one per request.
final class LogOnce: Sendable {
    private let done = Atomic<Bool>(false)

    func debug(_ message: Logger.Message, to logger: Logger) {
        guard !done.exchange(true, ordering: .relaxed) else { return }
        logger.debug(message)
    }
}
