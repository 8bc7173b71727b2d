// Backoff formulas: bounds, monotonicity, and each jitter family's distribution.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>  // std::sort
#include <cmath>      // std::pow
#include <vector>     // std::vector

#include "statemachines/backoff.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {
namespace {

using namespace literals;

// The delay a fresh schedule gives before retry n (the earlier retries drawn as 0).
Duration delay_before_retry(const BackoffConfig& c, std::uint32_t n, Rng& rng) {
    BackoffSchedule s{c};
    for (std::uint32_t i = 1; i < n; ++i) s.next_with(BackoffDraw{});
    return s.next(rng);
}

std::vector<double> draws(BackoffConfig c, std::uint32_t n, int count) {
    Rng rng{77};
    std::vector<double> out;
    for (int i = 0; i < count; ++i) out.push_back(static_cast<double>(delay_before_retry(c, n, rng).us()));
    std::sort(out.begin(), out.end());
    return out;
}
double quantile(const std::vector<double>& sorted, double q) { return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))]; }

TEST(Backoff, RawDelays) {
    BackoffConfig c;
    c.base = 20_ms;
    c.cap = 10_s;
    EXPECT_EQ(BackoffSchedule::raw(c, 1), 20_ms);
    EXPECT_EQ(BackoffSchedule::raw(c, 4), 160_ms);
    c.kind = BackoffKind::Linear;
    EXPECT_EQ(BackoffSchedule::raw(c, 3), 60_ms);
    c.kind = BackoffKind::Constant;
    EXPECT_EQ(BackoffSchedule::raw(c, 9), 20_ms);
}

// Conformance: over many draws each family's samples follow its formula's distribution.
// Full: U[0, d) -> quartiles d/4, d/2, 3d/4. Equal: U[d/2, d). Proportional: d * U[0.8, 1.2).
TEST(Backoff, JitterFamiliesMatchTheirDistributions) {
    BackoffConfig c;
    c.base = 100_ms;
    c.cap = 10_s;
    const double d = 400'000;  // retry 3: 100 ms * 2^2, in microseconds
    const struct { Jitter j; double lo, hi; } cases[] = {
        {Jitter::Full, 0, d}, {Jitter::Equal, d / 2, d}, {Jitter::Proportional, 0.8 * d, 1.2 * d}};
    for (const auto& k : cases) {
        c.jitter = k.j;
        const auto s = draws(c, 3, 20'000);
        EXPECT_GE(s.front(), k.lo) << name(k.j);
        EXPECT_LT(s.back(), k.hi) << name(k.j);
        for (double q : {0.25, 0.5, 0.75}) EXPECT_NEAR(quantile(s, q), k.lo + q * (k.hi - k.lo), 0.02 * (k.hi - k.lo)) << name(k.j) << " q" << q;
    }
    c.jitter = Jitter::None;
    EXPECT_EQ(draws(c, 3, 3), (std::vector<double>{d, d, d}));
}

TEST(Backoff, DecorrelatedStaysWithinBaseAndThreeTimesPrevious) {
    BackoffConfig c;
    c.base = 5_ms;
    c.cap = 2_s;
    c.jitter = Jitter::Decorrelated;
    Rng rng{1};
    BackoffSchedule s{c};
    double previous = 5000;
    for (std::uint32_t n = 1; n <= 50; ++n) {
        const double v = static_cast<double>(s.next(rng).us());
        ASSERT_GE(v, 5000);
        ASSERT_LE(v, std::min(2e6, 3 * previous));
        previous = v;
    }
}

TEST(Backoff, PollyV2GrowsRoughlyExponentiallyAndIsPositive) {
    BackoffConfig c;
    c.base = 1_s;
    c.cap = Duration::seconds(3600);
    c.jitter = Jitter::PollyDecorrelatedV2;
    c.cap_order = CapOrder::JitterThenCap;
    Rng rng{3};
    double total = 0;
    for (int run = 0; run < 2000; ++run) {
        BackoffSchedule s{c};
        for (std::uint32_t n = 1; n <= 5; ++n) {
            const double v = static_cast<double>(s.next(rng).us());
            ASSERT_GT(v, 0);
            if (n == 5) total += v;
        }
    }
    // The formula's median delay doubles per retry: the 5th is ~2^4 base / 1.4 * ln2-ish scale.
    EXPECT_GT(total / 2000, 4e6);
    EXPECT_LT(total / 2000, 16e6);
}

TEST(Backoff, GrpcPresetIsProportionalAroundTheCappedExponential) {
    const auto c = BackoffConfig::grpc(1_s, 2.0, 5_s);
    const auto s = draws(c, 10, 1000);  // min(2^9 s, 5 s) * U(0.8, 1.2)
    EXPECT_GE(s.front(), 4e6);
    EXPECT_LT(s.back(), 6e6);
}

TEST(BackoffConfig, RejectsBadValues) {
    BackoffConfig c;
    c.multiplier = 0;
    try {
        c.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "backoff.multiplier = 0: must be in (0, 100]");
    }
}

