// Log-linear bucket arithmetic (the HdrHistogram layout, with 128 sub-buckets per octave).
#include "model/kernel/histogram.hpp"

#include <algorithm>  // std::clamp, std::min, std::max
#include <bit>        // std::bit_width
#include <cmath>      // std::ceil

namespace cascadelab {

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) {
    if (v < 2 * kSubBuckets) return static_cast<std::size_t>(v);
    const int msb = static_cast<int>(std::bit_width(v)) - 1;     // >= kSubBucketBits + 1
    const int shift = msb - kSubBucketBits;     // >= 1
    const std::uint64_t mantissa = v >> shift;  // in [kSubBuckets, 2 * kSubBuckets)
    return static_cast<std::size_t>(2 * kSubBuckets + (shift - 1) * kSubBuckets + (mantissa - kSubBuckets));
}

std::uint64_t LatencyHistogram::bucket_lower(std::size_t index) {
    if (index < 2 * kSubBuckets) return index;
    const std::size_t above = index - 2 * kSubBuckets;
    const int shift = static_cast<int>(above / kSubBuckets) + 1;
    const std::uint64_t mantissa = kSubBuckets + above % kSubBuckets;
    return mantissa << shift;
}

std::uint64_t LatencyHistogram::bucket_width(std::size_t index) {
    if (index < 2 * kSubBuckets) return 1;
    return std::uint64_t{1} << ((index - 2 * kSubBuckets) / kSubBuckets + 1);
}

void LatencyHistogram::record(Duration d, std::uint64_t n) {
    if (n == 0) return;
    std::int64_t us = d.us();
    if (us < 0) {
        negative_ += n;
        us = 0;
    }
    std::uint64_t v = static_cast<std::uint64_t>(us);
    if (v > kMaxTrackable) {
        clamped_ += n;
        v = kMaxTrackable;
    }
    counts_[bucket_of(v)] += n;
    count_ += n;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
    sum_ += static_cast<double>(v) * static_cast<double>(n);
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
    for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += o.counts_[i];
    count_ += o.count_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
    sum_ += o.sum_;
    negative_ += o.negative_;
    clamped_ += o.clamped_;
}

std::uint64_t LatencyHistogram::nearest_rank(double q, std::uint64_t n) {
    q = std::clamp(q, 0.0, 1.0);
    const double exact = q * static_cast<double>(n);
    const auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
    return std::clamp<std::uint64_t>(rank, 1, std::max<std::uint64_t>(n, 1));
}

Duration LatencyHistogram::percentile(double q) const {
    if (count_ == 0) return Duration::zero();
    const std::uint64_t rank = nearest_rank(q, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::uint64_t mid = bucket_lower(i) + (bucket_width(i) - 1) / 2;
            return Duration::micros(static_cast<std::int64_t>(std::clamp(mid, min_, max_)));
        }
    }
    return max();
}

}  // namespace cascadelab
