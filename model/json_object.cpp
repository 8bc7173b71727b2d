#include "model/json_object.hpp"

#include <cmath>  // std::isfinite, std::llround

#include "model/json_input.hpp"

namespace cascadelab {

std::string shown(const nlohmann::json& v) {
    std::string s = v.dump(-1, ' ', /*ensure_ascii=*/true);  // escapes keep control bytes off the terminal
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

Duration from_file_millis(double ms) { return Duration::micros(std::llround(ms * 1e3)); }

JsonObject::JsonObject(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw ConfigError(path_.empty() ? "(top level)" : path_, shown(j_), "must be an object");
}

std::string JsonObject::field(std::string_view key) const {
    return path_.empty() ? std::string{key} : path_ + "." + std::string{key};
}

const nlohmann::json* JsonObject::get(std::string_view key) {
    seen_.insert(std::string{key});
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
}

const nlohmann::json& JsonObject::required(std::string_view key, std::string_view what_it_is) {
    const json* v = get(key);
    if (!v) fail(key, json(nullptr), fmt::format("is required{}{}", what_it_is.empty() ? "" : ": ", what_it_is));
    return *v;
}

void JsonObject::fail(std::string_view key, const json& v, std::string_view why) const {
    throw ConfigError(field(key), shown(v), std::string{why});
}

void JsonObject::number(std::string_view key, double& out, double lo, double hi) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_number()) fail(key, *v, "must be a number");
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < lo || d > hi) fail(key, *v, fmt::format("must be in [{:g}, {:g}]", lo, hi));
    out = d;
}

void JsonObject::integer(std::string_view key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi) {
    const json* v = get(key);
    if (!v) return;
    const std::string range = fmt::format("must be a whole number in [{}, {}]", lo, hi);
    // nlohmann stores non-negative integers as unsigned, negative ones as signed, and anything
    // past 2^64 - 1 (or written 1e3) as a double.
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() < lo || v->get<std::uint64_t>() > hi) fail(key, *v, range);
    out = v->get<std::uint64_t>();
}

void JsonObject::boolean(std::string_view key, bool& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_boolean()) fail(key, *v, "must be true or false");
    out = v->get<bool>();
}

void JsonObject::text(std::string_view key, std::string& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_string()) fail(key, *v, "must be a string");
    if (v->get_ref<const std::string&>().size() > 4096) fail(key, *v, "must be at most 4096 bytes");
    out = v->get<std::string>();
}

void JsonObject::line(std::string_view key, std::string& out, std::size_t max_bytes) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_string()) fail(key, *v, "must be a string");
    const std::string why = why_not_one_line(v->get_ref<const std::string&>(), max_bytes);
    if (!why.empty()) fail(key, *v, why);
    out = v->get<std::string>();
}

void JsonObject::label(std::string_view key, std::string& out) {
    const json* v = get(key);
    if (!v) return;
    if (!v->is_string()) fail(key, *v, "must be a string");
    const std::string why = why_not_a_label(v->get_ref<const std::string&>());
    if (!why.empty()) fail(key, *v, why);
    out = v->get<std::string>();
}

void JsonObject::millis(std::string_view key, Duration& out, bool unbounded_allowed) {
    const json* v = get(key);
    if (!v) return;
    if (unbounded_allowed && v->is_string() && v->get_ref<const std::string&>() == "unbounded") {
        out = Duration::max();
        return;
    }
    if (!v->is_number())
        fail(key, *v, unbounded_allowed ? "must be milliseconds or \"unbounded\"" : "must be a number of milliseconds");
    const double ms = v->get<double>();
    if (!std::isfinite(ms) || ms < 0.0) fail(key, *v, "must not be negative");
    if (ms > kMaxFileMillis) fail(key, *v, fmt::format("must be at most {:g} ms", kMaxFileMillis));
    out = from_file_millis(ms);
}

void JsonObject::time(std::string_view key, Time& out) {
    Duration d = out.since_start();
    millis(key, d);
    out = Time::at(d);
}

const nlohmann::json* JsonObject::child(std::string_view key, bool null_allowed) {
    const json* v = get(key);
    if (v && v->is_null()) {
        if (null_allowed) return nullptr;
        fail(key, *v, "must be an object");
    }
    return v;
}

const nlohmann::json* JsonObject::array(std::string_view key) {
    const json* v = get(key);
    if (v && !v->is_array()) fail(key, *v, "must be an array");
    return v;
}

void JsonObject::finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
        if (!seen_.count(it.key())) throw ConfigError(field(it.key()), shown(it.value()), "unknown key");
}

}  // namespace cascadelab
