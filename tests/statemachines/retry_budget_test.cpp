// The retry budget: each policy's arithmetic, every row, and the gRPC throttle against a
// reference model.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <rapidcheck/state.h>

#include <algorithm>  // std::max, std::min
#include <cmath>      // std::llround
#include <deque>      // std::deque
#include <set>        // std::set

#include "statemachines/config_error.hpp"
#include "statemachines/retry_budget.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

Time at(Duration d) { return Time::zero() + d; }

struct Driver {
    explicit Driver(RetryBudgetConfig c) : budget(c, fx) {}
    void signal(Time t, BudgetSignal s) { note([&] { budget.signal(t, s); }, "BudgetSignalled"); }
    bool retry(Time t, bool timeout = false) {
        bool granted = false;
        note([&] { granted = budget.retry_requested(t, timeout); }, "RetryRequested");
        return granted;
    }
    template <class F>
    void note(F&& f, std::string_view event) {
        const auto before = budget.state();
        f();
        taken.insert(row_key(name(before), event, name(budget.state()), budget.last_row_guard()));
    }
    FakeEffects fx;
    RetryBudget budget;
    std::set<std::string> taken;
};

TEST(RetryBudget, GrpcThrottleStopsRetriesAtHalfTheTokens) {
    Driver d{RetryBudgetConfig::grpc(10, 0.1)};
    for (int i = 0; i < 4; ++i) d.signal(at(0_ms), BudgetSignal::AttemptFailed);
    EXPECT_EQ(d.budget.state(), BudgetState::Plenty);  // 6 tokens > 5
    EXPECT_TRUE(d.retry(at(0_ms)));
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);  // 5 tokens: not above half
    EXPECT_EQ(d.budget.state(), BudgetState::Throttled);
    EXPECT_FALSE(d.retry(at(0_ms)));
    d.signal(at(0_ms), BudgetSignal::AttemptSucceeded);  // 5.1
    EXPECT_EQ(d.budget.state(), BudgetState::Plenty);
    EXPECT_DOUBLE_EQ(d.budget.level(at(0_ms)), 5.1);
}

TEST(RetryBudget, FinagleDepositsExpireAfterTtl) {
    auto c = RetryBudgetConfig::finagle();
    c.min_retries_per_second = 0;  // no reserve: only deposits count
    c.percent_can_retry = 0.2;
    Driver d{c};
    EXPECT_FALSE(d.retry(at(0_ms)));
    for (int i = 0; i < 10; ++i) d.signal(at(0_ms), BudgetSignal::RequestStarted);
    EXPECT_TRUE(d.retry(at(1_ms)));
    EXPECT_TRUE(d.retry(at(1_ms)));  // 10 requests x 20% = 2 retries
    EXPECT_FALSE(d.retry(at(1_ms)));
    for (int i = 0; i < 10; ++i) d.signal(at(5_s), BudgetSignal::RequestStarted);
    EXPECT_FALSE(d.retry(at(10_s)));  // the 0 s deposits expired; the 1 ms withdrawals still count
    EXPECT_TRUE(d.retry(at(10_s + 1_ms)));  // now they expired too: 10 x 0.2 from the 5 s deposits
    EXPECT_TRUE(d.retry(at(10_s + 1_ms)));
    EXPECT_FALSE(d.retry(at(10_s + 1_ms)));
}

TEST(RetryBudget, FinagleReserveAllowsMinRetriesPerSecondTimesTtl) {
    Driver d{RetryBudgetConfig::finagle()};  // 10/s x 10 s = 100
    int granted = 0;
    while (d.retry(at(0_ms)) && granted < 1000) ++granted;
    EXPECT_EQ(granted, 100);
}

TEST(RetryBudget, EnvoyBoundsConcurrentRetries) {
    Driver d{RetryBudgetConfig::envoy()};
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(d.retry(at(0_ms)));  // min_retry_concurrency
    EXPECT_FALSE(d.retry(at(0_ms)));
    for (int i = 0; i < 100; ++i) d.signal(at(0_ms), BudgetSignal::RequestStarted);
    int granted = 3;
    while (d.retry(at(0_ms))) ++granted;
    EXPECT_EQ(granted, 20);  // 20% of 100 active
    d.signal(at(1_ms), BudgetSignal::RetryFinished);
    EXPECT_TRUE(d.retry(at(1_ms)));
}

