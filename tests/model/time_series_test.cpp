// The windowed time series.
#include <algorithm>  // std::max

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/kernel/time_series.hpp"

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

// Constant memory: a series never holds more than max_windows windows; it coarsens instead,
// and coarsening loses no sample (count and sum are conserved, max is the max).
RC_GTEST_PROP(TimeSeries, CoarseningKeepsMemoryBoundedAndConservesSamples,
              (const std::vector<std::pair<std::uint32_t, std::uint8_t>>& samples)) {
    const auto max_windows = static_cast<std::size_t>(*rc::gen::inRange(2, 64));
    TimeSeries ts{10_ms, max_windows};
    std::uint64_t count = 0;
    double sum = 0.0;
    double max = 0.0;
    for (const auto& [at_us, value] : samples) {
        ts.record(Time::at(Duration::micros(at_us)), value);
        ++count;
        sum += value;
        max = std::max(max, static_cast<double>(value));
    }
    RC_ASSERT(ts.windows().size() <= max_windows);
    std::uint64_t seen = 0;
    double seen_sum = 0.0;
    double seen_max = 0.0;
    for (const auto& w : ts.windows()) {
        seen += w.count;
        seen_sum += w.sum;
        if (w.count) seen_max = std::max(seen_max, w.max);
    }
    RC_ASSERT(seen == count);
    RC_ASSERT(seen_sum == sum);
    RC_ASSERT(seen_max == max);
    // The width is the base width times a power of two.
    const std::int64_t ratio = ts.width() / 10_ms;
    RC_ASSERT((ratio & (ratio - 1)) == 0);
}

TEST(TimeSeries, CoarsensWhenASampleLandsBeyondTheLastWindow) {
    TimeSeries ts{100_ms, 4};
    ts.record(Time::at(50_ms), 1.0);
    ts.record(Time::at(450_ms), 3.0);  // window 4 of 100 ms does not exist: width becomes 200 ms
    EXPECT_EQ(ts.width(), 200_ms);
    ASSERT_EQ(ts.windows().size(), 3u);
    EXPECT_EQ(ts.windows()[0].count, 1u);
    EXPECT_EQ(ts.windows()[2].max, 3.0);
}

}  // namespace
}  // namespace cascadelab
