// The retry machine, one per request: Idle / Attempting / BackingOff / Succeeded / Exhausted /
// Rejected. The Boost.MSM transition table is in retry.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/rng.hpp"
#include "model/time.hpp"
#include "statemachines/backoff.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

enum class RetryState { Idle, Attempting, BackingOff, Succeeded, Exhausted, Rejected };
std::string_view name(RetryState s);

// How one attempt ended, as the caller saw it.
enum class AttemptOutcome { Error, Timeout, BreakerRejected, BulkheadRejected };
std::string_view name(AttemptOutcome o);

// Why a request ended, when it did not succeed.
enum class RetryEnd { None, Succeeded, AttemptsExhausted, DeadlineExceeded, NotRetryable, BudgetDenied };
std::string_view name(RetryEnd e);

struct RetryableOutcomes {
    bool error = true;
    bool timeout = true;
    // Resilience4j's advice (#920): do not retry a breaker's CallNotPermitted, it only adds load.
    bool breaker_rejected = false;
    bool bulkhead_rejected = false;
    bool contains(AttemptOutcome o) const;
};

struct RetryConfig {
    // Counts the first call, as Resilience4j's maxAttempts and gRPC's maxAttempts do: 4 = one
    // call and three retries. Polly's MaxRetryAttempts counts only retries: use with_max_retries.
    std::uint32_t max_attempts = 3;
    // Per-attempt timeout (0 = none). It starts when the attempt is sent, or, with
    // timeout_starts_after_admission, when the owner reports attempt_admitted (the tutorial: after
    // the bulkhead slot is taken).
    Duration per_attempt_timeout = Duration::zero();
    bool timeout_starts_after_admission = false;
    // Overall deadline over all attempts and backoffs (gRPC deadline, Envoy route timeout); 0 = none.
    // A retry whose backoff would end at or past the deadline is not started.
    Duration overall_deadline = Duration::zero();
    BackoffConfig backoff;
    RetryableOutcomes retry_on;

    RetryConfig& with_max_retries(std::uint32_t retries) {
        max_attempts = retries + 1;
        return *this;
    }
    // The tutorial: 3 retries (4 attempts), 120 ms per attempt after the bulkhead admits it,
    // full-jitter exponential backoff 20 ms .. 400 ms.
    static RetryConfig tutorial();

    void validate() const;  // throws ConfigError naming the field and the value
};

// A retry budget the machine asks before each retry (gRPC throttle, Finagle, Envoy, AWS quota).
// Asked only when a retry is otherwise allowed, so a token is spent only for a real retry.
class RetryGate {
public:
    virtual ~RetryGate() = default;
    virtual bool try_acquire_retry(Time now) = 0;
};

class Retry {
public:
    // `rng` draws the jitter; `gate` may be null (no budget). Both must outlive the machine.
    Retry(const RetryConfig& config, std::uint64_t request, Effects& effects, Rng& rng, RetryGate* gate = nullptr);
    ~Retry();
    Retry(const Retry&) = delete;
    Retry& operator=(const Retry&) = delete;

    // Events.
    void request_started(Time now);
    void attempt_admitted(Time now);  // only with timeout_starts_after_admission
    void attempt_succeeded(Time now);
    void attempt_failed(Time now, AttemptOutcome outcome);
    void attempt_timed_out(Time now) { attempt_failed(now, AttemptOutcome::Timeout); }  // RetryAttemptTimeout fired
    void backoff_elapsed(Time now);   // RetryBackoff fired
    void deadline_reached(Time now);  // RetryDeadline fired

    // Read-outs.
    RetryState state() const;
    bool finished() const;
    RetryEnd end() const;
    std::uint32_t attempts() const;  // attempts sent so far
    Duration last_backoff() const;
    std::uint64_t late_outcomes() const;  // outcomes of attempts abandoned at the deadline
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