TEST(RetryBudget, AwsQuotaChargesCostClassesAndRefunds) {
    Driver d{RetryBudgetConfig::aws_standard()};
    int granted = 0;
    while (d.retry(at(0_ms), true)) ++granted;
    EXPECT_EQ(granted, 50);  // 500 / 10 per timeout retry
    EXPECT_DOUBLE_EQ(d.budget.level(at(0_ms)), 0.0);
    d.signal(at(0_ms), BudgetSignal::RetrySucceeded);  // refunds 5
    EXPECT_TRUE(d.retry(at(0_ms)));
    EXPECT_FALSE(d.retry(at(0_ms)));
    for (int i = 0; i < 5; ++i) d.signal(at(0_ms), BudgetSignal::AttemptSucceeded);
    EXPECT_TRUE(d.retry(at(0_ms)));
}

TEST(RetryBudget, EveryTableRowIsTaken) {
    std::set<std::string> taken;
    Driver d{RetryBudgetConfig::grpc(4, 1.0)};     // tokens 4, retry while > 2
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);    // 3: still_plenty
    d.retry(at(0_ms));                                  // affordable_with_more_left
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);    // 2: runs_out
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);    // 1: still_short
    d.retry(at(0_ms));                                  // Throttled unaffordable
    d.signal(at(0_ms), BudgetSignal::AttemptSucceeded); // 2: still_short
    d.signal(at(0_ms), BudgetSignal::AttemptSucceeded); // 3: replenished
    taken.insert(d.taken.begin(), d.taken.end());
    Driver e{RetryBudgetConfig::envoy()};               // 3 concurrent retries
    e.retry(at(0_ms));
    e.retry(at(0_ms));
    e.retry(at(0_ms));                                  // last_affordable -> Throttled
    e.retry(at(0_ms));                                  // unaffordable (Throttled)
    e.signal(at(0_ms), BudgetSignal::RetryFinished);    // replenished
    e.signal(at(0_ms), BudgetSignal::RetryFinished);
    e.signal(at(0_ms), BudgetSignal::RetryFinished);
    for (int i = 0; i < 15; ++i) e.signal(at(0_ms), BudgetSignal::RequestStarted);  // 3 allowed
    e.retry(at(0_ms));
    e.retry(at(0_ms));
    e.retry(at(0_ms));                                  // -> Throttled
    e.signal(at(0_ms), BudgetSignal::RequestStarted);   // 16 active: 3.2 allowed
    e.signal(at(0_ms), BudgetSignal::RequestStarted);   // ...
    taken.insert(e.taken.begin(), e.taken.end());
    Driver f{RetryBudgetConfig::envoy()};
    for (int i = 0; i < 3; ++i) f.retry(at(0_ms));       // Throttled after the third
    for (int i = 0; i < 20; ++i) f.signal(at(0_ms), BudgetSignal::RequestStarted);  // 4 allowed: replenished
    f.budget.retry_requested(at(0_ms));
    taken.insert(f.taken.begin(), f.taken.end());
    // Finagle's window changes with time alone, which the remaining rows need.
    auto deposits_only = RetryBudgetConfig::finagle();
    deposits_only.min_retries_per_second = 0;
    deposits_only.percent_can_retry = 1.0;
    Driver g{deposits_only};
    g.signal(at(0_ms), BudgetSignal::RequestStarted);
    g.signal(at(0_ms), BudgetSignal::RequestStarted);  // balance 2: Plenty
    g.retry(at(10_s));                                 // the deposits expired: Plenty + unaffordable
    EXPECT_EQ(g.budget.state(), BudgetState::Throttled);
    taken.insert(g.taken.begin(), g.taken.end());
    auto reserve_three = RetryBudgetConfig::finagle();
    reserve_three.min_retries_per_second = 0.3;        // x 10 s = a reserve of 3 retries
    Driver r{reserve_three};
    for (int i = 0; i < 3; ++i) r.retry(at(0_ms));     // the third: last_affordable -> Throttled
    r.retry(at(10_s));                                 // withdrawals expired: Throttled -> Plenty
    EXPECT_EQ(r.budget.state(), BudgetState::Plenty);
    taken.insert(r.taken.begin(), r.taken.end());
    auto reserve_one = RetryBudgetConfig::finagle();
    reserve_one.min_retries_per_second = 0.1;          // a reserve of 1 retry
    Driver o{reserve_one};
    o.retry(at(0_ms));                                 // -> Throttled
    o.retry(at(10_s));                                 // Throttled + last_affordable: stays
    EXPECT_EQ(o.budget.granted(), 2u);
    taken.insert(o.taken.begin(), o.taken.end());
    for (const auto& key : all_row_keys(RetryBudget::describe())) EXPECT_TRUE(taken.count(key)) << "row never taken: " << key;
}

TEST(RetryBudgetConfig, RejectsBadValues) {
    auto c = RetryBudgetConfig::grpc(0, 0.1);
    try {
        c.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "retry_budget.max_tokens = 0: must be in (0, 1000] (gRPC)");
    }
}

