#include "statemachines/config_field.hpp"

#include <cmath>    // std::isinf, std::fmod, std::floor, std::fabs
#include <utility>  // std::pair

namespace cascadelab {

namespace {

// Whole numbers as integers ("1000000", not "1e+06"); a duration in the largest whole unit.
std::string bound(double v, bool duration) {
    if (duration) {
        for (const auto& [unit_ms, unit] : {std::pair{3'600'000.0, "h"}, {60'000.0, "min"}, {1'000.0, "s"}, {1.0, "ms"}})
            if (v >= unit_ms && std::fmod(v, unit_ms) == 0.0) return fmt::format("{}{}", v / unit_ms, unit);
        if (v == 0.0) return "0";
        return to_string(Duration::micros_rounded(v * 1e3));
    }
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

}  // namespace

std::string describe(const Range& r, bool duration) {
    if (std::isinf(r.high)) {
        if (r.low == 0.0) return r.low_open ? "positive" : "zero or positive";
        return fmt::format("{} {}", r.low_open ? "above" : "at least", bound(r.low, duration));
    }
    return fmt::format("in {}{}, {}{}", r.low_open ? '(' : '[', bound(r.low, duration), bound(r.high, duration),
                       r.high_open ? ')' : ']');
}

}  // namespace cascadelab
