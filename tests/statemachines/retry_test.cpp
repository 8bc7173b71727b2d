// The retry machine: every row, attempt semantics, deadline, budget, and bounds.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <set>  // std::set

#include "statemachines/config_error.hpp"
#include "statemachines/retry.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

Time at(Duration d) { return Time::zero() + d; }

struct Gate : RetryGate {
    int tokens = 0;
    int asked = 0;
    RetryGrant try_acquire_retry(Time, AttemptOutcome) override {
        ++asked;
        if (tokens == 0) return {false, 0};
        --tokens;
        return {true, 1};
    }
};

struct Driver {
    explicit Driver(RetryConfig c, RetryGate* gate = nullptr) : config(c), rng(9), retry(config, 7, fx, rng, gate) {}
    template <class F>
    void step(std::string_view event, F&& f) {
        const auto before = retry.state();
        f();
        taken.insert(row_key(name(before), event, name(retry.state()), retry.last_row_guard()));
    }
    void start(Time t) { step("RequestStarted", [&] { retry.request_started(t); }); }
    void admitted(Time t) { step("AttemptAdmitted", [&] { retry.attempt_admitted(t); }); }
    void ok(Time t) { step("AttemptSucceeded", [&] { retry.attempt_succeeded(t); }); }
    void fail(Time t, AttemptOutcome o = AttemptOutcome::Error, Pushback p = Pushback::none()) {
        step("AttemptFailed", [&] { retry.attempt_failed(t, o, p); });
    }
    // A timer that fires is gone, as in the simulator.
    void backoff(Time t) {
        fx.timers.erase({TimerKind::RetryBackoff, 7});
        step("BackoffElapsed", [&] { retry.backoff_elapsed(t); });
    }
    void deadline(Time t) {
        fx.timers.erase({TimerKind::RetryDeadline, 7});
        step("DeadlineReached", [&] { retry.deadline_reached(t); });
    }

    RetryConfig config;
    FakeEffects fx;
    Rng rng;
    Retry retry;
    std::set<std::string> taken;
};

