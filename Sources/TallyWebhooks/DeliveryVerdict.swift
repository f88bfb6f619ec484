import Foundation
import TallyStore

/// What an attempt's result means for the delivery: 2xx delivered; 410 gone for good;
/// redirects, timeouts, refusals and other statuses retried on the schedule, with 429 and 503
/// waiting at least as long as their `Retry-After` asks.
enum DeliveryVerdict {
    static func judge(
        _ result: DeliverySender.Result, attemptsBefore: Int, schedule: RetrySchedule, at now: Date
    ) -> (outcome: DeliveryAttempt.Outcome, error: String?) {
        if let status = result.statusCode {
            switch status {
            case 200..<300:
                return (.delivered, nil)
            case 410:
                return (.endpointGone(reason: "the endpoint answered 410 Gone"), "410 Gone: the endpoint was switched off")
            case 300..<400:
                return (retryOrFail(attemptsBefore, schedule, now, wait: nil), "answered \(status): redirects are not followed")
            case 429, 503:
                let wait = RetrySchedule.retryAfter(result.retryAfter, now: now)
                return (retryOrFail(attemptsBefore, schedule, now, wait: wait), "answered \(status)")
            default:
                return (retryOrFail(attemptsBefore, schedule, now, wait: nil), "answered \(status)")
            }
        }
        return (retryOrFail(attemptsBefore, schedule, now, wait: nil), result.error)
    }

    private static func retryOrFail(_ attemptsBefore: Int, _ schedule: RetrySchedule, _ now: Date, wait: TimeInterval?)
        -> DeliveryAttempt.Outcome
    {
        guard var next = schedule.nextAttempt(after: attemptsBefore + 1, failedAt: now) else { return .failed }
        if let wait { next = max(next, now.addingTimeInterval(wait)) }
        return .retry(at: next)
    }
}
