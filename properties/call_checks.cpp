#include "properties/call_checks.hpp"

#include <algorithm>      // std::find
#include <deque>          // std::deque
#include <unordered_map>  // std::unordered_map
#include <unordered_set>  // std::unordered_set

#include <fmt/format.h>

#include "model/downstream.hpp"
#include "model/scenario.hpp"

namespace cascadelab::properties {

const std::optional<CircuitBreakerConfig>& watched_breaker(const Scenario& s) {
    if (s.architecture == Architecture::Rpc) return s.rpc.breaker;
    return s.inner_stages.empty() ? s.event.breaker : s.inner_stages.back().breaker;
}

const std::optional<BulkheadConfig>& watched_bulkhead(const Scenario& s) {
    if (s.architecture == Architecture::Rpc) return s.rpc.bulkhead;
    return s.inner_stages.empty() ? s.event.bulkhead : s.inner_stages.back().bulkhead;
}

namespace {

// The watched breaker is the client tier's or the calling stage's: place 0 in both architectures.
bool is_watched_breaker(ComponentId c) { return c.kind == ComponentKind::Breaker && c.place == 0; }

// Counted twice: by the bulkhead (its active slots and queue) and, independently, from the calls
// the guards sent to the service and that have not come back or been left.
class BulkheadBound final : public StepCheck {
public:
    BulkheadBound(std::string_view name, std::optional<Violation>& first, const HuntSetup& h) : StepCheck(name, first) {
        if (const auto& b = watched_bulkhead(h.scenario)) limit_ = b->max_concurrent_calls;
    }
    void call(Time at, const CallEvent& e) override {
        if (failed() || limit_ == 0) return;
        switch (e.step) {
            case CallStep::Queued: queue_.push_back(e.caller); break;
            case CallStep::Dequeued: std::erase(queue_, e.caller); break;
            case CallStep::Sent:
                if (++at_service_ > limit_)
                    fail(at, fmt::format("{} calls at the service through a bulkhead of {} (#{} the last sent)",
                                         at_service_, limit_, e.caller));
                else granted(at, e.caller);
                break;
            case CallStep::Answered:
            case CallStep::Left:
                if (at_service_ > 0) --at_service_;
                break;
            default: break;
        }
    }
    void check(const Snapshot& s) override {
        if (s.bulkhead_limit && s.bulkhead_active > s.bulkhead_limit)
            fail(s, fmt::format("{} calls hold a slot of a bulkhead of {}", s.bulkhead_active, s.bulkhead_limit));
        else if (s.bulkhead_limit && s.bulkhead_waiting > s.bulkhead_queue_limit)
            fail(s, fmt::format("{} callers wait in a bulkhead queue of {}", s.bulkhead_waiting, s.bulkhead_queue_limit));
    }

private:
    // First come, first served: a waiter gets its slot only when no one queued before it still waits.
    void granted(Time at, std::uint64_t caller) {
        const auto it = std::find(queue_.begin(), queue_.end(), caller);
        if (it == queue_.end()) return;  // it never waited
        if (it != queue_.begin())
            fail(at, fmt::format("#{} got a slot while #{}, queued before it, still waits", caller, queue_.front()));
        queue_.erase(it);
    }

