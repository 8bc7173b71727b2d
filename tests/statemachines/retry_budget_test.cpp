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
    void signal(Time t, BudgetSignal s, std::uint32_t refund = 0) {
        note([&] { budget.signal(t, s, refund); }, "BudgetSignalled");
    }
    bool retry(Time t, AttemptOutcome after = AttemptOutcome::Error) {
        bool granted = false;
        note([&] { granted = budget.retry_requested(t, after).granted; }, "RetryRequested");
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

// A6: "Up to 3 decimal places are supported" (grpc-java keeps whole thousandths of a token).
TEST(RetryBudget, GrpcTokenRatioKeepsThreeDecimalPlaces) {
    Driver d{RetryBudgetConfig::grpc(10, 0.1234)};
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);
    d.signal(at(0_ms), BudgetSignal::AttemptSucceeded);
    EXPECT_DOUBLE_EQ(d.budget.level(at(0_ms)), 9.123);
}

TEST(RetryBudget, FinagleDepositsExpireAfterTtl) {
    auto c = RetryBudgetConfig::finagle();
    c.min_retries_per_second = 0;  // no reserve: only deposits count
    c.percent_can_retry = 0.2;
    Driver d{c};
    EXPECT_FALSE(d.retry(at(0_ms)));
    for (int i = 0; i < 10; ++i) d.signal(at(0_ms), BudgetSignal::RequestStarted);
    EXPECT_EQ(d.budget.level(at(9_s)), 2.0);   // 10 requests x 20% = 2 retries, still there at 9 s
    EXPECT_EQ(d.budget.level(at(10_s)), 0.0);  // and gone at the TTL
    EXPECT_TRUE(d.retry(at(1_ms)));
    EXPECT_TRUE(d.retry(at(1_ms)));
    EXPECT_FALSE(d.retry(at(1_ms)));
    for (int i = 0; i < 10; ++i) d.signal(at(5_s), BudgetSignal::RequestStarted);
    EXPECT_TRUE(d.retry(at(5_s)));
    EXPECT_TRUE(d.retry(at(5_s)));
    EXPECT_FALSE(d.retry(at(5_s)));
}

// RetryBudget.apply: withdrawal = (ScaleFactor / percentCanRetry).toInt, a truncation: 1666
// for 60 %, so ten deposits of 1000 pay for 6 retries (at 1667 they would pay for 5).
TEST(RetryBudget, FinagleWithdrawalIsTruncatedAsFinagleTruncatesIt) {
    auto c = RetryBudgetConfig::finagle();
    c.min_retries_per_second = 0;
    c.percent_can_retry = 0.6;
    Driver d{c};
    for (int i = 0; i < 10; ++i) d.signal(at(0_ms), BudgetSignal::RequestStarted);
    int granted = 0;
    while (d.retry(at(0_ms)) && granted < 100) ++granted;
    EXPECT_EQ(granted, 6);
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
    while (d.retry(at(0_ms), AttemptOutcome::Timeout)) ++granted;
    EXPECT_EQ(granted, 50);  // 500 / 10 per timeout retry
    EXPECT_DOUBLE_EQ(d.budget.level(at(0_ms)), 0.0);
    d.signal(at(0_ms), BudgetSignal::RetrySucceeded, 5);  // refunds what that retry cost
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
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);    // 2: !still_plenty
    d.signal(at(0_ms), BudgetSignal::AttemptFailed);    // 1: !replenished
    d.retry(at(0_ms));                                  // Throttled unaffordable
    d.signal(at(0_ms), BudgetSignal::AttemptSucceeded); // 2: !replenished
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
    reserve_three.min_retries_per_second = 1;          // x 3 s = a reserve of 3 retries
    reserve_three.ttl = 3_s;
    Driver r{reserve_three};
    for (int i = 0; i < 3; ++i) r.retry(at(0_ms));     // the third: last_affordable -> Throttled
    r.retry(at(3_s));                                  // withdrawals expired: Throttled -> Plenty
    EXPECT_EQ(r.budget.state(), BudgetState::Plenty);
    taken.insert(r.taken.begin(), r.taken.end());
    auto reserve_one = RetryBudgetConfig::finagle();
    reserve_one.min_retries_per_second = 1;            // x 1 s = a reserve of 1 retry
    reserve_one.ttl = 1_s;
    Driver o{reserve_one};
    o.retry(at(0_ms));                                 // -> Throttled
    o.retry(at(1_s));                                  // Throttled + last_affordable: stays
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
        EXPECT_STREQ(e.what(), "retry_budget.max_tokens = 0: must be in (0, 1000]");
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
    // The reference, in thousandths of a token (these values have at most three decimals).
    const auto max_milli = static_cast<std::int64_t>(std::llround(max_tokens * 1000));
    const auto ratio_milli = static_cast<std::int64_t>(std::llround(ratio * 1000));
    std::int64_t tokens = max_milli;
    for (int step : steps) {
        if (step == 0) {
            budget.signal(Time::zero(), BudgetSignal::AttemptFailed);
            tokens = std::max<std::int64_t>(0, tokens - 1000);
        } else if (step == 1) {
            budget.signal(Time::zero(), BudgetSignal::AttemptSucceeded);
            tokens = std::min(max_milli, tokens + ratio_milli);
        } else {
            const bool granted = budget.retry_requested(Time::zero()).granted;
            RC_ASSERT(granted == (2 * tokens > max_milli));
            if (granted) RC_ASSERT(budget.level(Time::zero()) > max_tokens / 2);
        }
        RC_ASSERT(budget.level(Time::zero()) == static_cast<double>(tokens) / 1000.0);
        RC_ASSERT((budget.state() == BudgetState::Plenty) == (2 * tokens > max_milli));
        RC_ASSERT(budget.unhandled_events() == 0u);
    }
}

