// Reading one JSON object of a user's file strictly: every field is typed and range-checked,
// and finish() rejects every key nobody asked for (a typo must never be silently ignored).
// Errors are ConfigErrors naming the field by its path in the file and the value:
// "rpc.retry.max_attempts = 0: must be in [1, 100]". Scenario files, replay files and hunt
// setups all read through this one class.
#pragma once

#include <cstdint>      // std::uint64_t
#include <initializer_list>  // std::initializer_list
#include <set>          // std::set
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/kernel/time.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

// The value as it appears in an error: its JSON, cut at 60 characters.
std::string shown(const nlohmann::json& v);

// The longest span a file may give: 1e12 ms, about 31 years of virtual time. Every sum of such
// spans a run forms stays far inside int64 microseconds (±292,000 years).
inline constexpr double kMaxFileMillis = 1e12;

template <class E>
using Names = std::initializer_list<std::pair<std::string_view, E>>;

class JsonObject {
public:
    using json = nlohmann::json;

    // Throws unless `j` is an object; `path` is its place in the file ("" for the top level).
    JsonObject(const json& j, std::string path);

    std::string field(std::string_view key) const;
    const std::string& path() const { return path_; }

    const json* get(std::string_view key);  // marks the key read; nullptr when absent
    bool has(std::string_view key) const { return j_.contains(key); }
    // Throws unless the key is present.
    const json& required(std::string_view key, std::string_view what_it_is);

    [[noreturn]] void fail(std::string_view key, const json& v, std::string_view why) const;

    void number(std::string_view key, double& out, double lo, double hi);
    void integer(std::string_view key, std::uint64_t& out, std::uint64_t lo, std::uint64_t hi);
    template <class U>
    void integer(std::string_view key, U& out, std::uint64_t lo, std::uint64_t hi) {
        std::uint64_t v = static_cast<std::uint64_t>(out);
        integer(key, v, lo, hi);
        out = static_cast<U>(v);
    }
    void boolean(std::string_view key, bool& out);
    void text(std::string_view key, std::string& out);
    // Text that lands in tables and terminals (json_input.hpp): one line of at most max_bytes,
    // and a name, one line of 1 to 200 bytes.
    void line(std::string_view key, std::string& out, std::size_t max_bytes);
    void label(std::string_view key, std::string& out);
    // Milliseconds, 0 ... kMaxFileMillis, microsecond resolution; "unbounded" -> Duration::max()
    // when allowed.
    void millis(std::string_view key, Duration& out, bool unbounded_allowed = false);
    void time(std::string_view key, Time& out);
    template <class E>
    void choice(std::string_view key, E& out, Names<E> names) {
        const json* v = get(key);
        if (!v) return;
        std::string options;
        for (const auto& [n, e] : names) {
            if (v->is_string() && v->get_ref<const std::string&>() == n) {
                out = e;
                return;
            }
            options += options.empty() ? "" : ", ";
            options += n;
        }
        fail(key, *v, "must be one of " + options);
    }
    // A nested object, or nullptr when absent. `null` counts as absent only where allowed.
    const json* child(std::string_view key, bool null_allowed = false);
    // An array, or nullptr when absent.
    const json* array(std::string_view key);

    void finish() const;

private:
    const json& j_;
    std::string path_;
    std::set<std::string, std::less<>> seen_;
};

// Milliseconds from a file to virtual time: rounded to the microsecond.
Duration from_file_millis(double ms);

}  // namespace cascadelab