    std::uint32_t limit_ = 0;       // 0: no bulkhead
    std::uint32_t at_service_ = 0;  // calls sent and neither answered nor left
    std::deque<std::uint64_t> queue_;  // callers waiting for a slot, oldest first
};

class RetryBounds final : public StepCheck {
public:
    RetryBounds(std::string_view name, std::optional<Violation>& first, const HuntSetup& h) : StepCheck(name, first) {
        const Scenario& s = h.scenario;
        const bool rpc = s.architecture == Architecture::Rpc;
        max_attempts_ = rpc ? s.rpc.retry.max_attempts : s.event.message.max_deliveries;
        const BackoffConfig& b = rpc ? s.rpc.retry.backoff : s.event.message.redelivery_backoff;
        // Proportional jitter applied after the cap may exceed it by its high factor (gRPC).
        const double stretch =
            b.jitter == Jitter::Proportional && b.cap_order == CapOrder::CapThenJitter ? b.proportional_high : 1.0;
        cap_ = Duration::micros(static_cast<std::int64_t>(static_cast<double>(b.cap.us()) * stretch) + 1);
        // The calls the watched guards send: the client tier's attempts, the last stage's deliveries.
        max_sent_ = rpc ? max_attempts_
                        : (s.inner_stages.empty() ? s.event : s.inner_stages.back()).message.max_deliveries;
    }
    // Counted where the calls leave for the service, not by the machines that number them.
    void call(Time at, const CallEvent& e) override {
        if (failed() || e.step != CallStep::Sent) return;
        if (const std::uint32_t n = ++sent_[e.caller]; n > max_sent_)
            fail(at, fmt::format("#{} sent its call {} times, {} allowed", e.caller, n, max_sent_));
    }
    void check(const Snapshot& s) override {
        if (s.max_attempt_number > max_attempts_)
            fail(s, fmt::format("attempt {} of a request allowed {}", s.max_attempt_number, max_attempts_));
        else if (s.max_backoff > cap_ || s.max_backoff < Duration::zero())
            fail(s, fmt::format("a backoff of {} outside [0, {}]", to_string(s.max_backoff), to_string(cap_)));
    }

private:
    std::uint32_t max_attempts_;
    std::uint32_t max_sent_;
    Duration cap_;
    std::unordered_map<std::uint64_t, std::uint32_t> sent_;  // calls sent, by request or event
};

class BreakerAccounting final : public StepCheck {
public:
    BreakerAccounting(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first), has_breaker_(watched_breaker(h.scenario).has_value()) {
        // A breaker per request gives one permit for all of a request's attempts; the later ones
        // are recorded without a permit of their own (the tutorial's breaker).
        per_attempt_ = h.scenario.architecture == Architecture::Event ||
                       h.scenario.rpc.breaker_scope == BreakerScope::PerAttempt;
    }
    void call(Time at, const CallEvent& e) override {
        if (failed() || !has_breaker_) return;
        switch (e.step) {
            case CallStep::Permitted:
                if (!permitted_.insert(e.caller).second)
                    fail(at, fmt::format("#{} was given a second permit before its first ended in an outcome", e.caller));
                break;
            case CallStep::Sent:
                if (per_attempt_ && !permitted_.contains(e.caller))
                    fail(at, fmt::format("a call of #{} reached the service without a permit of the breaker", e.caller));
                break;
            case CallStep::Recorded:
                if (permitted_.erase(e.caller) == 0 && per_attempt_)
                    fail(at, fmt::format("an outcome of #{} reached the breaker without a permit", e.caller));
                break;
            case CallStep::Queued:
            case CallStep::Dequeued:
            case CallStep::Answered:
            case CallStep::Left: break;
        }
    }
    void check(const Snapshot& s) override { last_ = s; }
    void at_end(const RunMetrics&) override {
        if (failed() || permitted_.empty()) return;
        fail(last_, fmt::format("{} permitted call(s) never handed the breaker an outcome (#{} among them)",
                                permitted_.size(), *permitted_.begin()));
    }

private:
    bool has_breaker_;
    bool per_attempt_ = true;
    std::unordered_set<std::uint64_t> permitted_;  // callers holding a permit without an outcome yet
    Snapshot last_;
};

// Resilience4j's window rebuilt from the outcomes the breaker was given: the last `size` since the
// state began, each a failure or not and slow or not; rates in float percent, as the peer has them.
class ReferenceWindow {
public:
    enum class Verdict { NotEnoughCalls, Healthy, OverThreshold };
    void restart(std::uint32_t size, std::uint32_t minimum) {
        calls_.clear();
        size_ = size;
        minimum_ = minimum;
    }
    void add(bool failure, bool slow) {
        calls_.push_back(Call{failure, slow});
        if (calls_.size() > size_) calls_.pop_front();
    }
    Verdict verdict(const CircuitBreakerConfig& c) const {
        if (calls_.size() < minimum_) return Verdict::NotEnoughCalls;
        return failure_rate() >= static_cast<float>(c.failure_rate_threshold) ||
                       slow_rate() >= static_cast<float>(c.slow_call_rate_threshold)
                   ? Verdict::OverThreshold
                   : Verdict::Healthy;
    }
    std::string describe() const {
        return fmt::format("{} failed and {} slow of the last {} outcomes ({:g} % and {:g} %)", count(&Call::failure),
                           count(&Call::slow), calls_.size(), failure_rate(), slow_rate());
    }

private:
    struct Call {
        bool failure;
        bool slow;
    };
    std::size_t count(bool Call::*what) const {
        std::size_t n = 0;
        for (const Call& c : calls_) n += c.*what ? 1 : 0;
        return n;
    }
    float rate(bool Call::*what) const {
        return static_cast<float>(count(what)) * 100.0f / static_cast<float>(calls_.size());
    }
    float failure_rate() const { return calls_.empty() ? 0.0f : rate(&Call::failure); }
    float slow_rate() const { return calls_.empty() ? 0.0f : rate(&Call::slow); }

