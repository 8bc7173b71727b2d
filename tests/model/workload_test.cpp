// Workloads: how many arrivals, when, and at what rate.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "model/workload.hpp"

namespace cascadelab {
namespace {

using namespace literals;

std::vector<Time> all(const WorkloadConfig& c, std::uint64_t seed = 1) {
    ArrivalGenerator g(c, Rng(seed));
    std::vector<Time> out;
    while (auto t = g.next()) out.push_back(*t);
    return out;
}

TEST(Workload, TheTutorialBurstIsTwoThousandAtOnce) {
    const std::vector<Time> a = all(WorkloadConfig::tutorial());
    ASSERT_EQ(a.size(), 2000u);
    EXPECT_EQ(a.front(), Time{});
    EXPECT_EQ(a.back(), Time{});
}

TEST(Workload, BurstsAreGapApartAndSpreadEvenly) {
    WorkloadConfig c;
    c.burst_size = 4;
    c.bursts = 3;
    c.gap = 100_ms;
    c.spread = 8_ms;
    const std::vector<Time> a = all(c);
    ASSERT_EQ(a.size(), 12u);
    EXPECT_EQ(a[0], Time::at(0_ms));
    EXPECT_EQ(a[1], Time::at(2_ms));
    EXPECT_EQ(a[3], Time::at(6_ms));
    EXPECT_EQ(a[4], Time::at(100_ms));
    EXPECT_EQ(a[11], Time::at(206_ms));
    EXPECT_EQ(c.trigger_end(), Time::at(208_ms));
}

TEST(Workload, PoissonHasTheRequestedCountAndRate) {
    WorkloadConfig c;
    c.kind = WorkloadKind::Poisson;
    c.rate_per_second = 1000.0;
    c.requests = 50'000;
    const std::vector<Time> a = all(c);
    ASSERT_EQ(a.size(), 50'000u);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    // 50,000 arrivals at 1000/s take 50 s, within a few standard deviations (sqrt(n)/rate = 0.22 s).
    EXPECT_NEAR(a.back().since_start().ms() / 1e3, 50.0, 1.0);
}

TEST(Workload, StepRaisesTheRateDuringTheSpikeOnly) {
    WorkloadConfig c;
    c.kind = WorkloadKind::Step;
    c.base_rate_per_second = 100.0;
    c.spike_rate_per_second = 2000.0;
    c.spike_start = Time::at(10_s);
    c.spike_length = 5_s;
    c.duration = 30_s;
    const std::vector<Time> a = all(c);
    std::size_t in_spike = 0;
    for (Time t : a) in_spike += (t >= Time::at(10_s) && t < Time::at(15_s)) ? 1 : 0;
    EXPECT_NEAR(static_cast<double>(in_spike), 10'000.0, 400.0);           // 2000/s * 5 s
    EXPECT_NEAR(static_cast<double>(a.size() - in_spike), 2'500.0, 200.0);  // 100/s * 25 s
    EXPECT_LT(a.back(), Time::at(30_s));
    EXPECT_EQ(c.expected_requests(), 12'500u);
}

TEST(Workload, ArrivalsAreReplayedAsGiven) {
    WorkloadConfig c;
    c.kind = WorkloadKind::Arrivals;
    c.arrivals = {Time::at(1_ms), Time::at(1_ms), Time::at(5_ms)};
    EXPECT_EQ(all(c), c.arrivals);
}

TEST(Workload, ValidationRejectsUnsortedArrivals) {
    WorkloadConfig c;
    c.kind = WorkloadKind::Arrivals;
    c.arrivals = {Time::at(5_ms), Time::at(1_ms)};
    EXPECT_THROW(c.validate(), std::invalid_argument);
}

// Same seed, same arrivals; the generator never goes back in time.
RC_GTEST_PROP(Workload, PoissonIsDeterministicAndNonDecreasing, (std::uint64_t seed)) {
    WorkloadConfig c;
    c.kind = WorkloadKind::Poisson;
    c.rate_per_second = *rc::gen::inRange(1, 100'000);
    c.requests = *rc::gen::inRange(1, 500);
    const std::vector<Time> a = all(c, seed);
    RC_ASSERT(a == all(c, seed));
    RC_ASSERT(a.size() == c.requests);
    RC_ASSERT(std::is_sorted(a.begin(), a.end()));
}

}  // namespace
}  // namespace cascadelab
