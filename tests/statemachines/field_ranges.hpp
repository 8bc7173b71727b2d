// Values at and just outside a field's range (statemachines/config_field.hpp), for the tests that
// show validate() and the scenario reader both refuse them.
#pragma once

#include <algorithm>  // std::max
#include <cmath>      // std::fabs, std::isinf
#include <vector>     // std::vector

#include "statemachines/config_field.hpp"

namespace cascadelab {

// Sets a numeric field to `v` (in its unit: ms for a duration or an instant).
template <class C>
void set_number(const Field<C>& f, C& c, double v) {
    if (auto m = std::get_if<std::uint32_t C::*>(&f.member)) c.**m = static_cast<std::uint32_t>(v);
    if (auto m = std::get_if<std::uint64_t C::*>(&f.member)) c.**m = static_cast<std::uint64_t>(v);
    if (auto m = std::get_if<double C::*>(&f.member)) c.**m = v;
    if (auto m = std::get_if<Duration C::*>(&f.member)) c.**m = Duration::micros_rounded(v * 1e3);
    if (auto m = std::get_if<Time C::*>(&f.member)) c.**m = Time::at(Duration::micros_rounded(v * 1e3));
}

template <class C>
bool whole(const Field<C>& f) {
    return std::holds_alternative<std::uint32_t C::*>(f.member) || std::holds_alternative<std::uint64_t C::*>(f.member);
}

// A field with a range: a whole number, a real number or a duration.
template <class C>
bool is_number(const Field<C>& f) {
    return whole(f) || f.in_millis() || std::holds_alternative<double C::*>(f.member);
}

// The values just outside a field's range that its type can hold: below the low end, above the high end.
template <class C>
std::vector<double> just_outside(const Field<C>& f) {
    const double step = whole(f) ? 1.0 : f.in_millis() ? 0.001 : 1e-6 * std::max(1.0, std::fabs(f.range.low));
    std::vector<double> out;
    const double below = f.range.low_open ? f.range.low : f.range.low - step;
    if (!(whole(f) && below < 0.0)) out.push_back(below);
    if (!std::isinf(f.range.high)) {
        const double high_step = whole(f) ? 1.0 : f.in_millis() ? 0.001 : 1e-6 * std::max(1.0, std::fabs(f.range.high));
        out.push_back(f.range.high_open ? f.range.high : f.range.high + high_step);
    }
    return out;
}

}  // namespace cascadelab
