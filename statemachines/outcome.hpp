// How one attempt (an RPC attempt, a consumer's call) ended, as the caller saw it. The retry
// machine decides on it, the breaker records it, the retry budgets charge by it.
#pragma once

#include <charconv>     // std::from_chars
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <initializer_list>
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"

namespace cascadelab {

enum class AttemptOutcome : std::uint8_t {
    Error,             // a retryable failure (gRPC UNAVAILABLE, HTTP 5xx)
    Timeout,           // the caller gave up waiting (AWS charges its retry more)
    Throttled,         // the service refused for load (HTTP 429, ThrottlingException, a full accept queue)
    FatalError,        // a failure no retry can fix (gRPC INVALID_ARGUMENT, HTTP 4xx): never retried by default
    BreakerRejected,   // the circuit breaker refused the call
    BulkheadRejected,  // the bulkhead refused the call (full, or the wait ran out)
};
inline constexpr std::size_t kAttemptOutcomeCount = 6;

constexpr std::string_view name(AttemptOutcome o) {
    switch (o) {
        case AttemptOutcome::Error: return "error";
        case AttemptOutcome::Timeout: return "timeout";
        case AttemptOutcome::Throttled: return "throttled";
        case AttemptOutcome::FatalError: return "fatal-error";
        case AttemptOutcome::BreakerRejected: return "breaker-rejected";
        case AttemptOutcome::BulkheadRejected: return "bulkhead-rejected";
    }
    return "?";
}

// A set of outcome classes: which ones a retry follows (RetryConfig::retry_on), which failed
// deliveries go back to the queue (MessageConfig::requeue_on). The defaults are the retry's.
struct OutcomeSet {
    bool error = true;
    bool timeout = true;
    bool throttled = true;
    bool fatal_error = false;  // gRPC fatal status codes, HTTP 4xx, a poison message: no retry fixes them
    // Resilience4j's advice (#920): do not retry a breaker's CallNotPermitted, it only adds load.
    bool breaker_rejected = false;
    bool bulkhead_rejected = false;

    constexpr bool contains(AttemptOutcome o) const {
        switch (o) {
            case AttemptOutcome::Error: return error;
            case AttemptOutcome::Timeout: return timeout;
            case AttemptOutcome::Throttled: return throttled;
            case AttemptOutcome::FatalError: return fatal_error;
            case AttemptOutcome::BreakerRejected: return breaker_rejected;
            case AttemptOutcome::BulkheadRejected: return bulkhead_rejected;
        }
        return false;
    }
    bool operator==(const OutcomeSet&) const = default;
};

// What the server said about retrying, with its answer (gRPC A6 "grpc-retry-pushback-ms"; the AWS
// SDKs' x-amz-retry-after is the same idea).
struct Pushback {
    enum class Kind : std::uint8_t { None, RetryAfter, Stop };
    Kind kind = Kind::None;
    Duration after;  // RetryAfter: the server-chosen delay

    static Pushback none() { return {}; }
    static Pushback retry_after(Duration d) { return {Kind::RetryAfter, d}; }
    // A negative or unparseable pushback: "do not retry at all".
    static Pushback stop() { return {Kind::Stop, Duration::zero()}; }

    // gRPC A6: the grpc-retry-pushback-ms values of a response. No value: no pushback. One
    // non-negative whole number of milliseconds: retry after it. Anything else (negative, not a
    // number, empty, several values): the server asks not to retry at all.
    static Pushback from_grpc_header(std::initializer_list<std::string_view> values) {
        if (values.size() == 0) return none();
        if (values.size() > 1) return stop();
        const auto ms = whole_millis(*values.begin());
        return ms ? retry_after(Duration::millis(*ms)) : stop();
    }
    // AWS x-amz-retry-after (milliseconds): a hint the retry delay is bounded by; a value that is
    // not a whole number of milliseconds is ignored.
    static Pushback from_aws_retry_after(std::string_view value) {
        const auto ms = whole_millis(value);
        return ms ? retry_after(Duration::millis(*ms)) : none();
    }

private:
    // A non-negative whole number, all of `text`, that fits in a Duration of milliseconds.
    struct Millis {
        std::int64_t value = 0;
        bool ok = false;
        explicit operator bool() const { return ok; }
        std::int64_t operator*() const { return value; }
    };
    static Millis whole_millis(std::string_view text) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool ok = !text.empty() && ec == std::errc{} && end == text.data() + text.size() && v >= 0 &&
                        v <= Duration::max().us() / 1000;
        return Millis{v, ok};
    }
};

}  // namespace cascadelab
