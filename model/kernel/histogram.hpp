// A streaming latency histogram: constant memory (42 KB), log-linear buckets, relative error of
// any reported percentile <= 1/256 (0.4%) over 1 us .. 2^47 us (4.4 years), merge by addition.
#pragma once

#include <array>    // std::array
#include <cstdint>  // std::uint64_t

#include "model/kernel/time.hpp"

namespace cascadelab {

class LatencyHistogram {
public:
    // Values below 2 * kSubBuckets microseconds get a bucket each (exact); above, each power of
    // two is split into kSubBuckets equal buckets, so a bucket's width is at most 1/128 of its
    // lower bound. Reporting the bucket's midpoint halves that: <= 1/256 relative error.
    static constexpr int kSubBucketBits = 7;
    static constexpr std::uint64_t kSubBuckets = 1u << kSubBucketBits;  // 128
    static constexpr int kMaxValueBits = 47;                             // values < 2^47 us
    static constexpr std::size_t kBucketCount =
        2 * kSubBuckets + (kMaxValueBits - kSubBucketBits - 1) * kSubBuckets;
    static constexpr std::uint64_t kMaxTrackable = (std::uint64_t{1} << kMaxValueBits) - 1;

    // Negative durations are a caller bug; they are recorded as zero and counted.
    void record(Duration d, std::uint64_t count = 1);
    void merge(const LatencyHistogram& other);
    void reset() { *this = LatencyHistogram{}; }

    std::uint64_t count() const { return count_; }
    bool empty() const { return count_ == 0; }
    Duration min() const { return Duration::micros(static_cast<std::int64_t>(count_ ? min_ : 0)); }
    Duration max() const { return Duration::micros(static_cast<std::int64_t>(max_)); }
    // Mean of the recorded values in microseconds (the sum is kept as a double).
    double mean_us() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
    // Nearest-rank percentile: the value of rank ceil(q * count) in sorted order (rank >= 1),
    // approximated by its bucket's midpoint and clamped to [min, max]. q in [0, 1]; 0 if empty.
    Duration percentile(double q) const;
    Duration p50() const { return percentile(0.50); }
    Duration p90() const { return percentile(0.90); }
    Duration p95() const { return percentile(0.95); }
    Duration p99() const { return percentile(0.99); }
    Duration p999() const { return percentile(0.999); }
    std::uint64_t negative_values() const { return negative_; }
    std::uint64_t clamped_values() const { return clamped_; }

    // The 1-based rank that the nearest-rank percentile q of n values selects: ceil(q * n),
    // at least 1, with the product's rounding noise removed (0.07 * 100 is 7.000000000000001).
    static std::uint64_t nearest_rank(double q, std::uint64_t n);

    // Bucket arithmetic, public for tests.
    static std::size_t bucket_of(std::uint64_t value_us);
    static std::uint64_t bucket_lower(std::size_t index);
    static std::uint64_t bucket_width(std::size_t index);

private:
    std::array<std::uint64_t, kBucketCount> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    double sum_ = 0.0;
    std::uint64_t negative_ = 0;
    std::uint64_t clamped_ = 0;
};

}  // namespace cascadelab
