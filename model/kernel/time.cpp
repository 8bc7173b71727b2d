// Formatting of virtual time.
#include "model/kernel/time.hpp"

#include <cstdlib>  // std::llabs

namespace cascadelab {

namespace {
// "<whole>.<fraction>" with the fraction's trailing zeros removed; "<whole>" if it is zero.
std::string exact_decimal(std::int64_t whole, std::int64_t fraction, int digits) {
    if (fraction == 0) return fmt::format("{}", whole);
    std::string frac = fmt::format("{:0{}}", fraction, digits);
    while (frac.back() == '0') frac.pop_back();
    return fmt::format("{}.{}", whole, frac);
}
}  // namespace

std::string to_string(Duration d) {
    const std::int64_t us = d.us();
    if (us == INT64_MIN) return "-inf";  // llabs would overflow
    if (d == Duration::max()) return "inf";
    const char* sign = us < 0 ? "-" : "";
    const std::int64_t a = std::llabs(us);
    if (a >= 1'000'000) return fmt::format("{}{}s", sign, exact_decimal(a / 1'000'000, a % 1'000'000, 6));
    if (a >= 1'000) return fmt::format("{}{}ms", sign, exact_decimal(a / 1'000, a % 1'000, 3));
    return fmt::format("{}{}us", sign, a);
}

std::string to_string(Time t) {
    const std::int64_t us = t.us();
    if (us == INT64_MIN) return "-inf";  // negating would overflow
    if (t == Time::max()) return "inf";
    const char* sign = us < 0 ? "-" : "";
    const std::int64_t a = us < 0 ? -us : us;
    return fmt::format("{}{}.{:06}s", sign, a / 1'000'000, a % 1'000'000);
}

}  // namespace cascadelab
