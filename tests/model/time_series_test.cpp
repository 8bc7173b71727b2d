// The windowed time series.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/time_series.hpp"

namespace cascadelab {
namespace {

using namespace literals;

TEST(TimeSeries, SamplesLandInTheirWindow) {
    TimeSeries ts{100_ms};
    ts.record(Time::zero() + 10_ms, 3.0);
    ts.record(Time::zero() + 99_ms, 5.0);
    ts.record(Time::zero() + 100_ms, 7.0);
    ts.record(Time::zero() + 450_ms, 1.0);
    ASSERT_EQ(ts.windows().size(), 5u);
    EXPECT_EQ(ts.windows()[0].count, 2u);
    EXPECT_DOUBLE_EQ(ts.windows()[0].sum, 8.0);
    EXPECT_DOUBLE_EQ(ts.windows()[0].max, 5.0);
    EXPECT_DOUBLE_EQ(ts.windows()[0].mean(), 4.0);
    EXPECT_EQ(ts.windows()[1].count, 1u);
    EXPECT_EQ(ts.windows()[2].count, 0u);  // a gap is an empty window
    EXPECT_EQ(ts.windows()[4].count, 1u);
    EXPECT_EQ(ts.window_start(4), Time::zero() + 400_ms);
    EXPECT_DOUBLE_EQ(ts.rate_per_second(0), 20.0);  // 2 samples in 100 ms
}

TEST(TimeSeries, MaxOfNegativeSamplesIsTheLargestSample) {
    TimeSeries ts{1_s};
    ts.record(Time::zero(), -3.0);
    ts.record(Time::zero(), -1.0);
    EXPECT_DOUBLE_EQ(ts.windows()[0].max, -1.0);
}

RC_GTEST_PROP(TimeSeries, CountsAndSumsAreConserved, (const std::vector<std::pair<std::uint16_t, std::int8_t>>& samples)) {
    TimeSeries ts{Duration::millis(*rc::gen::inRange(1, 500))};
    double sum = 0;
    for (auto [at_ms, v] : samples) {
        ts.record(Time::zero() + Duration::millis(at_ms), v);
        sum += v;
    }
    std::uint64_t count = 0;
    double total = 0;
    for (const auto& w : ts.windows()) { count += w.count; total += w.sum; }
    RC_ASSERT(count == samples.size());
    RC_ASSERT(total == sum);
}

RC_GTEST_PROP(TimeSeries, MergeEqualsRecordingAll, (const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b)) {
    TimeSeries ta{50_ms}, tb{50_ms}, all{50_ms};
    for (auto v : a) { ta.record(Time::zero() + Duration::millis(v), v); all.record(Time::zero() + Duration::millis(v), v); }
    for (auto v : b) { tb.record(Time::zero() + Duration::millis(v), v); all.record(Time::zero() + Duration::millis(v), v); }
    ta.merge(tb);
    RC_ASSERT(ta.windows().size() == all.windows().size());
    for (std::size_t i = 0; i < all.windows().size(); ++i) {
        RC_ASSERT(ta.windows()[i].count == all.windows()[i].count);
        RC_ASSERT(ta.windows()[i].sum == all.windows()[i].sum);
        RC_ASSERT(ta.windows()[i].max == all.windows()[i].max);
    }
}

}  // namespace
}  // namespace cascadelab
