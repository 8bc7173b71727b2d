// Virtual time: integer microseconds, never wall-clock, never a float accumulator.
#pragma once

#include <cstdint>      // std::int64_t
#include <compare>      // operator<=>
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <fmt/format.h>  // fmt::formatter

namespace cascadelab {

// A span of virtual time. Microsecond ticks: the finest latency in the models is a few
// microseconds, and int64 microseconds cover ±292,000 years, so no overflow in practice.
class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration micros(std::int64_t us) { return Duration{us}; }
    static constexpr Duration millis(std::int64_t ms) { return Duration{ms * 1'000}; }
    static constexpr Duration seconds(std::int64_t s) { return Duration{s * 1'000'000}; }
    static constexpr Duration zero() { return Duration{0}; }
    static constexpr Duration max() { return Duration{INT64_MAX}; }

    constexpr std::int64_t us() const { return us_; }
    // Fractional milliseconds, for reports only (never fed back into the simulation).
    constexpr double ms() const { return static_cast<double>(us_) / 1e3; }

    constexpr Duration operator+(Duration o) const { return Duration{us_ + o.us_}; }
    constexpr Duration operator-(Duration o) const { return Duration{us_ - o.us_}; }
    constexpr Duration operator*(std::int64_t k) const { return Duration{us_ * k}; }
    constexpr Duration operator/(std::int64_t k) const { return Duration{us_ / k}; }
    constexpr std::int64_t operator/(Duration o) const { return us_ / o.us_; }
    constexpr Duration& operator+=(Duration o) { us_ += o.us_; return *this; }
    constexpr Duration& operator-=(Duration o) { us_ -= o.us_; return *this; }
    constexpr auto operator<=>(const Duration&) const = default;

private:
    constexpr explicit Duration(std::int64_t us) : us_(us) {}
    std::int64_t us_ = 0;
};

// An instant of virtual time, measured from the start of the run (t = 0).
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