// A cap below the base is allowed (Polly's MaxDelay may be under its Delay): it caps every delay.
TEST(BackoffConfig, ACapBelowTheBaseCapsEveryDelay) {
    BackoffConfig c;
    c.base = 100_ms;
    c.cap = 30_ms;
    c.jitter = Jitter::None;
    EXPECT_NO_THROW(c.validate());
    Rng rng{1};
    BackoffSchedule s{c};
    for (int i = 0; i < 5; ++i) EXPECT_EQ(s.next(rng), 30_ms);
}

// gRPC A6: after a pushback-directed retry the delays start over from the initial backoff.
TEST(Backoff, ResetStartsTheSequenceOver) {
    BackoffConfig c;
    c.jitter = Jitter::None;
    c.base = 10_ms;
    c.cap = 10_s;
    Rng rng{1};
    BackoffSchedule s{c};
    EXPECT_EQ(s.next(rng), 10_ms);
    EXPECT_EQ(s.next(rng), 20_ms);
    s.reset();
    EXPECT_EQ(s.retries(), 0u);
    EXPECT_EQ(s.next(rng), 10_ms);
}

// The tutorial's delays lie in [0, min(400, 20 * 2^(n-1))) ms for every retry number.
RC_GTEST_PROP(Backoff, TutorialDelaysWithinBounds, (std::uint64_t seed)) {
    const auto c = BackoffConfig::tutorial();
    Rng rng{seed};
    BackoffSchedule s{c};
    for (std::uint32_t n = 1; n <= 12; ++n) {
        const auto d = s.next(rng);
        const auto bound = std::min<std::int64_t>(400'000, 20'000LL << (n - 1));
        RC_ASSERT(d >= Duration::zero());
        RC_ASSERT(d.us() < bound);
    }
}

// Every family, capped either way, stays within [0, cap].
RC_GTEST_PROP(Backoff, EveryDelayWithinZeroAndCap, (std::uint64_t seed)) {
    BackoffConfig c;
    c.kind = *rc::gen::element(BackoffKind::Constant, BackoffKind::Linear, BackoffKind::Exponential);
    c.jitter = *rc::gen::element(Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional,
                                 Jitter::PollyDecorrelatedV2, Jitter::EnvoyModulo);
    c.cap_order = *rc::gen::element(CapOrder::JitterThenCap, CapOrder::CapThenJitter);
    c.base = Duration::millis(*rc::gen::inRange(1, 1000));
    c.cap = c.base * *rc::gen::inRange(1, 100);
    c.multiplier = *rc::gen::element(1.0, 1.5, 2.0, 3.0);
    RC_TAG(name(c.jitter));
    Rng rng{seed};
    BackoffSchedule s{c};
    for (std::uint32_t n = 1; n <= 20; ++n) {
        const auto d = s.next(rng);
        RC_ASSERT(d >= Duration::zero());
        // Proportional jitter after the cap may exceed it by its factor: cap * high.
        const bool may_exceed = c.jitter == Jitter::Proportional && c.cap_order == CapOrder::CapThenJitter;
        RC_ASSERT(static_cast<double>(d.us()) <= static_cast<double>(c.cap.us()) * (may_exceed ? c.proportional_high : 1.0));
    }
}

