// The machines' configurations as the JSON objects of a scenario file — read strictly, written
// in full — and the names a scenario file gives every enum. scenario_json.cpp assembles these into
// whole scenarios (workload, service, faults, architectures); nothing else needs this header.
#pragma once

#include <cmath>    // std::isfinite
#include <cstdint>  // std::uint64_t
#include <span>     // std::span
#include <string>   // std::string

#include <fmt/ranges.h>  // fmt::join
#include <nlohmann/json.hpp>

#include "model/json_object.hpp"
#include "model/scenario.hpp"
#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"

namespace cascadelab::config_json {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A machine's own validate() names its fields "section.name"; report them by their path in the
// file instead (the same name, or with the `_ms` of a duration key).
// A few machine fields carry the peer's name in their error (Polly's BreakDuration is the
// breaker's wait in Open): the file's key for them.
inline std::string key_in_file(const std::string& leaf) {
    if (leaf == "break_duration") return "wait_duration_in_open_state";
    if (leaf == "minimum_throughput") return "minimum_number_of_calls";
    if (leaf == "pushback.advice") return "pushback";
    if (leaf == "pushback.after") return "pushback.retry_after_ms";
    return leaf;
}

template <class Config>
void validate_as(const Config& c, const JsonObject& o, const json& j) {
    try {
        c.validate();
    } catch (const ConfigError& e) {
        // "section.name", or "section.list[i].name": the part after the section is the key.
        const std::string& f = e.field();
        const std::string leaf = key_in_file(f.substr(f.find('.') + 1));
        const std::string key = j.contains(leaf + "_ms") ? leaf + "_ms" : leaf;
        throw ConfigError(o.field(key), e.value(), e.why());
    }
}

// The name a scenario file gives the architecture; the sections' enums are named in their field
// tables (statemachines/config_tables.hpp, model/scenario_tables.hpp).
inline const Names<Architecture> kArchitectures{{"rpc", Architecture::Rpc}, {"event", Architecture::Event}};

template <class E>
std::string_view name_of(E e, Names<E> names) {
    for (const auto& [n, v] : names)
        if (v == e) return n;
    return "?";
}

// Durations are written in milliseconds (microsecond resolution), "unbounded" for Duration::max().
inline double ms(Duration d) { return static_cast<double>(d.us()) / 1e3; }
inline ordered_json ms_or_unbounded(Duration d) {
    return d == Duration::max() ? ordered_json("unbounded") : ordered_json(ms(d));
}
// An optional section: its object, or null when it is absent.
ordered_json optional_or_null(const auto& opt, auto write) { return opt ? write(*opt) : ordered_json(nullptr); }

// A table's fields in a file (statemachines/config_field.hpp): read_fields reads every field that
// applies to `c` (type, special word and range checked, errors naming the key in the file);
// write_fields writes them in table order; field_json is one value as a file gives it.
template <class C>
ordered_json field_json(const Field<C>& f, const C& c) {
    if (auto m = std::get_if<std::uint32_t C::*>(&f.member))
        return !f.special.empty() && c.**m == UINT32_MAX ? ordered_json(f.special) : ordered_json(c.**m);
    if (auto m = std::get_if<std::uint64_t C::*>(&f.member))
        return !f.special.empty() && c.**m == UINT64_MAX ? ordered_json(f.special) : ordered_json(c.**m);
    if (auto m = std::get_if<double C::*>(&f.member)) return c.**m;
    if (auto m = std::get_if<Duration C::*>(&f.member))
        return !f.special.empty() && c.**m == Duration::max() ? ordered_json(f.special) : ordered_json(ms(c.**m));
    if (auto m = std::get_if<Time C::*>(&f.member)) return ms((c.**m).since_start());
    if (auto m = std::get_if<bool C::*>(&f.member)) return c.**m;
    return std::get<Choice<C>>(f.member).get(c);
}

template <class C>
void write_fields(ordered_json& j, std::span<const Field<C>> fields, const C& c) {
    for (const Field<C>& f : fields)
        if (f.applies_to(c)) j[f.key()] = field_json(f, c);
}

template <class C>
ordered_json write_fields(std::span<const Field<C>> fields, const C& c) {
    ordered_json j = ordered_json::object();
    write_fields(j, fields, c);
    return j;
}

// One field from the object, when present.
template <class C>
void read_field(JsonObject& o, const Field<C>& f, C& c) {
    const std::string key = f.key();
    const json* v = o.get(key);
    if (!v) return;
    const bool special = !f.special.empty() && v->is_string() && v->get_ref<const std::string&>() == f.special;
    const std::string or_special = f.special.empty() ? "" : fmt::format(" or \"{}\"", f.special);
    // A type error names the range too when it has two ends: "must be a whole number in [1, 100]".
    const std::string range = describe(f.range, f.in_millis());
    const std::string typed_range = range.starts_with("in ") ? " " + range : "";
    auto in_range = [&](double x) {
        if (!f.range.contains(x)) o.fail(key, *v, "must be " + range + or_special);
    };
    if (auto u32 = std::get_if<std::uint32_t C::*>(&f.member)) {
        if (special) {
            c.**u32 = UINT32_MAX;
            return;
        }
        if (!v->is_number_unsigned() || v->get<std::uint64_t>() > UINT32_MAX) o.fail(key, *v, "must be a whole number" + typed_range + or_special);
        in_range(static_cast<double>(v->get<std::uint64_t>()));
        c.**u32 = static_cast<std::uint32_t>(v->get<std::uint64_t>());
    } else if (auto u64 = std::get_if<std::uint64_t C::*>(&f.member)) {
        if (special) {
            c.**u64 = UINT64_MAX;
            return;
        }
        if (!v->is_number_unsigned()) o.fail(key, *v, "must be a whole number" + typed_range + or_special);
        in_range(static_cast<double>(v->get<std::uint64_t>()));
        c.**u64 = v->get<std::uint64_t>();
    } else if (auto num = std::get_if<double C::*>(&f.member)) {
        if (!v->is_number() || !std::isfinite(v->get<double>())) o.fail(key, *v, "must be a number" + typed_range);
        in_range(v->get<double>());
        c.**num = v->get<double>();
    } else if (auto dur = std::get_if<Duration C::*>(&f.member)) {
        o.millis(key, c.**dur, !f.special.empty());
        if (c.**dur != Duration::max()) in_range(static_cast<double>((c.**dur).us()) / 1e3);
    } else if (auto at = std::get_if<Time C::*>(&f.member)) {
        o.time(key, c.**at);
        in_range(static_cast<double>((c.**at).since_start().us()) / 1e3);
    } else if (auto flag = std::get_if<bool C::*>(&f.member)) {
        o.boolean(key, c.**flag);
    } else {
        const Choice<C>& ch = std::get<Choice<C>>(f.member);
        if (!v->is_string() || !ch.set(c, v->get_ref<const std::string&>()))
            o.fail(key, *v, fmt::format("must be one of {}", fmt::join(ch.names(), ", ")));
    }
}

template <class C>
void read_fields(JsonObject& o, std::span<const Field<C>> fields, C& c) {
    for (const Field<C>& f : fields)
        if (f.applies_to(c)) read_field(o, f, c);
}

// Readers: `j` is the section's object, `path` its place in the file (for errors). Each throws
// ConfigError naming the field and the value.
BackoffConfig read_backoff(const json& j, const std::string& path, BackoffConfig b);
CircuitBreakerConfig read_breaker(const json& j, const std::string& path);
BulkheadConfig read_bulkhead(const json& j, const std::string& path);
RetryConfig read_retry(const json& j, const std::string& path);
RetryBudgetConfig read_budget(const json& j, const std::string& path);
MessageConfig read_message(const json& j, const std::string& path);

// Writers: every key, in the order the readers document them.
ordered_json write_backoff(const BackoffConfig& b);
ordered_json write_breaker(const CircuitBreakerConfig& b);
ordered_json write_bulkhead(const BulkheadConfig& b);
ordered_json write_retry(const RetryConfig& r);
ordered_json write_budget(const RetryBudgetConfig& b);
ordered_json write_message(const MessageConfig& m);

}  // namespace cascadelab::config_json
