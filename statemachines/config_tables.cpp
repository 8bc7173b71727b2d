#include "statemachines/config_tables.hpp"

namespace cascadelab {

namespace {

// ---- the names a file gives each enum ----
constexpr std::array<Option<BreakerModel>, 3> kBreakerModels{
    {{"resilience4j", BreakerModel::Resilience4j}, {"polly", BreakerModel::Polly}, {"polly_v7", BreakerModel::PollyV7}}};
constexpr std::array<Option<WindowKind>, 2> kWindowKinds{
    {{"count_based", WindowKind::CountBased}, {"time_based", WindowKind::TimeBased}}};
constexpr std::array<Option<HalfOpenPolicy>, 2> kHalfOpen{{{"probes", HalfOpenPolicy::Probes}, {"none", HalfOpenPolicy::None}}};
constexpr std::array<Option<ReleasedPermits>, 2> kReleased{
    {{"any_permit", ReleasedPermits::AnyPermit}, {"current_only", ReleasedPermits::CurrentOnly}}};
constexpr std::array<Option<WaitBoundary>, 2> kBoundaries{
    {{"exclusive", WaitBoundary::Exclusive}, {"inclusive", WaitBoundary::Inclusive}}};
constexpr std::array<Option<StaleOutcomes>, 2> kStale{{{"record", StaleOutcomes::Record}, {"ignore", StaleOutcomes::Ignore}}};
constexpr std::array<Option<OpenWaitGrowth>, 3> kGrowth{{{"geometric", OpenWaitGrowth::Geometric},
                                                         {"linear_in_failures", OpenWaitGrowth::LinearInFailures},
                                                         {"steps_by_failure_rate", OpenWaitGrowth::StepsByFailureRate}}};
constexpr std::array<Option<AfterHalfOpenWait>, 2> kAfterHalfOpen{
    {{"open", AfterHalfOpenWait::Open}, {"closed", AfterHalfOpenWait::Closed}}};
// HalfOpen is reached, never configured: Resilience4j has no initial HALF_OPEN either.
constexpr std::array<Option<BreakerState>, 5> kInitialStates{{{"closed", BreakerState::Closed},
                                                              {"open", BreakerState::Open},
                                                              {"forced_open", BreakerState::ForcedOpen},
                                                              {"disabled", BreakerState::Disabled},
                                                              {"metrics_only", BreakerState::MetricsOnly}}};
constexpr std::array<Option<CallVerdict>, 3> kVerdicts{
    {{"success", CallVerdict::Success}, {"failure", CallVerdict::Failure}, {"ignored", CallVerdict::Ignored}}};
constexpr std::array<Option<BackoffKind>, 4> kBackoffKinds{{{"constant", BackoffKind::Constant},
                                                            {"linear", BackoffKind::Linear},
                                                            {"exponential", BackoffKind::Exponential},
                                                            {"aws_legacy", BackoffKind::AwsLegacy}}};
constexpr std::array<Option<Jitter>, 7> kJitters{{{"none", Jitter::None},
                                                  {"full", Jitter::Full},
                                                  {"equal", Jitter::Equal},
                                                  {"decorrelated", Jitter::Decorrelated},
                                                  {"proportional", Jitter::Proportional},
                                                  {"polly_decorrelated_v2", Jitter::PollyDecorrelatedV2},
                                                  {"envoy_modulo", Jitter::EnvoyModulo}}};
constexpr std::array<Option<CapOrder>, 2> kCapOrders{
    {{"jitter_then_cap", CapOrder::JitterThenCap}, {"cap_then_jitter", CapOrder::CapThenJitter}}};
constexpr std::array<Option<LimitCheck>, 2> kLimitChecks{
    {{"at_the_failure", LimitCheck::AtTheFailure}, {"at_the_next_receive", LimitCheck::AtTheNextReceive}}};
constexpr std::array<Option<RetryMode>, 2> kRetryModes{{{"blocking", RetryMode::Blocking}, {"non_blocking", RetryMode::NonBlocking}}};
constexpr std::array<Option<RequeuePosition>, 2> kRequeue{{{"back", RequeuePosition::Back}, {"near_head", RequeuePosition::NearHead}}};

// Percentages and fractions as the peers bound them.
constexpr Range kPercent = closed(0.0, 100.0);
constexpr Range kRateThreshold = above_up_to(0.0, 100.0);  // Resilience4j: (0, 100]
constexpr Range kFraction = closed(0.0, 1.0);
constexpr Range kSpan = at_least(0.0);  // a duration; 0 means "none" or "at once" where the doc says so
constexpr Range kCount = closed(1.0, static_cast<double>(kMaxCount));

using B = CircuitBreakerConfig;
constexpr Field<B> kBreaker[] = {
    {"sliding_window_type", choice<&B::sliding_window_type, kWindowKinds>(), {}, "", "slidingWindowType",
     "the last N outcomes, or N buckets of `time_window_bucket` aligned to the clock"},
    {"sliding_window_size", &B::sliding_window_size, closed(1.0, 100'000.0), "outcomes or buckets", "slidingWindowSize",
     "N; the upper bound is cascadelab's own (the window is allocated up front)"},
    {"time_window_bucket", &B::time_window_bucket, positive(), "", "", "the width of one time-based bucket"},
    {"minimum_number_of_calls", &B::minimum_number_of_calls, kCount, "calls",
     "minimumNumberOfCalls / MinimumThroughput", "no verdict below it (clamped to N when count-based; Polly: at least 2)"},
    {"failure_rate_threshold", &B::failure_rate_threshold, kRateThreshold, "%", "failureRateThreshold",
     "trips at ≥ (Resilience4j model)"},
    {"slow_call_rate_threshold", &B::slow_call_rate_threshold, kRateThreshold, "%", "slowCallRateThreshold",
     "trips at ≥ (Resilience4j model)"},
    {"slow_call_duration_threshold", &B::slow_call_duration_threshold, positive(), "", "slowCallDurationThreshold",
     "a call is slow when strictly longer"},
    {"wait_duration_in_open_state", &B::wait_duration_in_open_state, kSpan, "", "waitDurationInOpenState / BreakDuration",
     "the wait in Open (Resilience4j ≥ 1 ms; Polly [500 ms, 1 day]; Polly v7 ≥ 0)"},
    {"wait_in_open_multiplier", &B::wait_in_open_multiplier, closed(1.0, 100.0), "factor",
     "waitIntervalFunctionInOpenState", "`geometric` growth: the n-th consecutive opening waits wait·multiplier^(n−1); 1 = fixed"},
    {"max_wait_in_open_state", &B::max_wait_in_open_state, kSpan, "", "",
     "the cap of every grown wait; at least the wait (a file that gives only the wait raises it)"},
    {"automatic_transition_from_open_to_half_open", &B::automatic_transition_from_open_to_half_open, {}, "",
     "automaticTransitionFromOpenToHalfOpenEnabled", "a timer moves Open → HalfOpen; otherwise the first call after the wait"},
    {"half_open_policy", choice<&B::half_open_policy, kHalfOpen>(), {}, "", "",
     "`probes`, or `none`: straight back to Closed with an empty window (the tutorial)"},
    {"permitted_number_of_calls_in_half_open_state", &B::permitted_number_of_calls_in_half_open_state, kCount, "calls",
     "permittedNumberOfCallsInHalfOpenState", "probes in HalfOpen; the verdict after min(minimum, permitted) of them"},
    {"max_wait_duration_in_half_open_state", &B::max_wait_duration_in_half_open_state, kSpan, "",
     "maxWaitDurationInHalfOpenState", "0 = off; otherwise HalfOpen moves on after this long (hung probes)"},
    {"transition_to_state_after_wait_duration", choice<&B::transition_to_state_after_wait_duration, kAfterHalfOpen>(), {},
     "", "transitionToStateAfterWaitDuration", "where HalfOpen goes when that wait runs out"},
    {"half_open_retest_interval", &B::half_open_retest_interval, kSpan, "", "(Polly v7)",
     "0 = never; one more probe per interval while earlier ones hang"},
    {"model", choice<&B::model, kBreakerModels>(), {}, "", "",
     "whose bookkeeping: windows per state (Resilience4j) or one health window (Polly v8, v7)"},
    {"failure_ratio", &B::failure_ratio, kFraction, "fraction", "FailureRatio", "trips at ≥ (Polly models; v7: above 0)"},
    {"sampling_duration", &B::sampling_duration, kSpan, "", "SamplingDuration",
     "the Polly health window, ten rolling parts (Polly [500 ms, 1 day]; v7 ≥ 20 ms)"},
    {"wait_boundary", choice<&B::wait_boundary, kBoundaries>(), {}, "", "(isAfter vs >=)",
     "whether a call exactly at the end of the wait already moves on (Polly: inclusive)"},
    {"stale_outcomes", choice<&B::stale_outcomes, kStale>(), {}, "", "",
     "an outcome of a call admitted before the last state change counts (`record`, both peers) or only as late"},
    {"released_permits", choice<&B::released_permits, kReleased>(), {}, "", "(releasePermission)",
     "Resilience4j gives a HalfOpen permit back for a release of any call; `current_only` only for this HalfOpen's"},
    {"wait_growth", choice<&B::wait_growth, kGrowth>(), {}, "",
     "waitIntervalFunctionInOpenState / BreakDurationGenerator",
     "`geometric`, `linear_in_failures` (wait + wait_per_failure·failures) or `steps_by_failure_rate` (`wait_steps`)"},
    {"wait_per_failure", &B::wait_per_failure, kSpan, "", "", "`linear_in_failures`: the wait added per failure in the window"},
    {"initial_state", choice<&B::initial_state, kInitialStates>(), {}, "", "initialState",
     "the state it starts in (Administrative ones need a manual transition out)"},
};

constexpr Field<WaitStep> kWaitStep[] = {
    {"min_failure_rate", &WaitStep::min_failure_rate, kPercent, "%", "",
     "the step applies from this failure rate on (steps ascend)"},
    {"wait", &WaitStep::wait, kSpan, "", "", "the wait in Open at this step"},
};

using R = OutcomeRecording;
constexpr Field<R> kRecording[] = {
    {"error", choice<&R::error, kVerdicts>(), {}, "", "recordExceptions / ShouldHandle", "what an error counts as"},
    {"timeout", choice<&R::timeout, kVerdicts>(), {}, "", "", "what a timeout counts as"},
    {"throttled", choice<&R::throttled, kVerdicts>(), {}, "", "", "what a throttled call counts as"},
    {"fatal_error", choice<&R::fatal_error, kVerdicts>(), {}, "", "", "what a fatal error counts as"},
    {"bulkhead_rejected", choice<&R::bulkhead_rejected, kVerdicts>(), {}, "", "BulkheadFullException",
     "what a bulkhead refusal counts as (ignored: the permit goes back)"},
};

using H = BulkheadConfig;
constexpr Field<H> kBulkhead[] = {
    {"max_concurrent_calls", &H::max_concurrent_calls, closed(0.0, 1'000'000.0), "calls", "maxConcurrentCalls",
     "slots; 0 refuses every call, as Resilience4j allows"},
    {"max_wait_duration", &H::max_wait_duration, kSpan, "", "maxWaitDuration",
     "how long a caller waits for a slot: 0 = refused at once", "unbounded"},
    {"max_queue_length", &H::max_queue_length, closed(1.0, 1e9), "callers", "max_pending_requests (Envoy), QueueLimit (Polly)",
     "waiting callers at most; FIFO", "unbounded"},
};

using K = BackoffConfig;
constexpr Field<K> kBackoff[] = {
    {"kind", choice<&K::kind, kBackoffKinds>(), {}, "", "BackoffType", "constant base, linear n·base, exponential, or the AWS legacy formula"},
    {"base", &K::base, kSpan, "", "initialBackoff / Delay / base_interval", "the first delay before jitter"},
    {"multiplier", &K::multiplier, above_up_to(0.0, 100.0), "factor", "backoffMultiplier",
     "exponential growth per retry (gRPC allows any above 0)"},
    {"cap", &K::cap, kSpan, "", "maxBackoff / MaxDelay / max_interval", "the largest delay; may be below base"},
    {"jitter", choice<&K::jitter, kJitters>(), {}, "", "UseJitter", "the jitter formula (table above)"},
    {"cap_order", choice<&K::cap_order, kCapOrders>(), {}, "", "", "cap before the jitter (AWS, Envoy, gRPC) or after it (Resilience4j, Polly)"},
    {"proportional_low", &K::proportional_low, closed(0.0, 10.0), "factor", "", "`proportional` jitter: the low end, at most the high one"},
    {"proportional_high", &K::proportional_high, closed(0.0, 10.0), "factor", "", "`proportional` jitter: the high end"},
};

using T = RetryConfig;
constexpr Field<T> kRetry[] = {
    {"max_attempts", &T::max_attempts, closed(1.0, 100.0), "attempts", "maxAttempts / MaxRetryAttempts + 1",
     "counts the first call; a file may give `max_retries` instead"},
    {"per_attempt_timeout", &T::per_attempt_timeout, kSpan, "", "perTryTimeout / Timeout", "0 = none"},
    {"timeout_starts_after_admission", &T::timeout_starts_after_admission, {}, "", "",
     "the attempt's timeout starts when the bulkhead admits it (the tutorial), not at the send"},
    {"overall_deadline", &T::overall_deadline, kSpan, "", "deadline / route timeout",
     "0 = none; a retry whose backoff would end past it is not started"},
    {"honor_pushback", &T::honor_pushback, {}, "", "grpc-retry-pushback-ms / x-amz-retry-after", "whether server advice is heeded"},
    {"throttle_backoff_base", &T::throttle_backoff_base, kSpan, "", "(AWS 2026)",
     "a throttled attempt backs off from this base instead; 0 = the same base"},
};

using O = OutcomeSet;
constexpr Field<O> kOutcomeSet[] = {
    {"error", &O::error, {}, "", "", "a retryable failure: UNAVAILABLE, HTTP 5xx"},
    {"timeout", &O::timeout, {}, "", "", "the caller gave up waiting"},
    {"throttled", &O::throttled, {}, "", "", "the service shed the call: HTTP 429, RESOURCE_EXHAUSTED"},
    {"fatal_error", &O::fatal_error, {}, "", "", "no retry can fix it: a poison message"},
    {"breaker_rejected", &O::breaker_rejected, {}, "", "", "the breaker refused the call"},
    {"bulkhead_rejected", &O::bulkhead_rejected, {}, "", "", "the bulkhead refused the call"},
};

using G = RetryBudgetConfig;
constexpr bool grpc(const G& g) { return g.policy == BudgetPolicy::GrpcThrottle; }
constexpr bool finagle(const G& g) { return g.policy == BudgetPolicy::FinagleRatio; }
constexpr bool envoy(const G& g) { return g.policy == BudgetPolicy::EnvoyConcurrent; }
constexpr bool aws(const G& g) { return g.policy == BudgetPolicy::AwsQuota; }
constexpr Field<G> kBudget[] = {
    {"policy", choice<&G::policy, kBudgetPolicyNames>(), {}, "", "", "whose rule: grpc, finagle, envoy or aws (required)"},
    {"max_tokens", &G::max_tokens, above_up_to(0.0, 1000.0), "tokens", "maxTokens", "gRPC: retries only while tokens > max/2",
     {}, grpc},
    {"token_ratio", &G::token_ratio, above_up_to(0.0, 1000.0), "tokens", "tokenRatio", "gRPC: tokens back per success", {}, grpc},
    {"ttl", &G::ttl, closed(1'000.0, 60'000.0), "", "ttl", "Finagle: how long deposits and withdrawals count", {}, finagle},
    {"min_retries_per_second", &G::min_retries_per_second, closed(0.0, 1e9), "retries/s", "minRetriesPerSec",
     "Finagle: a reserve always there; whole (an Int)", {}, finagle},
    {"percent_can_retry", &G::percent_can_retry, closed(0.0, 1000.0), "fraction", "percentCanRetry",
     "Finagle: retries per request (0.2 = 20 %)", {}, finagle},
    {"budget_percent", &G::budget_percent, kPercent, "%", "budget_percent", "Envoy: retries in flight per active request",
     {}, envoy},
    {"min_retry_concurrency", &G::min_retry_concurrency, closed(0.0, 1'000'000.0), "retries", "min_retry_concurrency",
     "Envoy: retries in flight always allowed", {}, envoy},
    {"initial_quota", &G::initial_quota, closed(0.0, 1e9), "units", "INITIAL_RETRY_TOKENS", "AWS: the quota at the start",
     {}, aws},
    {"retry_cost", &G::retry_cost, closed(1.0, 1'000'000.0), "units", "RETRY_COST", "AWS: what a retry takes", {}, aws},
    {"timeout_cost", &G::timeout_cost, closed(1.0, 1'000'000.0), "units", "RETRY_TIMEOUT_COST", "AWS: a retry after a timeout",
     {}, aws},
    {"throttle_cost", &G::throttle_cost, closed(1.0, 1'000'000.0), "units", "THROTTLING_RETRY_COST",
     "AWS: a retry after a throttle", {}, aws},
    {"no_retry_increment", &G::no_retry_increment, closed(0.0, 1'000'000.0), "units", "NO_RETRY_INCREMENT",
     "AWS: given back per success without a retry", {}, aws},
};

using M = MessageConfig;
constexpr Field<M> kMessage[] = {
    {"max_deliveries", &M::max_deliveries, closed(1.0, 1'000'000.0), "deliveries", "maxReceiveCount / delivery-limit + 1",
     "counts the first delivery; a file may give RabbitMQ's `delivery_limit` (returns) instead", "unlimited"},
    {"limit_check", choice<&M::limit_check, kLimitChecks>(), {}, "", "",
     "dead-letter at the return that uses up the limit (RabbitMQ) or at the next receive (SQS)"},
    {"visibility_timeout", &M::visibility_timeout, closed(0.0, 12 * 3'600'000.0), "", "VisibilityTimeout",
     "0 = none; a delivery not settled in time is delivered again (SQS: at most 12 h)"},
    {"ttl", &M::ttl, kSpan, "", "x-message-ttl", "0 = none; a message found at the head older than this is dead-lettered"},
    {"retry_mode", choice<&M::retry_mode, kRetryModes>(), {}, "", "",
     "`blocking`: the consumer sleeps holding it (the tutorial); `non_blocking`: a delayed requeue"},
    {"requeue", choice<&M::requeue_position, kRequeue>(), {}, "", "", "where a requeued message goes: `back` or `near_head`"},
};

using Co = ConsumerConfig;
constexpr Field<Co> kConsumer[] = {
    {"processing_timeout", &Co::processing_timeout, kSpan, "", "visibility timeout (SQS)",
     "0 = none; a message held longer is given up and its processing counts as failed"},
};

}  // namespace

std::span<const Field<CircuitBreakerConfig>> breaker_fields() { return kBreaker; }
std::span<const Field<WaitStep>> wait_step_fields() { return kWaitStep; }
std::span<const Field<OutcomeRecording>> recording_fields() { return kRecording; }
std::span<const Field<BulkheadConfig>> bulkhead_fields() { return kBulkhead; }
std::span<const Field<BackoffConfig>> backoff_fields() { return kBackoff; }
std::span<const Field<RetryConfig>> retry_fields() { return kRetry; }
std::span<const Field<OutcomeSet>> outcome_set_fields() { return kOutcomeSet; }
std::span<const Field<RetryBudgetConfig>> budget_fields() { return kBudget; }
std::span<const Field<MessageConfig>> message_fields() { return kMessage; }
std::span<const Field<ConsumerConfig>> consumer_fields() { return kConsumer; }

}  // namespace cascadelab
