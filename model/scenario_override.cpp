#include "model/scenario_override.hpp"

#include <charconv>  // std::from_chars
#include <cstddef>   // std::size_t

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/json_input.hpp"
#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {

using ordered_json = nlohmann::ordered_json;
using Pointer = ordered_json::json_pointer;

// One step of a path: a key of an object, or an index into an array.
struct Step {
    std::string key;          // empty for an index
    std::size_t index = 0;
    bool is_index() const { return key.empty(); }
};

// "a.b[2].c" as steps a, b, [2], c. Strict: no empty key, an index is digits in brackets, and
// nothing follows a closing bracket but '.', '[' or the end.
std::vector<Step> steps_of(const std::string& path, const std::string& value) {
    const auto bad = [&](std::string_view why) { return ConfigError(path, value, std::string{why}); };
    std::vector<Step> steps;
    std::size_t at = 0;
    while (at <= path.size()) {
        const std::size_t end = std::min(path.find_first_of(".[", at), path.size());
        if (end == at) throw bad("a path names keys joined by '.', as in rpc.retry.max_attempts");
        steps.push_back(Step{path.substr(at, end - at)});
        at = end;
        while (at < path.size() && path[at] == '[') {
            const std::size_t close = path.find(']', at);
            if (close == std::string::npos) throw bad("an index must be a whole number, as in faults[0]");
            Step step;
            const char* first = path.data() + at + 1;
            const char* last = path.data() + close;
            const auto [ptr, ec] = std::from_chars(first, last, step.index);
            if (first == last || ec != std::errc{} || ptr != last)
                throw bad("an index must be a whole number, as in faults[0]");
            steps.push_back(step);
            at = close + 1;
        }
        if (at == path.size()) break;
        if (path[at] != '.') throw bad("a path names keys joined by '.', as in rpc.retry.max_attempts");
        ++at;
    }
    return steps;
}

// The JSON pointer for `path` in `j`, checked step by step so that an error names the first
// step that is not there ("no key rpc.retry.max_tries", "no element 3 in faults").
Pointer pointer_to(const ordered_json& j, const Override& o, const std::string& scenario) {
    Pointer at;
    std::string walked;
    for (const Step& step : steps_of(o.path, o.value)) {
        const ordered_json& node = j[at];
        if (step.is_index()) {
            if (!node.is_array() || step.index >= node.size())
                throw ConfigError(o.path, o.value, fmt::format("no element {} in {}", step.index, walked));
            at /= step.index;
            walked += fmt::format("[{}]", step.index);
        } else {
            walked += (walked.empty() ? "" : ".") + step.key;
            if (!node.is_object() || !node.contains(step.key))
                throw ConfigError(o.path, o.value,
                                  fmt::format("no key {} in scenario {} (`cascadelab scenario show` lists them)", walked,
                                              scenario));
            at /= step.key;
        }
    }
    if (j[at].is_structured()) throw ConfigError(o.path, o.value, "names a section, not a value");
    return at;
}

// The value as JSON when it is JSON, else as a string — which must be text: bytes that are not
// UTF-8 cannot be written into JSON at all (checked when the document is dumped).
ordered_json value_of(const std::string& text) {
    try {
        return parse_ordered_json_strictly(text);
    } catch (const ConfigError&) {
        return ordered_json(text);
    }
}

}  // namespace

Scenario with_overrides(const Scenario& s, const std::vector<Override>& overrides) {
    if (overrides.empty()) return s;
    ordered_json j = ordered_json::parse(scenario_to_json(s));
    for (const Override& o : overrides) {
        const Pointer at = pointer_to(j, o, s.name);
        j[at] = value_of(o.value);
        try {
            (void)j[at].dump();
        } catch (const nlohmann::json::type_error&) {
            throw ConfigError(o.path, "(bytes)", "is not UTF-8 text");
        }
    }
    return scenarios_from_json(j.dump()).front();
}

Scenario with_override(const Scenario& s, std::string_view path, std::string_view value) {
    return with_overrides(s, {Override{std::string{path}, std::string{value}}});
}

}  // namespace cascadelab