// ---- Every policy against a plain reference model (rapidcheck/state.h) ----
//
// The reference keeps each policy's quantities as its peer documents them: gRPC tokens in
// thousandths (A6: three decimal places), Finagle's deposits and withdrawals in its own integer
// units with a reserve of min_retries_per_second x ttl retries, Envoy's whole number of retries
// (the percentage truncated), the AWS quota with a cost per outcome class and the exact refund.
// Finagle's window forgets in tenths of its TTL (a WindowedAdder), which its own ported tests
// check; here time moves by 0 or by more than the TTL, where every way of forgetting agrees.
// The machine's state is Plenty exactly when a retry after an error would be granted after the
// last event, except after a denial, which always leaves it Throttled.
namespace reference {

struct Model {
    RetryBudgetConfig config;
    Time now = Time::zero();
    std::int64_t milli_tokens = 0;
    std::int64_t finagle_sum = 0;  // deposits minus withdrawals still in the window
    std::uint32_t active_requests = 0;
    std::uint32_t active_retries = 0;
    std::int64_t quota = 0;
    BudgetState state = BudgetState::Plenty;

    explicit Model(const RetryBudgetConfig& c)
        : config(c), milli_tokens(static_cast<std::int64_t>(static_cast<float>(c.max_tokens) * 1000.0f)),
          quota(c.initial_quota) {}

