// The retry machine, one per request: Idle / Attempting / BackingOff / Succeeded / Exhausted /
// Rejected. The Boost.MSM transition table is in retry.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <array>        // std::array
#include <cstddef>      // std::byte
#include <string_view>  // std::string_view

#include "model/kernel/rng.hpp"
#include "model/kernel/time.hpp"
#include "statemachines/backoff.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

enum class RetryState : std::uint8_t { Idle, Attempting, BackingOff, Succeeded, Exhausted, Rejected };
std::string_view name(RetryState s);

// Why a request ended, when it did not succeed.
enum class RetryEnd : std::uint8_t { None, Succeeded, AttemptsExhausted, DeadlineExceeded, NotRetryable, BudgetDenied, PushbackStop };
std::string_view name(RetryEnd e);

// What a server's retry advice means to the client.
enum class PushbackMode {
    // gRPC A6: a delay replaces the backoff (even for a status that is not retryable) and the
    // backoff starts over after it; "stop" ends the request and counts as a throttled failure.
    Grpc,
    // AWS (x-amz-retry-after): only a hint for a retry that happens anyway; the delay becomes
    // min(max(hint, backoff), backoff + 5 s). There is no "stop".
    AwsRetryAfter,
};
std::string_view name(PushbackMode m);

using RetryableOutcomes = OutcomeSet;

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
    // AWS 2026: a throttled attempt backs off from this base instead (1 s); 0 = the same base.
    Duration throttle_backoff_base = Duration::zero();
    RetryableOutcomes retry_on;
    // Whether a server's pushback is heeded, and how (PushbackMode).
    bool honor_pushback = true;
    PushbackMode pushback_mode = PushbackMode::Grpc;

    RetryConfig& with_max_retries(std::uint32_t retries) {
        max_attempts = retries + 1;
        return *this;
    }
    // The tutorial: 3 retries (4 attempts), 120 ms per attempt after the bulkhead admits it,
    // full-jitter exponential backoff 20 ms .. 400 ms.
    static RetryConfig tutorial();
    // Resilience4j RetryConfig defaults: maxAttempts 3, waitDuration 500 ms, a fixed wait.
    static RetryConfig resilience4j();
    // Polly v8 RetryStrategyOptions defaults: 3 retries, a constant 2 s delay, no jitter.
    static RetryConfig polly();
    // gRPC A6 retryPolicy: maxAttempts (including the original), initialBackoff, maxBackoff,
    // backoffMultiplier; retries errors (the retryable status codes) and, unlike the others, not
    // timeouts (DEADLINE_EXCEEDED ends the call). The service's maxAttempts is capped by the
    // client's maximum: 5 by default, and below 2 the default is used (grpc-go WithMaxCallAttempts).
    static RetryConfig grpc(std::uint32_t max_attempts, Duration initial_backoff, Duration max_backoff, double multiplier,
                            std::int64_t client_max_attempts = 5);
    // Envoy route retry_policy: num_retries (1 when a policy is set), the router's jittered backoff.
    static RetryConfig envoy(std::uint32_t num_retries = 1);
    // AWS SDK standard mode: 3 attempts, legacy backoff (or the 2026 formula with 1 s for throttles
    // and x-amz-retry-after as a bounded hint).
    static RetryConfig aws_standard();
    static RetryConfig aws_2026();

    // The failures gRPC's throttle counts: a retryable status, or a pushback saying stop.
    bool qualifies_for_throttling(AttemptOutcome o, const Pushback& p) const;

    void validate() const;  // throws ConfigError naming the field and the value
};

// What a retry budget answers: granted or not, and what it charged (the AWS quota refunds
// exactly that when the retry succeeds).
struct RetryGrant {
    bool granted = false;
    std::uint32_t cost = 0;
};

// A retry budget the machine asks before each retry (gRPC throttle, Finagle, Envoy, AWS quota).
// Asked only when a retry is otherwise allowed, so a token is spent only for a real retry.
class RetryGate {
public:
    virtual ~RetryGate() = default;
    // `after`: the outcome the retry would follow (AWS charges timeouts and throttles differently).
    virtual RetryGrant try_acquire_retry(Time now, AttemptOutcome after) = 0;
};

class Retry {
public:
    // `rng` draws the jitter; `gate` may be null (no budget). Config, rng and gate must outlive
    // the machine. `component`: which tier's retry it is.
    Retry(const RetryConfig& config, std::uint64_t request, RetryEffects& effects, Rng& rng, RetryGate* gate = nullptr,
          ComponentId component = {ComponentKind::Retry});
    // The machine keeps a pointer to its config: a temporary would dangle, so it does not compile.
    Retry(RetryConfig&&, std::uint64_t, RetryEffects&, Rng&, RetryGate* = nullptr, ComponentId = {ComponentKind::Retry}) = delete;
    ~Retry();
    Retry(const Retry&) = delete;
    Retry& operator=(const Retry&) = delete;

    // Events.
    void request_started(Time now);
    void attempt_admitted(Time now);  // only with timeout_starts_after_admission
    void attempt_succeeded(Time now);
    void attempt_failed(Time now, AttemptOutcome outcome, Pushback pushback = Pushback::none());
    void attempt_timed_out(Time now) { attempt_failed(now, AttemptOutcome::Timeout); }  // RetryAttemptTimeout fired
    void backoff_elapsed(Time now);   // RetryBackoff fired
    void deadline_reached(Time now);  // RetryDeadline fired

    // Read-outs.
    RetryState state() const;
    bool finished() const;
    RetryEnd end() const;
    std::uint32_t attempts() const;  // attempts sent so far
    Duration last_backoff() const;
    std::uint32_t last_charge() const;  // what the budget charged for the retry in progress
    std::uint64_t late_outcomes() const;  // outcomes of attempts abandoned at the deadline
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();
    // Bytes one machine holds, itself and its state (a run's memory budget counts them).
    static std::size_t footprint();

private:
    struct Impl;
    // The machine lives inside the Retry, not behind an allocation: one per request in flight,
    // so a pointer chase and 16 bytes of heap header each would be paid a million times.
    // retry.cpp checks that Impl fits.
    static constexpr std::size_t kImplBytes = 192;
    Impl* impl();  // defined where Impl is complete (std::launder needs it)
    const Impl* impl() const;
    alignas(8) std::array<std::byte, kImplBytes> storage_;
};

}  // namespace cascadelab