TEST(Retry, TutorialMakesFourAttemptsThenIsExhausted) {
    Driver d{RetryConfig::tutorial()};
    d.start(at(0_ms));
    for (int i = 0; i < 3; ++i) {
        d.admitted(at(1_ms));
        EXPECT_TRUE(d.fx.timer_running(TimerKind::RetryAttemptTimeout, 7));
        d.fail(at(2_ms), AttemptOutcome::Timeout);
        EXPECT_EQ(name(d.retry.state()), "BackingOff");
        EXPECT_LT(d.retry.last_backoff().us(), 20'000LL << i);
        d.backoff(at(3_ms));
    }
    d.fail(at(4_ms), AttemptOutcome::Timeout);
    EXPECT_EQ(name(d.retry.state()), "Exhausted");
    EXPECT_EQ(d.retry.end(), RetryEnd::AttemptsExhausted);
    EXPECT_EQ(d.retry.attempts(), 4u);
    EXPECT_EQ(d.fx.attempts.back(), std::make_pair(std::uint64_t{7}, 4u));
    EXPECT_TRUE(d.fx.timers.empty());
}

TEST(Retry, PollyRetriesCountOnlyTheRetries) {
    RetryConfig c;
    c.with_max_retries(2);
    EXPECT_EQ(c.max_attempts, 3u);
}

TEST(Retry, SuccessEndsAtOnce) {
    Driver d{RetryConfig{}};
    d.start(at(0_ms));
    d.ok(at(5_ms));
    EXPECT_EQ(name(d.retry.state()), "Succeeded");
    EXPECT_EQ(d.retry.end(), RetryEnd::Succeeded);
    EXPECT_TRUE(d.retry.finished());
}

TEST(Retry, BreakerRejectionsAreNotRetriedByDefault) {
    Driver d{RetryConfig{}};
    d.start(at(0_ms));
    d.fail(at(1_ms), AttemptOutcome::BreakerRejected);
    EXPECT_EQ(name(d.retry.state()), "Rejected");
    EXPECT_EQ(d.retry.end(), RetryEnd::NotRetryable);
}

// gRPC A6: the server's pushback decides, over the client's own backoff and retryable codes.
TEST(Retry, APushbackDelayReplacesTheBackoffAndRestartsIt) {
    RetryConfig c;
    c.max_attempts = 4;
    c.backoff.jitter = Jitter::None;  // 20 ms, 40 ms, ...
    Driver d{c};
    d.start(at(0_ms));
    d.fail(at(1_ms));
    EXPECT_EQ(d.retry.last_backoff(), 20_ms);
    d.backoff(at(21_ms));
    d.fail(at(22_ms), AttemptOutcome::FatalError, Pushback::retry_after(300_ms));  // not retryable, but told to
    EXPECT_EQ(name(d.retry.state()), "BackingOff");
    EXPECT_EQ(d.retry.last_backoff(), 300_ms);
    d.backoff(at(322_ms));
    d.fail(at(323_ms));
    EXPECT_EQ(d.retry.last_backoff(), 20_ms);  // the backoff starts over after a pushback
}

TEST(Retry, APushbackStopEndsTheRequestAndIgnoringItDoesNot) {
    RetryConfig c;
    Driver d{c};
    d.start(at(0_ms));
    d.fail(at(1_ms), AttemptOutcome::Error, Pushback::stop());
    EXPECT_EQ(d.retry.end(), RetryEnd::PushbackStop);
    c.honor_pushback = false;
    Driver e{c};
    e.start(at(0_ms));
    e.fail(at(1_ms), AttemptOutcome::Error, Pushback::stop());
    EXPECT_EQ(name(e.retry.state()), "BackingOff");
}

TEST(Retry, FatalErrorsAreNotRetriedByDefault) {
    Driver d{RetryConfig{}};
    d.start(at(0_ms));
    d.fail(at(1_ms), AttemptOutcome::FatalError);
    EXPECT_EQ(d.retry.end(), RetryEnd::NotRetryable);
    EXPECT_TRUE(RetryConfig{}.qualifies_for_throttling(AttemptOutcome::Error, Pushback::none()));
    EXPECT_FALSE(RetryConfig{}.qualifies_for_throttling(AttemptOutcome::FatalError, Pushback::none()));
    EXPECT_TRUE(RetryConfig{}.qualifies_for_throttling(AttemptOutcome::FatalError, Pushback::stop()));
}

TEST(Retry, TheChargeOfTheBudgetIsKeptForItsRefund) {
    Gate gate;
    gate.tokens = 2;
    Driver d{RetryConfig{}, &gate};
    d.start(at(0_ms));
    d.fail(at(1_ms));
    EXPECT_EQ(d.retry.last_charge(), 1u);
}

TEST(Retry, BudgetIsAskedOnlyForARealRetry) {
    Gate gate;
    gate.tokens = 1;
    RetryConfig c;
    c.max_attempts = 5;
    Driver d{c, &gate};
    d.start(at(0_ms));
    d.fail(at(1_ms), AttemptOutcome::BreakerRejected);  // not retryable: the budget is not asked
    EXPECT_EQ(gate.asked, 0);
    Driver e{c, &gate};
    e.start(at(0_ms));
    e.fail(at(1_ms));
    e.backoff(at(100_ms));
    e.fail(at(101_ms));
    EXPECT_EQ(name(e.retry.state()), "Rejected");
    EXPECT_EQ(e.retry.end(), RetryEnd::BudgetDenied);
    EXPECT_EQ(gate.asked, 2);
}

TEST(Retry, DeadlineCoversAllAttempts) {
    RetryConfig c;
    c.max_attempts = 10;
    c.overall_deadline = 100_ms;
    c.backoff.jitter = Jitter::None;
    c.backoff.base = 30_ms;
    c.backoff.cap = 1_s;
    Driver d{c};
    d.start(at(0_ms));
    EXPECT_EQ(d.fx.timers.at({TimerKind::RetryDeadline, 7}), 100_ms);
    d.fail(at(10_ms));  // backoff 30 ms: ends at 40 < 100
    d.backoff(at(40_ms));
    d.fail(at(50_ms));  // backoff 60 ms: would end at 110 >= 100
    EXPECT_EQ(name(d.retry.state()), "Exhausted");
    EXPECT_EQ(d.retry.end(), RetryEnd::DeadlineExceeded);
    EXPECT_FALSE(d.fx.timer_running(TimerKind::RetryDeadline, 7));
}

TEST(Retry, EveryTableRowIsTaken) {
    std::set<std::string> taken;
    auto merge = [&](const Driver& d) { taken.insert(d.taken.begin(), d.taken.end()); };
    RetryConfig c;
    c.max_attempts = 2;
    c.overall_deadline = 1_s;
    c.per_attempt_timeout = 100_ms;
    c.timeout_starts_after_admission = true;
    c.backoff.jitter = Jitter::None;  // 20 ms, then 40 ms: exact, so the deadline case is certain
    {
        Driver d{c};
        d.start(at(0_ms));
        d.admitted(at(0_ms));
        d.fail(at(1_ms));
        d.backoff(at(30_ms));
        d.fail(at(40_ms));  // attempts used up
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.ok(at(1_ms));
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.fail(at(1_ms), AttemptOutcome::BulkheadRejected);
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.deadline(at(1_s));  // mid-attempt
        d.ok(at(2_s));        // the abandoned attempt answers late
        d.fail(at(2_s));
        EXPECT_EQ(d.retry.late_outcomes(), 2u);
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.fail(at(1_ms));
        d.deadline(at(1_s));  // while backing off
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.fail(at(990_ms));  // the 20 ms backoff would end past the 1 s deadline
        merge(d);
    }
    {
        Gate none;
        Driver d{c, &none};
        d.start(at(0_ms));
        d.fail(at(1_ms));
        merge(d);
    }
    {
        Driver d{c};
        d.start(at(0_ms));
        d.fail(at(1_ms), AttemptOutcome::Error, Pushback::stop());
        merge(d);
    }
    for (const auto& key : all_row_keys(Retry::describe())) EXPECT_TRUE(taken.count(key)) << "row never taken: " << key;
}

TEST(Retry, EventsAfterTheEndAreModellingErrors) {
    Driver d{RetryConfig{}};
    d.start(at(0_ms));
    d.ok(at(1_ms));
    d.backoff(at(2_ms));
    EXPECT_EQ(d.retry.unhandled_events(), 1u);
}

TEST(RetryConfig, RejectsBadValues) {
    RetryConfig c;
    c.max_attempts = 0;
    try {
        c.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "retry.max_attempts = 0: must be in [1, 100]");
    }
}

