// Virtual time: integer microseconds, never wall-clock, never a float accumulator.
#pragma once

#include <cstdint>      // std::int64_t
#include <compare>      // operator<=>
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <fmt/format.h>  // fmt::formatter

namespace cascadelab {

// A span of virtual time. Microsecond ticks: the finest latency in the models is a few
// microseconds, and int64 microseconds cover ±292,000 years.
//
// Arithmetic saturates: a sum or product past the representable range is Duration::max()
// (or Duration::min()), never a wrapped-around negative. Backoffs that grow without bound
// (2^1000 · base), a break that ends "never", a deadline of "unbounded" added to now — all
// of these stop at the ends of the range (max + a positive span is still max). Each check is
// one predictable branch (__builtin_*_overflow).
class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration micros(std::int64_t us) { return Duration{us}; }
    // From a computed number of microseconds (a drawn gap, a scaled latency): rounded to the
    // nearest, saturating at the ends of the range like the arithmetic below (a double past
    // int64 would otherwise convert to an unspecified value). NaN is a caller bug: zero.
    static constexpr Duration micros_rounded(double us) {
        if (!(us == us)) return Duration{0};
        if (us >= 9.2e18) return max();
        if (us <= -9.2e18) return min();
        return Duration{static_cast<std::int64_t>(us < 0 ? us - 0.5 : us + 0.5)};
    }
    static constexpr Duration millis(std::int64_t ms) { return Duration{saturating_mul(ms, 1'000)}; }
    static constexpr Duration seconds(std::int64_t s) { return Duration{saturating_mul(s, 1'000'000)}; }
    static constexpr Duration zero() { return Duration{0}; }
    static constexpr Duration max() { return Duration{INT64_MAX}; }
    static constexpr Duration min() { return Duration{INT64_MIN}; }

    constexpr std::int64_t us() const { return us_; }
    // Fractional milliseconds, for reports only (never fed back into the simulation).
    constexpr double ms() const { return static_cast<double>(us_) / 1e3; }

    constexpr Duration operator+(Duration o) const { return Duration{saturating_add(us_, o.us_)}; }
    constexpr Duration operator-(Duration o) const { return Duration{saturating_sub(us_, o.us_)}; }
    constexpr Duration operator*(std::int64_t k) const { return Duration{saturating_mul(us_, k)}; }
    constexpr Duration operator/(std::int64_t k) const { return Duration{us_ / k}; }
    constexpr std::int64_t operator/(Duration o) const { return us_ / o.us_; }
    constexpr Duration& operator+=(Duration o) { return *this = *this + o; }
    constexpr Duration& operator-=(Duration o) { return *this = *this - o; }
    constexpr auto operator<=>(const Duration&) const = default;

    static constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
        std::int64_t r = 0;
        if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
        return r;
    }
    static constexpr std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
        std::int64_t r = 0;
        if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
        return r;
    }
    static constexpr std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
        std::int64_t r = 0;
        if (__builtin_mul_overflow(a, b, &r)) return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
        return r;
    }

private:
    constexpr explicit Duration(std::int64_t us) : us_(us) {}
    std::int64_t us_ = 0;
};

// An instant of virtual time, measured from the start of the run (t = 0). Adding a duration
// saturates like Duration does: now + Duration::max() is Time::max(), "never".
class Time {
public:
    constexpr Time() = default;
    static constexpr Time zero() { return Time{}; }
    static constexpr Time at(Duration since_start) { return Time{since_start}; }
    static constexpr Time max() { return Time{Duration::max()}; }

    constexpr Duration since_start() const { return since_start_; }
    constexpr std::int64_t us() const { return since_start_.us(); }

    constexpr Time operator+(Duration d) const { return Time{since_start_ + d}; }
    constexpr Time operator-(Duration d) const { return Time{since_start_ - d}; }
    constexpr Duration operator-(Time o) const { return since_start_ - o.since_start_; }
    constexpr Time& operator+=(Duration d) { since_start_ += d; return *this; }
    constexpr auto operator<=>(const Time&) const = default;

private:
    constexpr explicit Time(Duration d) : since_start_(d) {}
    Duration since_start_;
};

namespace literals {
constexpr Duration operator""_us(unsigned long long v) { return Duration::micros(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_ms(unsigned long long v) { return Duration::millis(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_s(unsigned long long v) { return Duration::seconds(static_cast<std::int64_t>(v)); }
}  // namespace literals

// Readable, exact and short: "0us", "750us", "12ms", "12.5ms", "3s", "1.25s", "-4ms".
// Trailing zeros are dropped, so the text is exact (no rounding) and round-trips.
std::string to_string(Duration d);
// Fixed width for traces and timelines: seconds with six decimals, "12.000250s".
std::string to_string(Time t);

}  // namespace cascadelab

template <>
struct fmt::formatter<cascadelab::Duration> : fmt::formatter<std::string_view> {
    template <class Ctx>
    auto format(cascadelab::Duration d, Ctx& ctx) const {
        return fmt::formatter<std::string_view>::format(cascadelab::to_string(d), ctx);
    }
};

template <>
struct fmt::formatter<cascadelab::Time> : fmt::formatter<std::string_view> {
    template <class Ctx>
    auto format(cascadelab::Time t, Ctx& ctx) const {
        return fmt::formatter<std::string_view>::format(cascadelab::to_string(t), ctx);
    }
};