    std::int64_t max_milli() const { return static_cast<std::int64_t>(static_cast<float>(config.max_tokens) * 1000.0f); }
    std::int64_t withdrawal() const { return static_cast<std::int64_t>(1000.0 / config.percent_can_retry); }
    std::int64_t reserve() const {
        return static_cast<std::int64_t>(config.min_retries_per_second) * (config.ttl.us() / 1'000'000) * withdrawal();
    }
    std::int64_t envoy_limit() const {
        return std::max<std::int64_t>(static_cast<std::int64_t>(config.budget_percent / 100.0 * active_requests),
                                      config.min_retry_concurrency);
    }
    std::int64_t cost(AttemptOutcome o) const {
        if (o == AttemptOutcome::Timeout) return config.timeout_cost;
        if (o == AttemptOutcome::Throttled) return config.throttle_cost;
        return config.retry_cost;
    }
    bool allows(AttemptOutcome o) const {
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: return milli_tokens > max_milli() / 2;
            case BudgetPolicy::FinagleRatio: return finagle_sum + reserve() >= withdrawal();
            case BudgetPolicy::EnvoyConcurrent: return active_retries < envoy_limit();
            case BudgetPolicy::AwsQuota: return quota >= cost(o);
        }
        return false;
    }
    void signal(BudgetSignal s, std::uint32_t refund) {
        switch (s) {
            case BudgetSignal::RequestStarted:
                finagle_sum += 1000;
                ++active_requests;
                break;
            case BudgetSignal::RequestFinished:
                if (active_requests) --active_requests;
                break;
            case BudgetSignal::AttemptSucceeded:
                milli_tokens = std::min(max_milli(), milli_tokens + static_cast<std::int64_t>(static_cast<float>(config.token_ratio) * 1000.0f));
                quota = std::min<std::int64_t>(config.initial_quota, quota + config.no_retry_increment);
                break;
            case BudgetSignal::RetrySucceeded:
                milli_tokens = std::min(max_milli(), milli_tokens + static_cast<std::int64_t>(static_cast<float>(config.token_ratio) * 1000.0f));
                quota = std::min<std::int64_t>(config.initial_quota, quota + refund);
                break;
            case BudgetSignal::AttemptFailed: milli_tokens = std::max<std::int64_t>(0, milli_tokens - 1000); break;
            case BudgetSignal::RetryFinished:
                if (active_retries) --active_retries;
                break;
        }
        state = allows(AttemptOutcome::Error) ? BudgetState::Plenty : BudgetState::Throttled;
    }
    bool retry(AttemptOutcome o) {
        if (!allows(o)) {
            state = BudgetState::Throttled;
            return false;
        }
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: break;
            case BudgetPolicy::FinagleRatio: finagle_sum -= withdrawal(); break;
            case BudgetPolicy::EnvoyConcurrent: ++active_retries; break;
            case BudgetPolicy::AwsQuota: quota -= cost(o); break;
        }
        state = allows(AttemptOutcome::Error) ? BudgetState::Plenty : BudgetState::Throttled;
        return true;
    }
    void advance(Duration by) {
        now += by;
        if (by > Duration::zero()) finagle_sum = 0;  // by more than the TTL: the whole window expired
    }
    double level() const {
        switch (config.policy) {
            case BudgetPolicy::GrpcThrottle: return static_cast<double>(milli_tokens) / 1000.0;
            case BudgetPolicy::FinagleRatio: return static_cast<double>((finagle_sum + reserve()) / withdrawal());
            case BudgetPolicy::EnvoyConcurrent: return static_cast<double>(envoy_limit() - active_retries);
            case BudgetPolicy::AwsQuota: return static_cast<double>(quota);
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
    std::uint32_t refund = *rc::gen::element(0u, 5u, 10u, 14u);  // what the succeeded retry was charged
    void apply(Model& m) const override { m.signal(signal, refund); }
    void run(const Model& m, Sut& s) const override {
        s.budget.signal(m.now, signal, refund);
        Model after = m;
        apply(after);
        check_agreement(after, s);
        RC_ASSERT(s.budget.state() == after.state);
    }
    void show(std::ostream& os) const override { os << "Signal(" << name(signal) << ", refund " << refund << ")"; }
};

struct Retry : rc::state::Command<Model, Sut> {
    AttemptOutcome after_outcome = *rc::gen::element(AttemptOutcome::Error, AttemptOutcome::Timeout, AttemptOutcome::Throttled);
    void apply(Model& m) const override { m.retry(after_outcome); }
    void run(const Model& m, Sut& s) const override {
        const RetryGrant grant = s.budget.retry_requested(m.now, after_outcome);
        Model after = m;
        RC_ASSERT(grant.granted == after.retry(after_outcome));
        if (grant.granted && m.config.policy == BudgetPolicy::AwsQuota)
            RC_ASSERT(static_cast<std::int64_t>(grant.cost) == m.cost(after_outcome));
        check_agreement(after, s);
        RC_ASSERT(s.budget.state() == after.state);
    }
    void show(std::ostream& os) const override { os << "Retry(after " << name(after_outcome) << ")"; }
};

// Time passes: nothing, or more than the TTL, so that Finagle's window forgets everything.
struct Advance : rc::state::Command<Model, Sut> {
    Duration by = *rc::gen::element(Duration::zero(), Duration::seconds(61), Duration::seconds(125));
    void apply(Model& m) const override { m.advance(by); }
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
            c.min_retries_per_second = *rc::gen::element(0.0, 1.0, 2.0);
            c.percent_can_retry = *rc::gen::element(0.1, 0.2, 0.5);
            break;
        case BudgetPolicy::EnvoyConcurrent:
            c = RetryBudgetConfig::envoy();
            c.min_retry_concurrency = *rc::gen::inRange<std::uint32_t>(0, 4);
            c.budget_percent = *rc::gen::element(0.0, 20.0, 50.0, 100.0);
            break;
        case BudgetPolicy::AwsQuota:
            c = *rc::gen::element(RetryBudgetConfig::aws_standard(), RetryBudgetConfig::aws_2026());
            c.initial_quota = *rc::gen::element(10u, 25u, 500u);
            break;
    }
    reference::Model model{c};
    reference::Sut sut{c};
    rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<reference::Signal, reference::Retry, reference::Advance>());
}

}  // namespace
}  // namespace cascadelab
