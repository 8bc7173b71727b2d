// Random streams: xoshiro256** seeded through SplitMix64; see rng.hpp for the formulas.
#include "model/kernel/rng.hpp"

#include <cmath>  // std::log

namespace cascadelab {

namespace {
constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
    // xoshiro must not start from the all-zero state; SplitMix64 cannot output four zeros in a
    // row, but say so rather than rely on it silently.
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

Rng Rng::from_state(const std::array<std::uint64_t, 4>& state) {
    Rng rng;
    rng.s_ = state;
    return rng;
}

std::uint64_t Rng::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
    // Width of the range minus one, computed in unsigned arithmetic so [INT64_MIN, INT64_MAX] works.
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
    const std::uint64_t range = span + 1;
    // Lemire's multiply-shift with rejection of the biased low region. The 128-bit product is
    // done in two 64-bit halves (portable; no __int128 under -Wpedantic).
    for (;;) {
        const std::uint64_t x = next_u64();
        const std::uint64_t x_lo = x & 0xffffffffULL, x_hi = x >> 32;
        const std::uint64_t r_lo = range & 0xffffffffULL, r_hi = range >> 32;
        const std::uint64_t ll = x_lo * r_lo, lh = x_lo * r_hi, hl = x_hi * r_lo, hh = x_hi * r_hi;
        const std::uint64_t mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
        const std::uint64_t high = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
        const std::uint64_t low = x * range;
        const std::uint64_t threshold = (0 - range) % range;  // 2^64 mod range
        if (low >= threshold) return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + high);
    }
}

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::uniform_real(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

double Rng::exponential(double mean) { return -mean * std::log1p(-uniform01()); }

bool Rng::bernoulli(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    return uniform01() < p;
}

Duration Rng::uniform_duration(Duration lo, Duration hi) {
    if (hi <= lo) return lo;
    return Duration::micros(uniform_int(lo.us(), hi.us() - 1));
}

std::uint64_t RngStreams::stream_seed(std::string_view label) const {
    // Mix the seed and the label's hash through SplitMix64 twice, so that nearby seeds and
    // similar labels give unrelated streams.
    std::uint64_t state = seed_ ^ fnv1a64(label);
    splitmix64(state);
    return splitmix64(state);
}

Rng RngStreams::stream(std::string_view label) const { return Rng{stream_seed(label)}; }

}  // namespace cascadelab
