// The statistics of verdicts over seeds: known values of the intervals and sample sizes, and
// Wald's test keeping its error bounds on simulated coins.
#include <gtest/gtest.h>

#include <cmath>

#include "model/kernel/rng.hpp"
#include "properties/statistics.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {
namespace {

TEST(Statistics, WilsonIntervalMatchesPublishedValues) {
    // 19 of 20: Wilson [0.7639, 0.9911]; 2 of 20: [0.0279, 0.3010]; 0 of 20: [0, 0.1611].
    const Interval a = wilson_interval(19, 20);
    EXPECT_NEAR(a.low, 0.7639, 5e-4);
    EXPECT_NEAR(a.high, 0.9911, 5e-4);
    const Interval b = wilson_interval(2, 20);
    EXPECT_NEAR(b.low, 0.0279, 5e-4);
    EXPECT_NEAR(b.high, 0.3010, 5e-4);
    const Interval c = wilson_interval(0, 20);
    EXPECT_EQ(c.low, 0.0);
    EXPECT_NEAR(c.high, 0.1611, 5e-4);
    EXPECT_EQ(wilson_interval(0, 0).high, 1.0);
}

TEST(Statistics, ClopperPearsonUpperBoundSolvesTheBinomialTail) {
    // k = 0: 1 − δ^(1/n). k = 1, n = 10, δ = 0.05: the p with P(X ≤ 1) = 0.05 is 0.3942.
    EXPECT_NEAR(clopper_pearson_upper(0, 299, 0.05), 1 - std::pow(0.05, 1.0 / 299), 1e-12);
    EXPECT_NEAR(clopper_pearson_upper(1, 10, 0.05), 0.3942, 5e-4);
    EXPECT_EQ(clopper_pearson_upper(10, 10, 0.05), 1.0);
}

TEST(Statistics, SampleSizes) {
    EXPECT_EQ(zero_failure_runs(0.01, 0.05), 299u);  // (0.99)^299 = 0.0495 ≤ 0.05 < (0.99)^298
    EXPECT_LE(std::pow(0.99, 299), 0.05);
    EXPECT_GT(std::pow(0.99, 298), 0.05);
    EXPECT_LE(clopper_pearson_upper(0, zero_failure_runs(0.01, 0.05), 0.05), 0.01);
    EXPECT_EQ(okamoto_runs(0.01, 0.05), 18445u);
}

TEST(Statistics, WaldsTestStopsEarlyOnClearCases) {
    Sprt fails(SprtOptions{});
    int runs = 0;
    while (fails.add(true) == Sprt::Decision::Undecided) ++runs;
    // ln(19) / ln(0.95 / 0.85) = 26.6: the 27th violation decides.
    EXPECT_EQ(fails.runs(), 27u);
    Sprt holds(SprtOptions{});
    while (holds.add(false) == Sprt::Decision::Undecided) {}
    EXPECT_EQ(holds.decision(), Sprt::Decision::Holds);
    EXPECT_EQ(holds.runs(), 3u);  // each clean run: ln(0.05 / 0.15) = −1.10; −ln(19) = −2.94
}

// The share of 2000 simulated schedules, each failing with probability p, that the test calls
// failing.
double share_failing(double p, std::uint64_t stream) {
    Rng rng(stream);
    int failing = 0;
    for (int i = 0; i < 2000; ++i) {
        Sprt t(SprtOptions{});
        while (t.add(rng.bernoulli(p)) == Sprt::Decision::Undecided) {}
        failing += t.decision() == Sprt::Decision::Fails;
    }
    return failing / 2000.0;
}

// Wald's bounds hold up to his approximation: the error at the region's edges is at most
// α / (1 − β) = 0.0526; 2000 trials add three standard errors (0.015).
TEST(Statistics, WaldsTestKeepsItsErrorBounds) {
    constexpr double kEdge = 0.05 / 0.95 + 0.015;
    EXPECT_GE(share_failing(0.95, 1), 1 - kEdge);
    EXPECT_GE(share_failing(0.99, 2), 0.99);
    EXPECT_LE(share_failing(0.85, 3), kEdge);
    EXPECT_LE(share_failing(0.5, 4), 0.01);
}

TEST(Statistics, BadTestOptionsNameTheOption) {
    SprtOptions o;
    o.threshold = 0.97;  // + 0.05 leaves (0, 1)
    try {
        o.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.field(), "--indifference");
    }
    o = SprtOptions{};
    o.alpha = 0;
    EXPECT_THROW(o.validate(), ConfigError);
}

}  // namespace
}  // namespace cascadelab::properties
