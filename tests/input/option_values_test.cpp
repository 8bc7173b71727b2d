// Numbers from the command line: the whole text must be the number, in range; nothing wraps.
#include "experiments/option_values.hpp"

#include <gtest/gtest.h>

#include "experiments/exit_codes.hpp"

namespace cascadelab::cli {
namespace {

std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const BadInput& e) {
        return e.what();
    }
    return "";
}

TEST(OptionValues, WholeNumbersAreDecimalAndInRange) {
    EXPECT_EQ(parse_whole("--seed", "18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
    EXPECT_EQ(parse_whole("--cases", "1e6", 1, 1'000'000), 1'000'000u);
    for (const char* bad : {"-1", "18446744073709551616", "0x10", "1.5", "1e20", " 1", "1 ", "", "+1", "one"})
        EXPECT_EQ(refusal([&] { parse_whole("--seed", bad, 0, UINT64_MAX); }),
                  std::string{"--seed "} + bad + ": must be a whole number in [0, 18446744073709551615]")
            << bad;
    EXPECT_EQ(refusal([] { parse_whole("--threads", "0", 1, 1024); }), "--threads 0: must be a whole number in [1, 1024]");
}

TEST(OptionValues, NumbersAreFiniteAndInRange) {
    EXPECT_DOUBLE_EQ(parse_number("--background", "1e6", 0, 1e6, true), 1e6);
    for (const char* bad : {"0", "nan", "inf", "-1", "1e400", "2e6", "x", ""})
        EXPECT_EQ(refusal([&] { parse_number("--background", bad, 0, 1e6, true); }),
                  std::string{"--background "} + bad + ": must be a number in (0, 1e+06]")
            << bad;
}

TEST(OptionValues, SizesTakeABinarySuffix) {
    EXPECT_EQ(parse_bytes("--max-memory", "8G", 1, UINT64_MAX), std::uint64_t{8} << 30);
    EXPECT_EQ(parse_bytes("--max-memory", "512m", 1, UINT64_MAX), std::uint64_t{512} << 20);
    EXPECT_EQ(parse_bytes("--max-memory", "4096", 1, UINT64_MAX), 4096u);
    for (const char* bad : {"1.5G", "8X", "G", "-1G", "99999999999T", ""})
        EXPECT_NE(refusal([&] { parse_bytes("--max-memory", bad, 1, UINT64_MAX); }), "") << bad;
}

TEST(OptionValues, AnOptionGivenEmptyIsAMistake) {
    EXPECT_EQ(given("--out", std::nullopt), nullptr);
    EXPECT_EQ(*given("--out", std::string{"x"}), "x");
    EXPECT_EQ(refusal([] { given("--out", std::string{}); }), "--out: must not be empty");
}

}  // namespace
}  // namespace cascadelab::cli
