// A configuration as a table of fields: each field's name, where it lives in the config struct,
// its unit and range, the peers' names for it and one line of meaning. One table per config
// (config_tables.hpp) drives reading and writing scenario files (model/config_json.cpp), the
// range checks of the config's validate() and the parameter reference that `cascadelab diagrams`
// writes to docs/statemachines/parameters.md. A range lives in its table and nowhere else;
// validate() adds only the peer rules that relate fields or depend on the model.
#pragma once

#include <cstdint>      // std::uint32_t, std::uint64_t
#include <limits>       // std::numeric_limits
#include <span>         // std::span
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same_v, std::decay_t
#include <variant>      // std::variant
#include <vector>       // std::vector

#include <fmt/format.h>

#include "model/kernel/time.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

inline constexpr double kNoUpperBound = std::numeric_limits<double>::infinity();

// The values a field may take, in its unit (milliseconds for a duration); closed unless said.
struct Range {
    double low = 0.0;
    double high = kNoUpperBound;
    bool low_open = false;
    bool high_open = false;

    constexpr bool contains(double v) const {
        return (low_open ? v > low : v >= low) && (high_open ? v < high : v <= high);
    }
};
constexpr Range at_least(double low) { return Range{low}; }
constexpr Range positive() { return Range{0.0, kNoUpperBound, true}; }
constexpr Range closed(double low, double high) { return Range{low, high}; }
constexpr Range above_up_to(double low, double high) { return Range{low, high, true}; }  // (low, high]

// How a range reads after "must be": "in [1, 100]", "in (0, 100]", "at least 1", "positive",
// "zero or positive"; a duration's bounds in its own units ("at least 1ms").
std::string describe(const Range& r, bool duration);

// One name a file gives an enum value.
template <class E>
struct Option {
    std::string_view name;
    E value;
};

// A field whose value is one of a few names: read and written through its option table.
template <class C>
struct Choice {
    std::string_view (*get)(const C&);
    bool (*set)(C&, std::string_view);
    std::vector<std::string_view> (*names)();
};

template <class C>
struct Field {
    using Member = std::variant<std::uint32_t C::*, std::uint64_t C::*, double C::*, Duration C::*, Time C::*, bool C::*,
                                Choice<C>>;

    std::string_view name;  // the config's name; a file adds "_ms" to a duration's or an instant's (key())
    Member member;
    Range range = {};
    std::string_view unit = {};  // for the docs: "%", "calls", "fraction"...; durations are ms
    std::string_view peer = {};  // the peers' names for it
    std::string_view doc = {};   // one line of meaning
    // A word a file may give for the type's largest value ("unbounded"), which no range excludes.
    std::string_view special = {};
    // Whether the field means anything for this config (a budget's fields belong to one policy);
    // nullptr: always. A file may give a field only where it applies.
    bool (*applies)(const C&) = nullptr;

    // A duration, or an instant of virtual time (since the start of the run): given in milliseconds.
    constexpr bool in_millis() const {
        return std::holds_alternative<Duration C::*>(member) || std::holds_alternative<Time C::*>(member);
    }
    std::string key() const { return in_millis() ? fmt::format("{}_ms", name) : std::string{name}; }
    bool applies_to(const C& c) const { return applies == nullptr || applies(c); }
};

template <class>
struct member_pointer;
template <class C, class T>
struct member_pointer<T C::*> {
    using owner = C;
};

// A Choice for the enum member `Member`, named by `Options` (an array of Option with static
// storage): `choice<&CircuitBreakerConfig::model, kBreakerModelNames>()`.
template <auto Member, const auto& Options>
constexpr auto choice() {
    using C = typename member_pointer<decltype(Member)>::owner;
    return Choice<C>{
        [](const C& c) -> std::string_view {
            for (const auto& o : Options)
                if (o.value == c.*Member) return o.name;
            return "?";
        },
        [](C& c, std::string_view n) {
            for (const auto& o : Options)
                if (o.name == n) {
                    c.*Member = o.value;
                    return true;
                }
            return false;
        },
        [] {
            std::vector<std::string_view> names;
            for (const auto& o : Options) names.push_back(o.name);
            return names;
        }};
}

// The field's value as a number in its unit (ms for a duration or an instant); false for a flag, a choice or
// the special value.
template <class C>
bool numeric_value(const Field<C>& f, const C& c, double& out) {
    // get_if, not std::visit: GCC 12 reports a visited member pointer as maybe-uninitialized.
    const auto whole = [&](auto value) {
        if (!f.special.empty() && value == std::numeric_limits<decltype(value)>::max()) return false;
        out = static_cast<double>(value);
        return true;
    };
    if (auto m = std::get_if<std::uint32_t C::*>(&f.member)) return whole(c.**m);
    if (auto m = std::get_if<std::uint64_t C::*>(&f.member)) return whole(c.**m);
    if (auto m = std::get_if<double C::*>(&f.member)) return whole(c.**m);
    if (auto m = std::get_if<Duration C::*>(&f.member)) {
        if (!f.special.empty() && c.**m == Duration::max()) return false;
        out = static_cast<double>((c.**m).us()) / 1e3;
        return true;
    }
    if (auto m = std::get_if<Time C::*>(&f.member)) {
        out = static_cast<double>((c.**m).since_start().us()) / 1e3;
        return true;
    }
    return false;  // a flag or a choice
}

// The value as an error shows it: a duration in its own units ("500ms"), a number with fmt.
template <class C>
std::string shown_value(const Field<C>& f, const C& c) {
    if (auto m = std::get_if<Duration C::*>(&f.member)) return to_string(c.**m);
    if (auto m = std::get_if<Time C::*>(&f.member)) return to_string(c.**m);
    if (auto m = std::get_if<double C::*>(&f.member)) return fmt::format("{}", c.**m);
    if (auto m = std::get_if<std::uint32_t C::*>(&f.member)) return fmt::format("{}", c.**m);
    if (auto m = std::get_if<std::uint64_t C::*>(&f.member)) return fmt::format("{}", c.**m);
    if (auto m = std::get_if<bool C::*>(&f.member)) return c.**m ? "true" : "false";
    return std::string{std::get<Choice<C>>(f.member).get(c)};
}

// Throws ConfigError "section.name = value: must be ..." for the first field out of its range.
// Only the fields that apply are checked: a field of another kind means nothing to this config,
// and kinds may share a member under different ranges (a fault window's factor).
template <class C>
void check_ranges(std::span<const Field<C>> fields, const C& c, std::string_view section) {
    for (const Field<C>& f : fields) {
        double v = 0.0;
        if (f.applies_to(c) && numeric_value(f, c, v) && !f.range.contains(v))
            throw ConfigError(fmt::format("{}.{}", section, f.name), shown_value(f, c),
                              "must be " + describe(f.range, f.in_millis()));
    }
}

}  // namespace cascadelab
