// Named random streams derived from one scenario seed, with distributions whose output is fixed
// by this code alone (std:: distributions are implementation-defined, so they are not used).
#pragma once

#include <array>        // std::array
#include <cstdint>      // std::uint64_t
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"

namespace cascadelab {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand seeds; a good 64-bit mixer on its own.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// FNV-1a 64 over the bytes of a label: stable across platforms and builds.
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// One stream: xoshiro256** (Blackman, Vigna 2018) with integer-exact or IEEE-exact transforms.
class Rng {
public:
    explicit Rng(std::uint64_t seed);
    // A generator in exactly this xoshiro state (not all zero): for checks against the reference.
    static Rng from_state(const std::array<std::uint64_t, 4>& state);

    std::uint64_t next_u64();

    // Uniform integer in [lo, hi], both inclusive; unbiased (Lemire's method with rejection).
    // Precondition: lo <= hi.
    std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
    // Uniform in [0, 1) with 53 random bits: exact in IEEE double on every platform.
    double uniform01();
    // Uniform in [lo, hi).
    double uniform_real(double lo, double hi);
    // Exponential with the given mean, by inversion: -mean * log1p(-U). Depends on libm's log
    // only; glibc's log is correctly rounded in practice, so results match across x86-64/arm64.
    double exponential(double mean);
    // True with probability p (p <= 0: never; p >= 1: always).
    bool bernoulli(double p);
    // Uniform duration in [lo, hi) at microsecond resolution; lo when hi <= lo.
    Duration uniform_duration(Duration lo, Duration hi);

private:
    Rng() = default;
    std::array<std::uint64_t, 4> s_{};
};

// Derives independent streams from one scenario seed by name, so that adding or changing a
// consumer of randomness in one component never reshuffles another's.
class RngStreams {
public:
    explicit RngStreams(std::uint64_t scenario_seed) : seed_(scenario_seed) {}
    std::uint64_t seed() const { return seed_; }
    // The stream for a label such as "workload" or "downstream.latency". The same (seed, label)
    // always gives the same sequence.
    Rng stream(std::string_view label) const;
    // Stream seed for a label: exposed so that tests and traces can show it.
    std::uint64_t stream_seed(std::string_view label) const;

private:
    std::uint64_t seed_;
};

}  // namespace cascadelab
