// The streaming latency histogram: bucket layout, percentiles within 1%, merge.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>  // std::sort
#include <cmath>      // std::abs
#include <vector>     // std::vector

#include "model/kernel/histogram.hpp"

namespace cascadelab {
namespace {

using namespace literals;

double relative_error(Duration got, std::int64_t exact_us) {
    if (exact_us == 0) return got.us() == 0 ? 0.0 : 1.0;
    return std::abs(static_cast<double>(got.us() - exact_us)) / static_cast<double>(exact_us);
}

std::int64_t exact_percentile(std::vector<std::int64_t> v, double q) {
    std::sort(v.begin(), v.end());
    return v[LatencyHistogram::nearest_rank(q, v.size()) - 1];
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
    for (std::size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
        ASSERT_EQ(LatencyHistogram::bucket_lower(i) + LatencyHistogram::bucket_width(i),
                  LatencyHistogram::bucket_lower(i + 1)) << "bucket " << i;
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_lower(i)), i);
    }
    EXPECT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::kMaxTrackable), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogram, BucketWidthIsAtMostOneOver128OfItsValues) {
    for (std::size_t i = 2 * LatencyHistogram::kSubBuckets; i < LatencyHistogram::kBucketCount; ++i)
        ASSERT_LE(LatencyHistogram::bucket_width(i) * 128, LatencyHistogram::bucket_lower(i));
}

TEST(LatencyHistogram, MemoryIsConstant) { EXPECT_LE(sizeof(LatencyHistogram), 48u * 1024u); }

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (int v = 1; v <= 100; ++v) h.record(Duration::micros(v));
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.p50(), 50_us);
    EXPECT_EQ(h.p99(), 99_us);
    EXPECT_EQ(h.percentile(1.0), 100_us);
    EXPECT_EQ(h.min(), 1_us);
    EXPECT_EQ(h.max(), 100_us);
    EXPECT_DOUBLE_EQ(h.mean_us(), 50.5);
}

TEST(LatencyHistogram, EmptyReportsZero) {
    LatencyHistogram h;
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(h.p99(), Duration::zero());
    EXPECT_EQ(h.min(), Duration::zero());
}

TEST(LatencyHistogram, NegativeAndHugeValuesAreCountedNotLost) {
    LatencyHistogram h;
    h.record(Duration::zero() - 5_ms);
    h.record(Duration::max());
    EXPECT_EQ(h.count(), 2u);
    EXPECT_EQ(h.negative_values(), 1u);
    EXPECT_EQ(h.clamped_values(), 1u);
}

TEST(LatencyHistogram, NearestRankRemovesRoundingNoise) {
    EXPECT_EQ(LatencyHistogram::nearest_rank(0.07, 100), 7u);  // 0.07 * 100 = 7.000000000000001
    EXPECT_EQ(LatencyHistogram::nearest_rank(0.5, 3), 2u);
    EXPECT_EQ(LatencyHistogram::nearest_rank(0.0, 10), 1u);
    EXPECT_EQ(LatencyHistogram::nearest_rank(1.0, 10), 10u);
}

// Percentiles are within 1% (in fact 1/256) of the exact nearest-rank percentile of the sorted
// samples, for samples spread log-uniformly from 1 us to 1 hour.
RC_GTEST_PROP(LatencyHistogram, PercentilesWithinOnePercent, ()) {
    const auto exponents = *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 32)));
    const auto seeds = *rc::gen::container<std::vector<std::uint32_t>>(exponents.size(), rc::gen::arbitrary<std::uint32_t>());
    std::vector<std::int64_t> samples;
    LatencyHistogram h;
    constexpr std::int64_t kHour = 3'600'000'000;
    for (std::size_t i = 0; i < exponents.size(); ++i) {
        // 2^e .. 2^(e+1) with a random mantissa, capped at one hour.
        const std::int64_t base = std::int64_t{1} << exponents[i];
        const std::int64_t v = std::min(kHour, base + static_cast<std::int64_t>(seeds[i] % static_cast<std::uint64_t>(base)));
        samples.push_back(v);
        h.record(Duration::micros(v));
    }
    for (double q : {0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
        const auto exact = exact_percentile(samples, q);
        RC_ASSERT(relative_error(h.percentile(q), exact) <= 0.01);
    }
    RC_ASSERT(h.max().us() == *std::max_element(samples.begin(), samples.end()));
}

// Merging two histograms is the same as recording everything into one.
RC_GTEST_PROP(LatencyHistogram, MergeEqualsRecordingAll, (const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b)) {
    LatencyHistogram ha, hb, all;
    for (auto v : a) { ha.record(Duration::micros(v)); all.record(Duration::micros(v)); }
    for (auto v : b) { hb.record(Duration::micros(v)); all.record(Duration::micros(v)); }
    ha.merge(hb);
    RC_ASSERT(ha.count() == all.count());
    for (double q : {0.5, 0.9, 0.99, 0.999, 1.0}) RC_ASSERT(ha.percentile(q) == all.percentile(q));
    RC_ASSERT(ha.min() == all.min());
    RC_ASSERT(ha.max() == all.max());
}

}  // namespace
}  // namespace cascadelab