// Whatever the outcomes, a request makes at most max_attempts attempts, every backoff is within
// [0, cap], and it ends in exactly one final state with no unhandled event.
RC_GTEST_PROP(Retry, AttemptsAndBackoffsStayWithinBounds, (std::uint64_t seed)) {
    RetryConfig c;
    c.max_attempts = *rc::gen::inRange<std::uint32_t>(1, 8);
    c.backoff.jitter = *rc::gen::element(Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated);
    const auto outcomes = *rc::gen::container<std::vector<int>>(20, rc::gen::inRange(0, 5));
    FakeEffects fx;
    Rng rng{seed};
    Retry r{c, 1, fx, rng};
    Time now = Time::zero();
    r.request_started(now);
    for (int o : outcomes) {
        if (r.finished()) break;
        now += 10_ms;
        if (o == 4) r.attempt_succeeded(now);
        else r.attempt_failed(now, static_cast<AttemptOutcome>(o));
        if (r.state() == RetryState::BackingOff) {
            RC_ASSERT(r.last_backoff() >= Duration::zero());
            RC_ASSERT(r.last_backoff() <= c.backoff.cap);
            r.backoff_elapsed(now + r.last_backoff());
        }
        RC_ASSERT(r.attempts() <= c.max_attempts);
    }
    RC_ASSERT(r.unhandled_events() == 0u);
    RC_ASSERT(fx.attempts.size() == r.attempts());
}