// The gRPC throttle never allows a retry at or below half its tokens, and it agrees with a
// plain reference model after every step.
RC_GTEST_PROP(RetryBudget, GrpcThrottleMatchesTheReference, ()) {
    const double max_tokens = *rc::gen::element(1.0, 4.0, 10.0, 100.0);
    const double ratio = *rc::gen::element(0.1, 0.5, 1.0);
    const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 3));
    FakeEffects fx;
    RetryBudget budget{RetryBudgetConfig::grpc(max_tokens, ratio), fx};
    double tokens = max_tokens;  // the reference
    for (int step : steps) {
        if (step == 0) {
            budget.signal(Time::zero(), BudgetSignal::AttemptFailed);
            tokens = std::max(0.0, tokens - 1);
        } else if (step == 1) {
            budget.signal(Time::zero(), BudgetSignal::AttemptSucceeded);
            tokens = std::min(max_tokens, tokens + ratio);
        } else {
            const bool granted = budget.retry_requested(Time::zero());
            RC_ASSERT(granted == (tokens > max_tokens / 2));
            if (granted) RC_ASSERT(budget.level(Time::zero()) > max_tokens / 2);
        }
        RC_ASSERT(budget.level(Time::zero()) == tokens);
        RC_ASSERT((budget.state() == BudgetState::Plenty) == (tokens > max_tokens / 2));
        RC_ASSERT(budget.unhandled_events() == 0u);
    }
}

// ---- Every policy against a plain reference model (rapidcheck/state.h) ----
//
// The reference keeps each policy's quantities directly: gRPC tokens, Finagle's timed deposits
// and withdrawals (integer micro-retries, so ten deposits of 0.2 are exactly two retries), Envoy's
// active requests and retries, the AWS quota. The machine's state is Plenty exactly when a plain
// retry would be granted after the last event — except after a denial, which always leaves it
// Throttled (a timeout's retry may be denied while a plain one would pass).
namespace reference {

struct Model {
    RetryBudgetConfig config;
    Time now = Time::zero();
    double tokens = 0;
    std::deque<std::pair<Time, std::int64_t>> finagle;  // (when, micro-retries)
    std::uint32_t active_requests = 0;
    std::uint32_t active_retries = 0;
    double quota = 0;
    BudgetState state = BudgetState::Plenty;

    explicit Model(const RetryBudgetConfig& c) : config(c), tokens(c.max_tokens), quota(c.initial_quota) {}

    std::int64_t finagle_balance() const {
        std::int64_t sum = std::llround(config.min_retries_per_second * static_cast<double>(config.ttl.us()));
        for (const auto& [at, amount] : finagle)
            if (at + config.ttl > now) sum += amount;
        return sum;
    }
    double cost(bool timeout) const { return timeout ? config.timeout_cost : config.retry_cost; }
    bool allows(bool timeout) const {
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: return tokens > config.max_tokens / 2;
            case BudgetPolicy::FinagleRatio: return finagle_balance() >= 1'000'000;
            case BudgetPolicy::EnvoyConcurrent:
                return active_retries < std::max<double>(config.min_retry_concurrency,
                                                         config.budget_percent / 100.0 * active_requests);
            case BudgetPolicy::AwsQuota: return quota >= cost(timeout);
        }
        return false;
    }
    void signal(BudgetSignal s) {
        switch (s) {
            case BudgetSignal::RequestStarted:
                finagle.emplace_back(now, std::llround(config.percent_can_retry * 1e6));
                ++active_requests;
                break;
            case BudgetSignal::RequestFinished:
                if (active_requests) --active_requests;
                break;
            case BudgetSignal::AttemptSucceeded:
                tokens = std::min(config.max_tokens, tokens + config.token_ratio);
                quota = std::min<double>(config.initial_quota, quota + config.no_retry_increment);
                break;
            case BudgetSignal::RetrySucceeded:
                tokens = std::min(config.max_tokens, tokens + config.token_ratio);
                quota = std::min<double>(config.initial_quota, quota + config.retry_cost);
                break;
            case BudgetSignal::AttemptFailed: tokens = std::max(0.0, tokens - 1.0); break;
            case BudgetSignal::RetryFinished:
                if (active_retries) --active_retries;
                break;
        }
        state = allows(false) ? BudgetState::Plenty : BudgetState::Throttled;
    }
    bool retry(bool timeout) {
        const bool timeout_counts = config.policy == BudgetPolicy::AwsQuota && timeout;
        if (!allows(timeout_counts)) {
            state = BudgetState::Throttled;
            return false;
        }
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: break;
            case BudgetPolicy::FinagleRatio: finagle.emplace_back(now, -1'000'000); break;
            case BudgetPolicy::EnvoyConcurrent: ++active_retries; break;
            case BudgetPolicy::AwsQuota: quota -= cost(timeout); break;
        }
        state = allows(false) ? BudgetState::Plenty : BudgetState::Throttled;
        return true;
    }
    double level() const {
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: return tokens;
            case BudgetPolicy::FinagleRatio: return static_cast<double>(finagle_balance()) / 1e6;
            case BudgetPolicy::EnvoyConcurrent:
                return std::max<double>(config.min_retry_concurrency, config.budget_percent / 100.0 * active_requests) -
                       active_retries;
            case BudgetPolicy::AwsQuota: return quota;
        }
        return 0;
    }
};