    std::deque<Call> calls_;
    std::uint32_t size_ = 1;
    std::uint32_t minimum_ = 1;
};

// Judges the two verdicts of a Resilience4j breaker whose outcomes all count (stale ones too):
// Closed with a count-based window opens on the outcome that puts the window over a threshold;
// HalfOpen opens or closes on the outcome of its last permitted probe.
class BreakerVerdicts final : public StepCheck {
public:
    BreakerVerdicts(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first) {
        const std::optional<CircuitBreakerConfig>& b = watched_breaker(h.scenario);
        if (!b || b->model != BreakerModel::Resilience4j || b->stale_outcomes != StaleOutcomes::Record) return;
        config_ = *b;
        judge_closed_ = b->sliding_window_type == WindowKind::CountBased;
        judge_half_open_ = b->half_open_policy == HalfOpenPolicy::Probes;
        enter(b->initial_state);
    }
    void transitioned(Time at, ComponentId component, std::string_view, std::string_view, std::string_view to,
                      std::uint64_t) override {
        if (failed() || !config_ || !is_watched_breaker(component)) return;
        const BreakerState next = state_named(to);
        if (next == state_) return;  // an internal row
        if (expected_ && next != *expected_)
            fail(at, fmt::format("went {} -> {} where {} required {}", name(state_), name(next), window_.describe(),
                                 name(*expected_)));
        expected_.reset();
        enter(next);
    }
    void call(Time, const CallEvent& e) override {
        if (failed() || !config_ || e.step != CallStep::Recorded) return;
        const bool closed = state_ == BreakerState::Closed && judge_closed_;
        const bool half_open = state_ == BreakerState::HalfOpen && judge_half_open_;
        if (!closed && !half_open) return;
        const CallVerdict v = e.failed ? config_->record.of(e.outcome) : CallVerdict::Success;
        if (v == CallVerdict::Ignored) return;
        window_.add(v == CallVerdict::Failure, e.took > config_->slow_call_duration_threshold);
        switch (window_.verdict(*config_)) {
            case ReferenceWindow::Verdict::OverThreshold: expected_ = BreakerState::Open; break;
            case ReferenceWindow::Verdict::Healthy:
                if (half_open) expected_ = BreakerState::Closed;
                break;
            case ReferenceWindow::Verdict::NotEnoughCalls: break;
        }
    }
    // Every outcome is handed over inside one event, and the breaker's verdict is immediate.
    void check(const Snapshot& s) override {
        if (expected_)
            fail(s, fmt::format("stayed {} where {} required {}", name(state_), window_.describe(), name(*expected_)));
    }

private:
    static BreakerState state_named(std::string_view to) {
        for (BreakerState s : {BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen, BreakerState::ForcedOpen,
                               BreakerState::Disabled, BreakerState::MetricsOnly})
            if (name(s) == to) return s;
        return BreakerState::Disabled;  // a state this check does not judge
    }
    void enter(BreakerState s) {
        state_ = s;
        if (s == BreakerState::Closed) window_.restart(config_->sliding_window_size, config_->minimum_calls());
        if (s == BreakerState::HalfOpen)
            window_.restart(config_->permitted_number_of_calls_in_half_open_state, config_->minimum_calls_in_half_open());
    }