// ---- Stateful test: the machine beside a plain reference model ----
namespace stateful {

struct Model {
    std::uint32_t max_attempts;
    int budget_tokens;  // -1: no budget
    RetryState state = RetryState::Attempting;
    std::uint32_t attempts = 1;
    RetryEnd end = RetryEnd::None;
};

struct TokenGate : RetryGate {
    int tokens;
    explicit TokenGate(int t) : tokens(t) {}
    RetryGrant try_acquire_retry(Time, AttemptOutcome) override {
        if (tokens == 0) return {false, 0};
        --tokens;
        return {true, 1};
    }
};

struct Sut {
    RetryConfig config;
    FakeEffects fx;
    Rng rng{1};
    TokenGate gate;
    Retry retry;
    Sut(const RetryConfig& c, int tokens)
        : config(c), gate(tokens), retry(config, 1, fx, rng, tokens >= 0 ? &gate : nullptr) {
        retry.request_started(Time::zero());
    }
};

void agree(const Model& m, const Sut& s) {
    RC_ASSERT(s.retry.state() == m.state);
    RC_ASSERT(s.retry.attempts() == m.attempts);
    RC_ASSERT(s.retry.end() == m.end);
    RC_ASSERT(s.retry.unhandled_events() == 0u);
    RC_ASSERT(s.fx.attempts.size() == m.attempts);
}

// gRPC A6's order of questions: a pushback saying stop ends it; a pushback delay retries even an
// outcome that is not retryable; then the attempt limit; the budget last.
struct Fail : rc::state::Command<Model, Sut> {
    AttemptOutcome outcome = *rc::gen::element(AttemptOutcome::Error, AttemptOutcome::Timeout, AttemptOutcome::Throttled,
                                               AttemptOutcome::FatalError, AttemptOutcome::BreakerRejected,
                                               AttemptOutcome::BulkheadRejected);
    Pushback pushback = *rc::gen::weightedElement<Pushback>(
        {{6, Pushback::none()}, {1, Pushback::stop()}, {1, Pushback::retry_after(Duration::millis(50))}});
    void checkPreconditions(const Model& m) const override { RC_PRE(m.state == RetryState::Attempting); }
    void apply(Model& m) const override {
        const bool retryable = outcome == AttemptOutcome::Error || outcome == AttemptOutcome::Timeout ||
                               outcome == AttemptOutcome::Throttled;
        if (pushback.kind == Pushback::Kind::Stop) {
            m.state = RetryState::Rejected;
            m.end = RetryEnd::PushbackStop;
        } else if (!retryable && pushback.kind != Pushback::Kind::RetryAfter) {
            m.state = RetryState::Rejected;
            m.end = RetryEnd::NotRetryable;
        } else if (m.attempts >= m.max_attempts) {
            m.state = RetryState::Exhausted;
            m.end = RetryEnd::AttemptsExhausted;
        } else if (m.budget_tokens == 0) {
            m.state = RetryState::Rejected;
            m.end = RetryEnd::BudgetDenied;
        } else {
            if (m.budget_tokens > 0) --m.budget_tokens;
            m.state = RetryState::BackingOff;
        }
    }
    void run(const Model& m, Sut& s) const override {
        s.retry.attempt_failed(Time::zero(), outcome, pushback);
        Model after = m;
        apply(after);
        agree(after, s);
        if (after.state == RetryState::BackingOff && pushback.kind == Pushback::Kind::RetryAfter)
            RC_ASSERT(s.retry.last_backoff() == pushback.after);
    }
    void show(std::ostream& os) const override {
        os << "Fail(" << name(outcome)
           << (pushback.kind == Pushback::Kind::Stop ? ", pushback stop"
               : pushback.kind == Pushback::Kind::RetryAfter ? ", pushback 50ms" : "")
           << ")";
    }
};

struct Succeed : rc::state::Command<Model, Sut> {
    void checkPreconditions(const Model& m) const override { RC_PRE(m.state == RetryState::Attempting); }
    void apply(Model& m) const override {
        m.state = RetryState::Succeeded;
        m.end = RetryEnd::Succeeded;
    }
    void run(const Model& m, Sut& s) const override {
        s.retry.attempt_succeeded(Time::zero());
        Model after = m;
        apply(after);
        agree(after, s);
    }
    void show(std::ostream& os) const override { os << "Succeed"; }
};

struct BackoffOver : rc::state::Command<Model, Sut> {
    void checkPreconditions(const Model& m) const override { RC_PRE(m.state == RetryState::BackingOff); }
    void apply(Model& m) const override {
        m.state = RetryState::Attempting;
        ++m.attempts;
    }
    void run(const Model& m, Sut& s) const override {
        s.retry.backoff_elapsed(Time::zero());
        Model after = m;
        apply(after);
        agree(after, s);
    }
    void show(std::ostream& os) const override { os << "BackoffOver"; }
};

// Always applicable, so that a sequence can go on once the request has ended.
struct Observe : rc::state::Command<Model, Sut> {
    void run(const Model& m, Sut& s) const override { agree(m, s); }
    void show(std::ostream& os) const override { os << "Observe"; }
};

RC_GTEST_PROP(Retry, AgreesWithTheReferenceModel, ()) {
    RetryConfig config;
    config.max_attempts = *rc::gen::inRange<std::uint32_t>(1, 6);
    const int tokens = *rc::gen::inRange(-1, 4);
    Model model{config.max_attempts, tokens};
    Sut sut{config, tokens};
    rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<Fail, Succeed, BackoffOver, Observe>());
}

}  // namespace stateful
}  // namespace
}  // namespace cascadelab