struct Sut {
    testing::FakeEffects fx;
    RetryBudget budget;
    std::vector<bool> granted;
    explicit Sut(const RetryBudgetConfig& c) : budget(c, fx) {}
};

void check_agreement(const Model& m, const Sut& s) {
    RC_ASSERT(s.budget.level(m.now) == m.level());
    RC_ASSERT(s.budget.unhandled_events() == 0u);
}

struct Signal : rc::state::Command<Model, Sut> {
    BudgetSignal signal = *rc::gen::element(BudgetSignal::RequestStarted, BudgetSignal::RequestFinished,
                                            BudgetSignal::AttemptSucceeded, BudgetSignal::RetrySucceeded,
                                            BudgetSignal::AttemptFailed, BudgetSignal::RetryFinished);
    void apply(Model& m) const override { m.signal(signal); }
    void run(const Model& m, Sut& s) const override {
        s.budget.signal(m.now, signal);
        Model after = m;
        apply(after);
        check_agreement(after, s);
        RC_ASSERT(s.budget.state() == after.state);
    }
    void show(std::ostream& os) const override { os << "Signal(" << name(signal) << ")"; }
};

struct Retry : rc::state::Command<Model, Sut> {
    bool after_timeout = *rc::gen::arbitrary<bool>();
    void apply(Model& m) const override { m.retry(after_timeout); }
    void run(const Model& m, Sut& s) const override {
        const bool granted = s.budget.retry_requested(m.now, after_timeout);
        Model after = m;
        RC_ASSERT(granted == after.retry(after_timeout));
        check_agreement(after, s);
        RC_ASSERT(s.budget.state() == after.state);
    }
    void show(std::ostream& os) const override { os << "Retry(" << (after_timeout ? "timeout" : "error") << ")"; }
};

// Time passes; Finagle's deposits and withdrawals expire after the TTL.
struct Advance : rc::state::Command<Model, Sut> {
    Duration by = Duration::millis(*rc::gen::inRange(0, 2500));
    void apply(Model& m) const override { m.now += by; }
    void run(const Model& m, Sut& s) const override {
        Model after = m;
        apply(after);
        check_agreement(after, s);
    }
    void show(std::ostream& os) const override { os << "Advance(" << to_string(by) << ")"; }
};

}  // namespace reference

RC_GTEST_PROP(RetryBudget, EveryPolicyAgreesWithTheReferenceModel, ()) {
    const BudgetPolicy policy = *rc::gen::element(BudgetPolicy::GrpcThrottle, BudgetPolicy::FinagleRatio,
                                                  BudgetPolicy::EnvoyConcurrent, BudgetPolicy::AwsQuota);
    RetryBudgetConfig c;
    switch (policy) {
        case BudgetPolicy::GrpcThrottle:
            c = RetryBudgetConfig::grpc(*rc::gen::element(1.0, 3.0, 10.0), *rc::gen::element(0.1, 0.5, 1.0));
            break;
        case BudgetPolicy::FinagleRatio:
            c = RetryBudgetConfig::finagle();
            c.ttl = Duration::seconds(*rc::gen::inRange(1, 3));
            c.min_retries_per_second = *rc::gen::element(0.0, 0.5, 2.0);
            c.percent_can_retry = *rc::gen::element(0.1, 0.2, 0.5);
            break;
        case BudgetPolicy::EnvoyConcurrent:
            c = RetryBudgetConfig::envoy();
            c.min_retry_concurrency = *rc::gen::inRange<std::uint32_t>(0, 4);
            c.budget_percent = *rc::gen::element(0.0, 20.0, 50.0, 100.0);
            break;
        case BudgetPolicy::AwsQuota:
            c = RetryBudgetConfig::aws_standard();
            c.initial_quota = *rc::gen::element(10u, 25u, 500u);
            break;
    }
    reference::Model model{c};
    reference::Sut sut{c};
    rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<reference::Signal, reference::Retry, reference::Advance>());
}

}  // namespace
}  // namespace cascadelab