// Over the whole retry range — thousands of retries, any base up to a day, any multiplier — a
// delay is never negative and never past its bound: the arithmetic saturates (Polly #2163: its
// decorrelated jitter V2 turned negative after ~1024 attempts).
RC_GTEST_PROP(Backoff, NoDelayEverWrapsAroundWhateverTheRetryNumber, (std::uint64_t seed)) {
    BackoffConfig c;
    c.kind = *rc::gen::element(BackoffKind::Constant, BackoffKind::Linear, BackoffKind::Exponential,
                               BackoffKind::AwsLegacy);
    c.jitter = *rc::gen::element(Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated, Jitter::Proportional,
                                 Jitter::PollyDecorrelatedV2, Jitter::EnvoyModulo);
    c.cap_order = *rc::gen::element(CapOrder::JitterThenCap, CapOrder::CapThenJitter);
    c.base = Duration::micros(*rc::gen::inRange<std::int64_t>(1, 86'400'000'000LL));
    c.cap = *rc::gen::element(Duration::max(), c.base * *rc::gen::inRange(1, 1000));
    c.multiplier = *rc::gen::element(0.5, 1.0, 2.0, 100.0);
    RC_TAG(name(c.jitter));
    Rng rng{seed};
    BackoffSchedule s{c};
    const auto retries = *rc::gen::inRange<std::uint32_t>(1, 3000);
    RC_LOG() << name(c.kind) << " " << name(c.jitter) << " base " << to_string(c.base) << " cap " << to_string(c.cap)
             << " x" << c.multiplier << (c.cap_order == CapOrder::JitterThenCap ? " jitter-then-cap" : " cap-then-jitter");
    for (std::uint32_t n = 1; n <= retries; ++n) {
        const auto d = s.next(rng);
        RC_LOG() << "retry " << n << ": " << to_string(d) << "\n";
        RC_ASSERT(d >= Duration::zero());
        const bool may_exceed = c.jitter == Jitter::Proportional && c.cap_order == CapOrder::CapThenJitter &&
                                c.kind != BackoffKind::AwsLegacy;
        if (!may_exceed) RC_ASSERT(d <= c.cap);
    }
}

// Exponential backoff without jitter never shrinks.
RC_GTEST_PROP(Backoff, ExponentialWithoutJitterIsNonDecreasing, ()) {
    BackoffConfig c;
    c.jitter = Jitter::None;
    c.base = Duration::millis(*rc::gen::inRange(1, 1000));
    c.cap = c.base * *rc::gen::inRange(1, 1000);
    c.multiplier = *rc::gen::element(1.0, 1.5, 2.0, 10.0);
    c.cap_order = *rc::gen::element(CapOrder::JitterThenCap, CapOrder::CapThenJitter);
    Rng rng{0};
    BackoffSchedule s{c};
    Duration previous = Duration::zero();
    for (std::uint32_t n = 1; n <= 40; ++n) {
        const auto d = s.next(rng);
        RC_ASSERT(d >= previous);
        previous = d;
    }
}


// Doubling takes a faster path than pow: it must give the very same delay for every retry number
// and base, up to and past the ends of the range (the simulations' outputs are byte-identical).
TEST(Backoff, DoublingIsExactlyWhatPowGives) {
    const auto as_delay = [](double us) {  // what the schedule does with a computed delay
        if (!(us > 0)) return Duration::zero();
        if (us >= 9.0e18) return Duration::max();
        return Duration::micros(static_cast<std::int64_t>(us));
    };
    BackoffConfig c;
    c.kind = BackoffKind::Exponential;
    c.multiplier = 2.0;
    for (const std::int64_t base_us : {0LL, 1LL, 3LL, 20'000LL, 123'456'789LL, 1LL << 60}) {
        c.base = Duration::micros(base_us);
        for (std::uint32_t n = 0; n < 1100; ++n) {
            const double want = static_cast<double>(base_us) * std::pow(2.0, static_cast<double>(n) - 1.0);
            ASSERT_EQ(BackoffSchedule::raw(c, n), as_delay(want)) << "base " << base_us << " us, retry " << n;
        }
    }
}

}  // namespace
}  // namespace cascadelab