    std::optional<CircuitBreakerConfig> config_;  // empty: a breaker this check does not judge
    bool judge_closed_ = false;
    bool judge_half_open_ = false;
    BreakerState state_ = BreakerState::Closed;
    ReferenceWindow window_;
    std::optional<BreakerState> expected_;  // the state the last outcome requires
};

class NoFutileRetry final : public StepCheck {
public:
    NoFutileRetry(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first), retry_(h.scenario.rpc.retry) {}
    void call(Time at, const CallEvent& e) override {
        if (failed()) return;
        if (e.step == CallStep::Answered && e.failed) {
            // gRPC A6: a pushback is obeyed before retry_on is read; a delay makes any failure retryable.
            const bool grpc = retry_.honor_pushback && retry_.pushback_mode == PushbackMode::Grpc;
            if (grpc && e.pushback.kind == Pushback::Kind::Stop)
                last_word_.emplace(e.caller, "the server's \"do not retry\"");
            else if (!retry_.retry_on.contains(e.outcome) && !(grpc && e.pushback.kind == Pushback::Kind::RetryAfter))
                last_word_.emplace(e.caller, fmt::format("a {} (not in retry_on)", name(e.outcome)));
        } else if (e.step == CallStep::Sent) {
            if (const auto it = last_word_.find(e.caller); it != last_word_.end())
                fail(at, fmt::format("#{} sent another attempt after {}", e.caller, it->second));
        }
    }
    void check(const Snapshot&) override {}

private:
    RetryConfig retry_;
    std::unordered_map<std::uint64_t, std::string> last_word_;  // requests whose last answer was final
};

class CapacityBound final : public StepCheck {
public:
    CapacityBound(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first), capacity_(h.scenario.downstream.capacity) {}
    void check(const Snapshot& s) override {
        if (capacity_ != DownstreamConfig::kUnlimited && s.downstream_in_flight > capacity_)
            fail(s, fmt::format("the service holds {} attempts, its capacity is {}", s.downstream_in_flight, capacity_));
    }

private:
    std::uint32_t capacity_;
};

template <class Check>
std::unique_ptr<StepCheck> make(std::string_view name, const HuntSetup& setup, std::optional<Violation>& first) {
    return std::make_unique<Check>(name, first, setup);
}

}  // namespace

std::unique_ptr<StepCheck> make_bulkhead_bound(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<BulkheadBound>(n, h, f);
}
std::unique_ptr<StepCheck> make_retry_bounds(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<RetryBounds>(n, h, f);
}
std::unique_ptr<StepCheck> make_breaker_accounting(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<BreakerAccounting>(n, h, f);
}
std::unique_ptr<StepCheck> make_breaker_verdicts(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<BreakerVerdicts>(n, h, f);
}
std::unique_ptr<StepCheck> make_no_futile_retry(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<NoFutileRetry>(n, h, f);
}
std::unique_ptr<StepCheck> make_capacity_bound(std::string_view n, const HuntSetup& h, std::optional<Violation>& f) {
    return make<CapacityBound>(n, h, f);
}

}  // namespace cascadelab::properties
