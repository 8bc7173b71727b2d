// One client call through a Retry machine and, optionally, a retry budget, against a scripted
// server, in virtual time: the composition the RPC architecture uses, reduced to one request.
// The owner's protocol is the model's: a failure gRPC counts (RetryConfig::qualifies_for_throttling)
// is told to the budget before the retry machine decides; a success is told after.
#pragma once

#include <functional>  // std::function

#include "model/kernel/rng.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {

struct Reply {
    bool ok = true;
    AttemptOutcome failure = AttemptOutcome::Error;
    Pushback pushback;
    static Reply success() { return {}; }
    static Reply error(AttemptOutcome o = AttemptOutcome::Error, Pushback p = Pushback::none()) { return {false, o, p}; }
};

struct CallResult {
    RetryEnd end = RetryEnd::None;
    std::uint32_t attempts = 0;
    Duration elapsed;
    std::vector<Duration> backoffs;  // each wait before a retry
};

class RetryingClient {
public:
    explicit RetryingClient(RetryConfig config, RetryBudget* budget = nullptr) : config_(config), budget_(budget) {}

    // `server(i)` answers the i-th attempt the server ever saw (0-based, across calls).
    CallResult call(const std::function<Reply(int)>& server) {
        Retry retry(config_, ++requests_, clock, rng_, budget_);
        clock.on_fire = [&](TimerKind kind, std::uint64_t, Time at) {
            if (kind == TimerKind::RetryBackoff) retry.backoff_elapsed(at);
        };
        CallResult r;
        const Time start = clock.now;
        retry.request_started(clock.now);
        std::size_t sent = 0;
        while (!retry.finished()) {
            if (clock.attempts.size() == sent) {  // backing off: let the timer fire
                r.backoffs.push_back(retry.last_backoff());
                clock.advance(retry.last_backoff());
                continue;
            }
            ++sent;
            const Reply reply = server(served_++);
            if (reply.ok) {
                if (budget_) {
                    const bool retried = retry.attempts() > 1;
                    budget_->signal(clock.now, retried ? BudgetSignal::RetrySucceeded : BudgetSignal::AttemptSucceeded,
                                    retried ? retry.last_charge() : 0);
                }
                retry.attempt_succeeded(clock.now);
            } else {
                if (budget_ && config_.qualifies_for_throttling(reply.failure, reply.pushback))
                    budget_->signal(clock.now, BudgetSignal::AttemptFailed);
                retry.attempt_failed(clock.now, reply.failure, reply.pushback);
            }
        }
        r.end = retry.end();
        r.attempts = retry.attempts();
        r.elapsed = clock.now - start;
        clock.on_fire = nullptr;
        clock.attempts.clear();
        return r;
    }
    int served() const { return served_; }

    VirtualClock clock;

private:
    RetryConfig config_;
    RetryBudget* budget_;
    Rng rng_{1};
    std::uint64_t requests_ = 0;
    int served_ = 0;
};

}  // namespace cascadelab::conformance
