// Virtual time: arithmetic, ordering and exact formatting.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/kernel/time.hpp"

namespace cascadelab {
namespace {

using namespace literals;

TEST(Duration, UnitHelpersAgree) {
    EXPECT_EQ(1_ms, Duration::micros(1000));
    EXPECT_EQ(2_s, Duration::millis(2000));
    EXPECT_EQ((1_s).us(), 1'000'000);
    EXPECT_DOUBLE_EQ((1500_us).ms(), 1.5);
}

TEST(Duration, ArithmeticAndOrdering) {
    EXPECT_EQ(20_ms * 3, 60_ms);
    EXPECT_EQ(60_ms / 4, 15_ms);
    EXPECT_EQ(1_s / 250_ms, 4);
    EXPECT_LT(999_us, 1_ms);
    EXPECT_EQ(1_s - 1_ms, 999_ms);
}

TEST(Time, ArithmeticWithDurations) {
    const Time t = Time::zero() + 120_ms;
    EXPECT_EQ(t - Time::zero(), 120_ms);
    EXPECT_EQ((t + 5_ms) - t, 5_ms);
    EXPECT_LT(Time::zero(), t);
}

TEST(Duration, FormatsExactlyInTheLargestWholeUnit) {
    EXPECT_EQ(fmt::format("{}", 0_us), "0us");
    EXPECT_EQ(fmt::format("{}", 750_us), "750us");
    EXPECT_EQ(fmt::format("{}", 12_ms), "12ms");
    EXPECT_EQ(fmt::format("{}", 12500_us), "12.5ms");
    EXPECT_EQ(fmt::format("{}", 1001_us), "1.001ms");
    EXPECT_EQ(fmt::format("{}", 3_s), "3s");
    EXPECT_EQ(fmt::format("{}", 1250_ms), "1.25s");
    EXPECT_EQ(fmt::format("{}", 1_s + 1_us), "1.000001s");
    EXPECT_EQ(fmt::format("{}", Duration::zero() - 4_ms), "-4ms");
    EXPECT_EQ(fmt::format("{}", Duration::max()), "inf");
}

TEST(Time, FormatsWithFixedWidthMicroseconds) {
    EXPECT_EQ(fmt::format("{}", Time::zero()), "0.000000s");
    EXPECT_EQ(fmt::format("{}", Time::zero() + 12_s + 250_us), "12.000250s");
    EXPECT_EQ(fmt::format("{:>12}", Time::zero() + 1_ms), "   0.001000s");
}

// The short form is exact: parsing it back (number x unit) gives the same microseconds.
RC_GTEST_PROP(Duration, ShortFormIsExact, (std::int64_t raw)) {
    const auto us = raw % 10'000'000'000LL;
    const std::string text = to_string(Duration::micros(us));
    std::size_t unit_at = text.find_first_not_of("-0123456789.");
    RC_ASSERT(unit_at != std::string::npos);
    const std::string number = text.substr(0, unit_at), unit = text.substr(unit_at);
    const long double scale = unit == "s" ? 1e6L : unit == "ms" ? 1e3L : 1.0L;
    RC_ASSERT(unit == "s" || unit == "ms" || unit == "us");
    const long double back = std::stold(number) * scale;
    RC_ASSERT(static_cast<std::int64_t>(back + (back < 0 ? -0.5L : 0.5L)) == us);
}

// Saturation over the whole int64 range: the result is the exact sum, difference or product
// whenever that fits, and the nearer end of the range otherwise — never a wrapped value.
// The reference arithmetic is 128-bit (a GCC extension; __extension__ tells -Wpedantic so).
__extension__ using Wide = __int128;
Wide clamp128(Wide v) {
    if (v > INT64_MAX) return INT64_MAX;
    if (v < INT64_MIN) return INT64_MIN;
    return v;
}

RC_GTEST_PROP(Duration, AdditionSaturatesInsteadOfWrapping, (std::int64_t a, std::int64_t b)) {
    const Duration sum = Duration::micros(a) + Duration::micros(b);
    RC_ASSERT(static_cast<Wide>(sum.us()) == clamp128(static_cast<Wide>(a) + b));
}

RC_GTEST_PROP(Duration, SubtractionSaturatesInsteadOfWrapping, (std::int64_t a, std::int64_t b)) {
    const Duration diff = Duration::micros(a) - Duration::micros(b);
    RC_ASSERT(static_cast<Wide>(diff.us()) == clamp128(static_cast<Wide>(a) - b));
}

RC_GTEST_PROP(Duration, MultiplicationSaturatesInsteadOfWrapping, (std::int64_t a, std::int64_t k)) {
    const Duration product = Duration::micros(a) * k;
    RC_ASSERT(static_cast<Wide>(product.us()) == clamp128(static_cast<Wide>(a) * k));
}

RC_GTEST_PROP(Time, AddingADurationSaturates, (std::int64_t t, std::int64_t d)) {
    const Time later = Time::at(Duration::micros(t)) + Duration::micros(d);
    RC_ASSERT(static_cast<Wide>(later.us()) == clamp128(static_cast<Wide>(t) + d));
}

TEST(Duration, TheEndsOfTheRangeStayPut) {
    EXPECT_EQ(Duration::max() + 1_s, Duration::max());
    EXPECT_EQ(Duration::min() - 1_s, Duration::min());
    EXPECT_EQ(Duration::max() * 2, Duration::max());
    EXPECT_EQ(Duration::max() * -2, Duration::min());
    EXPECT_EQ(Duration::seconds(INT64_MAX / 1000), Duration::max());  // unit helpers saturate too
    EXPECT_EQ(Time::at(10_s) + Duration::max(), Time::max());
    EXPECT_EQ(fmt::format("{}", Time::max()), "inf");
}

}  // namespace
}  // namespace cascadelab
