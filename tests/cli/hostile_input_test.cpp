// The command-line contract under hostile input: hundreds of malformed scenario files, replay
// files and command lines, each run as a user would run it, in a folder of its own. Every one
// must end the same way: exit status 2, one line on stderr naming the field or the option, no
// file written or changed anywhere in the folder or beside it, and within seconds.
//
// Most cases are generated at test time from real inputs: every leaf of a preset scenario and of
// a replay file that `hunt` wrote, given a value of the wrong type and one out of range; the
// large and deep inputs (a 17 MiB file, 100,000 levels of nesting) are built here too.
#include <fstream>     // std::ofstream
#include <functional>  // std::function
#include <set>         // std::set
#include <string>      // std::string
#include <vector>      // std::vector

#include <sys/stat.h>  // mkfifo

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "experiments/report.hpp"
#include "model/presets.hpp"
#include "model/scenario_json.hpp"
#include "tests/cli/subprocess.hpp"

namespace cascadelab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using namespace std::chrono_literals;

// In args, "{dir}" becomes the case's working folder; files are written into it first.
struct HostileCase {
    std::string name;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> files;
    std::string expect;  // the stderr line must hold this: the field or the option, and the why
    bool fifo = false;   // also make a named pipe "pipe.json"
};

std::string preset_json(std::string_view name) { return scenario_to_json(preset(name)->front()); }

// A sweep's runs.csv over one parameter, with this version's figures: one row (point 0, the given
// seed), every figure 0 but `ok`.
std::string runs_csv(std::string_view param, std::string_view seed = "1", std::string_view ok = "3") {
    std::string header = fmt::format("point,seed,{},scenario,architecture", param);
    std::string row = fmt::format("0,{},2,s,rpc", seed);
    for (const cli::Field& f : cli::run_fields(RunMetrics{})) {
        header += fmt::format(",{}", f.name);
        row += f.name == "ok" ? fmt::format(",{}", ok) : ",0";
    }
    return header + "\n" + row + "\n";
}
std::size_t runs_columns() { return 5 + cli::run_fields(RunMetrics{}).size(); }

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every leaf (number, string, bool, null) of a document with its path as errors name it
// ("rpc.retry.max_attempts", "faults[0].kind") and as a JSON pointer.
void leaves(const json& j, const std::string& path, const json::json_pointer& at,
            std::vector<std::pair<std::string, json::json_pointer>>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            leaves(it.value(), path.empty() ? it.key() : path + "." + it.key(), at / it.key(), out);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) leaves(j[i], path + "[" + std::to_string(i) + "]", at / i, out);
    } else {
        out.emplace_back(path, at);
    }
}

// Two values no leaf accepts: one of the wrong type, and one of the right type out of range (or
// not among the names of an enumeration).
std::vector<std::pair<std::string, json>> bad_values(const json& v, const std::string& path) {
    if (v.is_null()) return {{"number_for_section", json(7)}};
    if (v.is_boolean()) return {{"number_for_bool", json(2)}, {"string_for_bool", json("yes")}};
    if (v.is_string()) {
        if (path == "description") return {{"number_for_text", json(7)}};
        // A name is any one line: a number for it, and an empty one.
        if (path == "name" || path.ends_with(".name")) return {{"number_for_name", json(7)}, {"empty_name", json("")}};
        if (v.get<std::string>() == "unbounded") return {{"word_for_duration", json("forever")}, {"bool_for_duration", json(true)}};
        return {{"number_for_string", json(7)}, {"unknown_name", json("no-such-value")}};
    }
    // Numbers: a string, and a value far past every range (the largest is 1e12 ms).
    return {{"string_for_number", json("12")}, {"far_out_of_range", json(1e300)}};
}

std::string case_name(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

void scenario_leaf_cases(std::string_view preset_name, std::vector<HostileCase>& out) {
    const json base = json::parse(preset_json(preset_name));
    std::vector<std::pair<std::string, json::json_pointer>> all;
    leaves(base, "", json::json_pointer{}, all);
    for (const auto& [path, at] : all) {
        if (path == "architecture") continue;  // changes which sections are allowed: its own cases below
        for (const auto& [what, value] : bad_values(base.at(at), path)) {
            json doc = base;
            doc[at] = value;
            out.push_back({case_name(std::string{preset_name} + "_" + path + "_" + what),
                           {"compare", "--scenario", "s.json"},
                           {{"s.json", doc.dump(2)}},
                           "s.json: " + path + " = "});
        }
    }
}

void replay_leaf_cases(const std::string& replay_text, std::vector<HostileCase>& out) {
    const json base = json::parse(replay_text);
    std::vector<std::pair<std::string, json::json_pointer>> all;
    leaves(base, "", json::json_pointer{}, all);
    for (const auto& [path, at] : all) {
        // The scenario inside is read by the scenario reader (covered above): a few of its leaves.
        if (path.starts_with("scenario.") && !path.starts_with("scenario.rpc.retry") && path != "scenario.name") continue;
        for (const auto& [what, value] : bad_values(base.at(at), path)) {
            if (path == "rapidcheck.reproduce" && what == "unknown_name") continue;  // any one line is a string
            if (path == "violation.detail" || path == "scenario.description") {
                if (what != "number_for_text" && what != "number_for_string") continue;
            }
            if (path == "property" && what == "unknown_name") continue;  // its own case below
            json doc = base;
            doc[at] = value;
            const std::string field = path == "cascadelab_replay" ? "cascadelab_replay" : path;
            out.push_back({case_name("replay_" + path + "_" + what), {"replay", "r.json"}, {{"r.json", doc.dump(2)}},
                           "r.json: " + field + " = "});
        }
    }
    // Every section and key the reader requires, taken out; an unknown key in each object.
    for (const std::string key : {"cascadelab_replay", "property", "verdict", "rapidcheck", "scenario", "hunt", "schedule"}) {
        json doc = base;
        doc.erase(key);
        out.push_back({case_name("replay_without_" + key), {"replay", "r.json"}, {{"r.json", doc.dump(2)}}, "r.json: " + key});
    }
    for (const std::string at : {"", "/rapidcheck", "/violation", "/hunt", "/schedule", "/schedule/faults/0",
                                 "/schedule/bursts/0"}) {
        json doc = base;
        if (!doc.contains(json::json_pointer(at))) continue;
        doc[json::json_pointer(at)]["surplus"] = 1;
        out.push_back({case_name("replay_unknown_key_at" + at), {"replay", "r.json"}, {{"r.json", doc.dump(2)}}, "surplus = 1: unknown key"});
    }
    auto variant = [&](std::string name, const std::function<void(json&)>& change, std::string expect) {
        json doc = base;
        change(doc);
        out.push_back({case_name("replay_" + name), {"replay", "r.json"}, {{"r.json", doc.dump(2)}}, std::move(expect)});
    };
    variant("format_2", [](json& d) { d["cascadelab_replay"] = 2; }, "cascadelab_replay = 2: this build reads replay format 1");
    variant("format_0", [](json& d) { d["cascadelab_replay"] = 0; }, "cascadelab_replay = 0");
    variant("format_text", [](json& d) { d["cascadelab_replay"] = "1"; }, "cascadelab_replay = \"1\"");
    variant("format_fraction", [](json& d) { d["cascadelab_replay"] = 1.5; }, "cascadelab_replay = 1.5");
    variant("verdict_other", [](json& d) { d["verdict"] = "maybe"; }, "verdict = \"maybe\"");
    variant("held_with_violation", [](json& d) { d["verdict"] = "held"; }, "violation");
    variant("violated_without_violation", [](json& d) { d.erase("violation"); }, "violation = null: is required");
    variant("unknown_property", [](json& d) { d["property"] = "liveness"; }, "property = \"liveness\": no such property");
    variant("property_for_other_architecture", [](json& d) { d["property"] = "dlq-routing"; },
            "property = \"dlq-routing\": no such property for this architecture");
    variant("control_in_detail", [](json& d) { d["violation"]["detail"] = "a\nb"; }, "violation.detail");
    variant("scenario_array", [](json& d) { d["scenario"] = json::array({d["scenario"]}); }, "scenario = ");
    variant("schedule_bursts_object", [](json& d) { d["schedule"]["bursts"] = json::object(); }, "schedule.bursts = {}: must be an array");
    variant("too_many_bursts", [](json& d) {
        d["schedule"]["bursts"] = json::array();
        for (int i = 0; i < 1001; ++i) d["schedule"]["bursts"].push_back({{"start_ms", 0}, {"size", 1}, {"spread_ms", 0}});
    }, "schedule.bursts = 1001: at most 1000 bursts");
    variant("burst_beyond_time", [](json& d) {
        d["schedule"]["bursts"] = json::array({{{"start_ms", 1e300}, {"size", 1}, {"spread_ms", 0}}});
    }, "schedule.bursts[0].start_ms = 1e+300");
    variant("fault_without_kind", [](json& d) {
        d["schedule"]["faults"] = json::array({{{"start_ms", 0}, {"length_ms", 1}, {"strength", 1}}});
    }, "schedule.faults[0].kind = null: is required");
    variant("background_too_fast", [](json& d) { d["hunt"]["background_rate_per_s"] = 1e7; }, "hunt.background_rate_per_s = 1");
    variant("trigger_length_zero", [](json& d) { d["hunt"]["max_trigger_length_ms"] = 0; }, "hunt.max_trigger_length_ms = ");
}

// Whole files that are not what a scenario file must be.
void file_cases(std::vector<HostileCase>& out) {
    const std::string good = preset_json("rpc-naive");
    auto file = [&](std::string name, std::string content, std::string expect) {
        out.push_back({case_name("file_" + name), {"compare", "--scenario", "s.json"}, {{"s.json", std::move(content)}},
                       std::move(expect)});
    };
    file("empty", "", "unexpected end of input");
    file("spaces", "   \n\t ", "unexpected end of input");
    file("deep_65", std::string(65, '[') + std::string(65, ']'), "nesting deeper than 64 levels");
    file("deep_100000", std::string(100000, '[') + std::string(100000, ']'), "nesting deeper than 64 levels");
    file("deep_objects", [] {
        std::string s;
        for (int i = 0; i < 5000; ++i) s += "{\"a\":";
        return s + "1" + std::string(5000, '}');
    }(), "nesting deeper than 64 levels");
    file("number_1e400", "{\"name\":\"x\",\"seed\":1e400}", "= 1e400: is beyond the range of a number");
    file("number_minus_1e400", "{\"name\":\"x\",\"horizon_ms\":-1e400}", "= -1e400: is beyond the range of a number");
    file("nul_then_garbage", good + std::string(1, '\0') + "garbage", "NUL: a JSON file is text");
    file("garbage_after", good + " trailing", "syntax error");
    file("second_document", good + good, "syntax error");
    file("duplicate_top_key", "{\"name\":\"a\",\"name\":\"b\",\"architecture\":\"rpc\",\"workload\":{\"kind\":\"burst\"}}",
         "name = (given twice): duplicate key");
    file("duplicate_nested_key",
         "{\"name\":\"a\",\"architecture\":\"rpc\",\"workload\":{\"kind\":\"burst\",\"bursts\":1,\"bursts\":2}}",
         "workload.bursts = (given twice): duplicate key");
    file("top_level_number", "42", "(top level) = 42: must be an object");
    file("top_level_string", "\"rpc\"", "(top level) = \"rpc\": must be an object");
    file("top_level_empty_array", "[]", "(top level) = []: must hold at least one scenario");
    file("array_with_bad_element", "[" + good + ",7]", "[1].(top level) = 7: must be an object");
    file("invalid_utf8", "{\"name\":\"\xff\xfe\",\"architecture\":\"rpc\",\"workload\":{\"kind\":\"burst\"}}", "invalid string");
    file("raw_newline_in_string", "{\"name\":\"a\nb\"}", "invalid string");
    file("comment", "// a scenario\n" + good, "syntax error");
    file("single_quotes", "{'name':'x'}", "syntax error");
    file("size_17_MiB", [&] {
        std::string s = good;
        s.insert(s.size() - 2, std::string(std::size_t{17} << 20, ' '));
        return s;
    }(), "more than an input file may hold (16 MiB)");
    auto edit = [&](std::string name, const std::function<void(json&)>& change, std::string expect) {
        json doc = json::parse(good);
        change(doc);
        file(std::move(name), doc.dump(2), std::move(expect));
    };
    edit("name_escape_sequence", [](json& d) { d["name"] = "a\x1b[31mb"; }, "name = \"a\\u001b[31mb\": must not hold control characters");
    edit("name_newline", [](json& d) { d["name"] = "a\nb"; }, "name = \"a\\nb\": must not hold control characters");
    edit("name_empty", [](json& d) { d["name"] = ""; }, "name = \"\": must not be empty");
    edit("name_201_bytes", [](json& d) { d["name"] = std::string(201, 'x'); }, "must be at most 200 bytes");
    edit("unknown_top_key", [](json& d) { d["retries"] = 3; }, "retries = 3: unknown key");
    edit("unknown_nested_key", [](json& d) { d["rpc"]["retry"]["max_atempts"] = 3; }, "rpc.retry.max_atempts = 3: unknown key");
    edit("event_section_in_rpc", [](json& d) { d["event"] = json::object(); }, "event = {}: does not apply to architecture rpc");
    edit("architecture_other", [](json& d) { d["architecture"] = "grpc"; }, "architecture = \"grpc\": must be one of rpc, event");
    edit("architecture_missing", [](json& d) { d.erase("architecture"); }, "architecture = null: is required");
    edit("workload_missing", [](json& d) { d.erase("workload"); }, "workload = null: is required");
    edit("at_ms_1e300", [](json& d) { d["workload"] = {{"kind", "arrivals"}, {"at_ms", {0, 1e300}}}; },
         "workload.at_ms[1] = 1e+300: must be milliseconds in [0, 1e+12]");
    edit("at_ms_negative", [](json& d) { d["workload"] = {{"kind", "arrivals"}, {"at_ms", {-1}}}; }, "workload.at_ms[0] = -1");
    edit("at_ms_text", [](json& d) { d["workload"] = {{"kind", "arrivals"}, {"at_ms", {"soon"}}}; }, "workload.at_ms[0] = \"soon\"");
    edit("at_ms_unsorted", [](json& d) { d["workload"] = {{"kind", "arrivals"}, {"at_ms", {5, 1}}}; }, "workload.arrivals");
    edit("at_ms_empty", [](json& d) { d["workload"] = {{"kind", "arrivals"}, {"at_ms", json::array()}}; }, "workload.at_ms = []");
    edit("poisson_ends_after_31_years", [](json& d) {
        d["workload"] = {{"kind", "poisson"}, {"rate_per_s", 1e-6}, {"requests", 100000}};
    }, "the workload must end within 1e12 ms");
    edit("poisson_rate_zero", [](json& d) { d["workload"] = {{"kind", "poisson"}, {"rate_per_s", 0}}; }, "workload.rate_per_s = 0");
    edit("burst_product_past_1e8", [](json& d) {
        d["workload"] = {{"kind", "burst"}, {"burst_size", 100000000}, {"bursts", 100000000}, {"gap_ms", 1}};
    }, "burst_size * bursts must be at most 1e8");
    edit("burst_size_2_pow_64", [](json& d) { d["workload"] = {{"kind", "burst"}, {"burst_size", 18446744073709551615ULL}}; },
         "workload.burst_size = 18446744073709551615");
    edit("step_brings_1e16_requests", [](json& d) {
        d["workload"] = {{"kind", "step"}, {"base_rate_per_s", 1e7}, {"spike_rate_per_s", 1e7}, {"duration_ms", 1e9},
                         {"spike_start_ms", 0}, {"spike_length_ms", 1}};
    }, "at most 1e8");
    edit("seed_negative", [](json& d) { d["seed"] = -1; }, "seed = -1: must be a whole number");
    edit("seed_2_pow_64", [](json& d) { d["seed"] = 18446744073709551616.0; }, "seed = 1.8446744073709552e+19");
    edit("seed_fraction", [](json& d) { d["seed"] = 1.5; }, "seed = 1.5");
    edit("horizon_past_1e12", [](json& d) { d["horizon_ms"] = 2e12; }, "horizon_ms = 2000000000000.0: must be at most 1e+12 ms");
    edit("window_zero", [](json& d) { d["metrics"]["window_ms"] = 0; }, "metrics.window_ms = 0: must be positive");
    edit("too_many_tiers", [](json& d) { d["inner_tiers"] = json::array({d["rpc"], d["rpc"], d["rpc"], d["rpc"], d["rpc"], d["rpc"], d["rpc"], d["rpc"]}); },
         "inner_tiers = 8: at most 7 tiers");
    edit("fault_past_time", [](json& d) {
        d["faults"] = json::array({{{"kind", "outage"}, {"start_ms", 1e13}, {"length_ms", 1}}});
    }, "faults[0].start_ms = 10000000000000.0: must be at most 1e+12 ms");
    // Too large to run within the default budget: refused before any work.
    edit("burst_of_2e7_at_once", [](json& d) { d["workload"] = {{"kind", "burst"}, {"burst_size", 20000000}}; },
         "more than the budget of 8.0 GiB (raise --max-memory");
    edit("1e8_requests_x_100_attempts", [](json& d) {
        d["workload"] = {{"kind", "poisson"}, {"rate_per_s", 1e5}, {"requests", 100000000}};
        d["rpc"]["retry"]["max_attempts"] = 100;
    }, "more than the budget of 1e+09 (--max-events)");

    // Not a file at all.
    out.push_back({"file_missing", {"compare", "--scenario", "nothing.json"}, {}, "--scenario nothing.json: no such preset"});
    out.push_back({"file_is_a_directory", {"compare", "--scenario", "{dir}"}, {}, "is a directory, not a file"});
    out.push_back({"file_is_dev_zero", {"compare", "--scenario", "/dev/zero"}, {}, "/dev/zero: is not a regular file"});
    out.push_back({"file_is_dev_stdin", {"compare", "--scenario", "/dev/stdin"}, {}, "is not a regular file"});
    out.push_back({"file_is_a_pipe", {"compare", "--scenario", "pipe.json"}, {}, "pipe.json: is not a regular file", true});
    out.push_back({"replay_is_a_pipe", {"replay", "pipe.json"}, {}, "pipe.json: is not a regular file", true});
    out.push_back({"replay_is_dev_zero", {"replay", "/dev/zero"}, {}, "/dev/zero: is not a regular file"});
    out.push_back({"replay_is_a_scenario", {"replay", "s.json"}, {{"s.json", good}}, "s.json: cascadelab_replay = null"});
    out.push_back({"replay_deep", {"replay", "r.json"}, {{"r.json", std::string(3000, '[')}}, "nesting deeper than 64 levels"});
    out.push_back({"replay_nul", {"replay", "r.json"}, {{"r.json", std::string("{\"a\":1}\0x", 9)}}, "no NUL bytes"});
}

// Command lines: every option with values it must refuse, outputs that must not be written.
void command_line_cases(const std::string& replay_text, std::vector<HostileCase>& out) {
    const std::string good = preset_json("rpc-naive");
    auto cl = [&](std::string name, std::vector<std::string> args, std::string expect,
                  std::vector<std::pair<std::string, std::string>> files = {}) {
        out.push_back({case_name("cli_" + name), std::move(args), std::move(files), std::move(expect)});
    };
    // Whole numbers: negative (CLI11 alone would wrap -1 to 2^64 - 1), past 2^64, hex, a fraction, text, empty.
    struct Whole {
        std::vector<std::string> command;
        std::string option;
        std::vector<std::string> bad;
    };
    const std::vector<Whole> wholes{
        {{"compare", "--scenario", "healthy"}, "--seed", {"-1", "18446744073709551616", "1e20", "0x10", "1.5", "one"}},
        {{"compare", "--scenario", "healthy"}, "--seeds", {"0", "-1", "100001", "1e9", "2.5", "x"}},
        {{"compare", "--scenario", "healthy", "--seeds", "2"}, "--threads", {"0", "-1", "1025", "x"}},
        {{"compare", "--scenario", "healthy"}, "--max-events", {"0", "-5", "999", "1e30", "lots"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--cases", {"0", "-1", "1000001", "1e7", "x"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--seed", {"-1", "99999999999999999999", "0x1"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--max-size", {"0", "10001", "-3", "x"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--seeds", {"0", "100001", "x"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--max-seeds", {"0", "100001", "-2"}},
        {{"hunt", "--property", "recovery", "--scenario", "rpc-naive"}, "--threads", {"-1", "1025", "x"}},
        {{"sweep", "--scenario", "rpc-naive", "--out", "o"}, "--seeds", {"0", "100001", "x"}},
        {{"sweep", "--scenario", "rpc-naive", "--out", "o"}, "--threads", {"0", "99999"}},
    };
    for (const Whole& w : wholes)
        for (const std::string& bad : w.bad) {
            std::vector<std::string> args = w.command;
            args.insert(args.end(), {w.option, bad});
            cl(w.command.front() + w.option + "_" + (bad.empty() ? "empty" : bad), args, w.option + " " + bad + ": must be");
        }
    // Real numbers: zero where positive, negative, not finite, past the range, text.
    for (const std::string bad : {"0", "-1", "1e7", "nan", "inf", "-inf", "fast", "1e400"})
        cl("hunt_background_" + bad, {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--background", bad},
           "--background " + bad + ": must be a number in (0, 1e+06]");
    // The test over seeds: probabilities in (0, 1], and a region that stays inside (0, 1).
    for (const std::string option : {"--confidence", "--indifference", "--alpha", "--beta"})
        for (const std::string bad : {"0", "-0.1", "1.5", "nan", "x"})
            cl("hunt" + option + "_" + bad, {"hunt", "--property", "recovery", "--scenario", "rpc-naive", option, bad},
               option + " " + bad + ": must be");
    cl("hunt_region_outside", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--confidence", "0.97"},
       "--indifference = 0.05: must be positive and keep --confidence ± it inside (0, 1)");
    cl("hunt_alpha_one", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--alpha", "1"}, "--alpha = 1: must be in (0, 1)");
    cl("hunt_trigger_unknown", {"hunt", "--boundary", "--property", "recovery", "--scenario", "rpc-naive", "--trigger", "wave"},
       "--trigger wave: must be burst, outage or spike");
    cl("hunt_check_and_boundary", {"hunt", "--check", "--boundary", "--property", "recovery", "--scenario", "rpc-naive"},
       "--check and --boundary: give one");
    for (const std::string bad : {"0", "-3", "2e6", "x"})
        cl("hunt_spike_ms_" + bad, {"hunt", "--boundary", "--trigger", "spike", "--property", "recovery", "--scenario",
                                    "rpc-naive", "--spike-ms", bad},
           "--spike-ms " + bad + ": must be");
    cl("hunt_fragile_twice", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--fragile", "--report-fragile"},
       "--fragile and --report-fragile: give one");
    for (const std::string bad : {"0", "0.00001", "-1", "x"})
        cl("hunt_epsilon_" + bad, {"hunt", "--check", "--property", "recovery", "--scenario", "rpc-safe", "--epsilon", bad},
           "--epsilon " + bad + ": must be");
    for (const std::string bad : {"0", "2", "x"})
        cl("hunt_delta_" + bad, {"hunt", "--check", "--property", "recovery", "--scenario", "rpc-safe", "--delta", bad},
           "--delta " + bad + ": must be");
    // A probability of 1 reads as a number but says nothing: refused by the check's own rule.
    cl("hunt_epsilon_one", {"hunt", "--check", "--property", "recovery", "--scenario", "rpc-safe", "--epsilon", "1"},
       "--epsilon = 1: must be in [0.0001, 1)");
    cl("hunt_delta_one", {"hunt", "--check", "--property", "recovery", "--scenario", "rpc-safe", "--delta", "1"},
       "--delta = 1: must be in [1e-09, 1)");
    for (const std::string bad : {"0", "-5", "nan", "2e9", "x"})
        cl("hunt_around_" + bad, {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--around", bad},
           "--around " + bad + ": must be a number");
    for (const std::string bad : {"0", "1K", "8X", "G", "-1G", "99999999T", "1.5G"})
        cl("max_memory_" + bad, {"compare", "--scenario", "healthy", "--max-memory", bad}, "--max-memory " + bad + ": must be a size");
    for (const std::string bad : {"3/2", "0/2", "1/0", "2", "a/b", "1/2/3", "-1/2", "/", "1/2000000"})
        cl("sweep_shard_" + bad, {"sweep", "--scenario", "rpc-naive", "--shard", bad, "--out", "o"}, "--shard " + bad + ": must be I/N");
    // Choices and names.
    cl("format_xml", {"compare", "--format", "xml"}, "--format");
    cl("unknown_subcommand", {"compute"}, "compute");
    cl("unknown_option", {"compare", "--no-such-option"}, "--no-such-option");
    cl("scenario_without_value", {"compare", "--scenario"}, "--scenario");
    cl("unknown_preset", {"compare", "--scenario", "rpc-fancy"}, "--scenario rpc-fancy: no such preset");
    cl("scenario_show_unknown", {"scenario", "show", "nothing"}, "--scenario nothing: no such preset");
    cl("scenario_without_subcommand", {"scenario"}, "`scenario list` (the presets) or `scenario show");
    cl("hunt_without_property", {"hunt", "--scenario", "rpc-naive"}, "--property is required");
    cl("hunt_without_scenario", {"hunt", "--property", "recovery"}, "--scenario is required");
    cl("hunt_unknown_property", {"hunt", "--property", "liveness", "--scenario", "rpc-naive"}, "--property liveness: no such property");
    cl("hunt_property_with_newline", {"hunt", "--property", "re\ncovery", "--scenario", "rpc-naive"}, "--property re\\x0acovery");
    cl("hunt_inapplicable_property", {"hunt", "--property", "dlq-routing", "--scenario", "rpc-naive"},
       "--property = dlq-routing: does not apply to the rpc architecture");
    cl("hunt_two_scenarios", {"hunt", "--property", "recovery", "--scenario", "seed"}, "--scenario seed: holds 2 scenarios");
    cl("hunt_bad_reproduce", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--reproduce", "not base64!"},
       "--reproduce not base64!: is not a RapidCheck reproduce string");
    cl("hunt_background_past_budget", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--background", "1e6"},
       "more than the budget of 1e+09 (--max-events");
    cl("compare_seeds_past_budget", {"compare", "--scenario", "tiers-retry-everywhere", "--seeds", "100000"},
       "more than the budget of 1e+09 (--max-events");
    cl("compare_seed_plus_seeds_past_2_64", {"compare", "--scenario", "healthy", "--seed", "18446744073709551615", "--seeds", "2"},
       "passes 2^64 - 1");
    // Sweep: parameters, grids, tables and plots checked before the first run.
    cl("sweep_without_out", {"sweep", "--scenario", "rpc-naive"}, "--out is required");
    cl("sweep_param_without_equals", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts", "--out", "o"},
       "--param rpc.retry.max_attempts: must be KEY=V1,V2");
    cl("sweep_param_without_values", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=,,", "--out", "o"},
       "no values");
    cl("sweep_param_repeated_key", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1,2", "--param",
                                    "rpc.retry.max_attempts=3", "--out", "o"},
       "--param rpc.retry.max_attempts: the key is given twice");
    cl("sweep_param_repeated_value", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=2,2", "--out", "o"},
       "the value 2 is given twice");
    cl("sweep_param_unknown_key", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_tries=2", "--out", "o"},
       "--param rpc.retry.max_tries = 2: no key");
    cl("sweep_param_bad_value", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=0", "--out", "o"},
       "rpc.retry.max_attempts = 0");
    cl("sweep_param_section", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry=1", "--out", "o"}, "names a section");
    cl("sweep_param_bad_index", {"sweep", "--scenario", "metastable-naive", "--param", "faults[9].factor=2", "--out", "o"},
       "no element 9");
    cl("sweep_param_not_utf8", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=\xff", "--out", "o"},
       "is not UTF-8 text");
    cl("sweep_param_1e400", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1e400", "--out", "o"},
       "rpc.retry.max_attempts = \"1e400\"");
    cl("sweep_grid_too_large", [] {
        std::vector<std::string> a{"sweep", "--scenario", "rpc-naive", "--out", "o"};
        std::string v1 = "workload.burst_size=", v2 = "rpc.retry.max_attempts=";
        for (int i = 1; i <= 101; ++i) v1 += std::to_string(i) + (i < 101 ? "," : "");
        for (int i = 1; i <= 100; ++i) v2 += std::to_string(i) + (i < 100 ? "," : "");
        a.insert(a.end(), {"--param", v1, "--param", v2});
        return a;
    }(), "the grid passes 10000 points");
    cl("sweep_table_unknown_figure", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1,2", "--param",
                                      "workload.burst_size=10,20", "--table", "speed", "--out", "o"},
       "--table speed: no such figure");
    cl("sweep_table_one_param", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1,2", "--table",
                                 "goodput_per_s", "--out", "o"},
       "--table prints a grid over two parameters");
    cl("sweep_table_with_shard", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1,2", "--param",
                                  "workload.burst_size=10,20", "--table", "goodput_per_s", "--shard", "1/2", "--out", "o"},
       "--table needs the whole grid");
    cl("sweep_plot_one_param", {"sweep", "--scenario", "rpc-naive", "--param", "rpc.retry.max_attempts=1,2", "--plot", "--out", "o"},
       "--plot draws heatmaps over two parameters");
    // Outputs: never a directory, never an input, never where nothing can be written.
    cl("compare_out_is_a_directory", {"compare", "--scenario", "healthy", "--out", "sub"}, "--out sub: is a directory",
       {{"sub/keep", "x"}});
    cl("compare_out_is_the_input", {"compare", "--scenario", "s.json", "--out", "s.json"}, "--out s.json: is an input of this run",
       {{"s.json", good}});
    cl("compare_out_is_the_input_by_another_path", {"compare", "--scenario", "s.json", "--out", "./sub/../s.json"},
       "is an input of this run", {{"s.json", good}, {"sub/keep", "x"}});
    cl("compare_out_in_missing_folder", {"compare", "--scenario", "healthy", "--out", "missing/x.csv"},
       "--out missing/x.csv: the folder missing does not exist");
    cl("compare_out_under_a_file", {"compare", "--scenario", "healthy", "--out", "f.txt/x.csv"}, "--out f.txt/x.csv",
       {{"f.txt", "x"}});
    cl("compare_out_empty", {"compare", "--scenario", "healthy", "--out", "/"}, "--out /: must name a file");
    cl("compare_out_dot", {"compare", "--scenario", "healthy", "--out", "."}, "--out .: must name a file");
    cl("compare_out_dev_full", {"compare", "--scenario", "healthy", "--out", "/dev/full"}, "--out /dev/full: exists and is not a regular file");
    cl("hunt_out_is_a_directory", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--out", "sub"},
       "--out sub: is a directory", {{"sub/keep", "x"}});
    cl("hunt_out_is_the_scenario", {"hunt", "--property", "recovery", "--scenario", "s.json", "--out", "s.json"},
       "--out s.json: is an input of this run", {{"s.json", good}});
    cl("replay_trace_is_the_replay", {"replay", "r.json", "--chrome-trace", "r.json"},
       "--chrome-trace r.json: is an input of this run", {{"r.json", replay_text}});
    cl("replay_trace_in_missing_folder", {"replay", "r.json", "--chrome-trace", "no/t.json"},
       "--chrome-trace no/t.json: the folder no does not exist", {{"r.json", replay_text}});
    cl("replay_missing", {"replay", "nothing.json"}, "nothing.json: no such file");
    cl("replay_without_file", {"replay"}, "file");
    cl("sweep_out_is_a_file", {"sweep", "--scenario", "rpc-naive", "--out", "f.txt"}, "--out f.txt: exists and is not a folder",
       {{"f.txt", "x"}});
    cl("sweep_out_under_a_file", {"sweep", "--scenario", "rpc-naive", "--out", "f.txt/o"}, "f.txt is a file, not a folder",
       {{"f.txt", "x"}});
    cl("sweep_out_runs_csv_is_a_directory", {"sweep", "--scenario", "rpc-naive", "--out", "o"}, "--out o/runs.csv: is a directory",
       {{"o/runs.csv/keep", "x"}});
    cl("merge_without_out", {"merge", "a"}, "--out is required");
    cl("merge_without_dirs", {"merge", "--out", "o"}, "give the sweep directories to merge");
    cl("merge_missing_runs", {"merge", "a", "--out", "o"}, "a/runs.csv: no such file");
    cl("merge_into_its_input", {"merge", "a", "--out", "a"}, "--out a: is an input of this run",
       {{"a/runs.csv", runs_csv("k")}});
    cl("merge_garbage_csv", {"merge", "a", "--out", "o"}, "a/runs.csv: line 2: not well-formed CSV",
       {{"a/runs.csv", "point,seed,k,scenario,architecture,ok\n0,1,\"2,s,rpc,3\n"}});
    cl("merge_short_row", {"merge", "a", "--out", "o"},
       fmt::format("a/runs.csv: line 2: 3 cells, the header has {}", runs_columns()),
       {{"a/runs.csv", runs_csv("k").substr(0, runs_csv("k").find('\n')) + "\n0,1,2\n"}});
    cl("merge_not_a_runs_table", {"merge", "a", "--out", "o"}, "a/runs.csv: not a sweep's runs table",
       {{"a/runs.csv", "x,y\n1,2\n"}});
    cl("merge_other_versions_figures", {"merge", "a", "--out", "o"}, "a/runs.csv: its figures differ from this cascadelab's",
       {{"a/runs.csv", [] {
             std::string t = runs_csv("k");
             return t.replace(t.find(",ok,"), 4, ",okay,");
         }()}});
    cl("merge_text_in_a_figure", {"merge", "a", "--out", "o"}, "column ok = \"many\": not a number",
       {{"a/runs.csv", runs_csv("k", "1", "many")}});
    cl("merge_negative_seed", {"merge", "a", "--out", "o"}, "a/runs.csv: seed -1: must be a whole number",
       {{"a/runs.csv", runs_csv("k", "-1")}});
    cl("merge_empty", {"merge", "a", "--out", "o"}, "a/runs.csv: is empty", {{"a/runs.csv", ""}});
    cl("merge_nul", {"merge", "a", "--out", "o"}, "a/runs.csv: line 1: not well-formed CSV",
       {{"a/runs.csv", std::string("point,seed\0,x\n", 14)}});
    cl("merge_mismatched_shards", {"merge", "a", "b", "--out", "o"}, "b/runs.csv: its columns differ",
       {{"a/runs.csv", runs_csv("k")},
        {"b/runs.csv", runs_csv("j")}});
    const std::string summary = "point,a,b,seeds,g_mean\n0,1,2,3,4.5\n";
    cl("heatmap_missing_column", {"plot", "heatmap", "--summary", "s.csv", "--x", "a", "--y", "c", "--z", "g_mean", "--out", "h"},
       "--y c: no such column in s.csv", {{"s.csv", summary}});
    cl("heatmap_text_colour", {"plot", "heatmap", "--summary", "s.csv", "--x", "a", "--y", "b", "--z", "g_mean", "--out", "h"},
       "column g_mean = \"fast\": not a number", {{"s.csv", "point,a,b,seeds,g_mean\n0,1,2,3,fast\n"}});
    cl("heatmap_out_is_the_summary", {"plot", "heatmap", "--summary", "s.svg", "--x", "a", "--y", "b", "--z", "g_mean", "--out", "s"},
       "--out s.svg: is an input of this run", {{"s.svg", summary}});
    cl("heatmap_missing_summary", {"plot", "heatmap", "--summary", "none.csv", "--x", "a", "--y", "b", "--z", "g", "--out", "h"},
       "none.csv: no such file");
    cl("series_two_scenarios", {"plot", "series", "--scenario", "seed", "--out", "s"}, "--scenario seed: holds 2 scenarios");
    cl("series_out_in_missing_folder", {"plot", "series", "--scenario", "healthy-rpc", "--out", "no/s"}, "the folder no does not exist");
    cl("series_out_is_the_scenario", {"plot", "series", "--scenario", "s.svg", "--out", "s"},
       "--out s.svg: is an input of this run", {{"s.svg", good}});
    for (const std::string option : {"--out", "--seed", "--threads", "--max-events", "--max-memory"})
        cl("compare_empty" + option, {"compare", "--scenario", "healthy", option, ""}, option + ": must not be empty");
    cl("hunt_empty_out", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--out", ""}, "--out: must not be empty");
    cl("hunt_empty_reproduce", {"hunt", "--property", "recovery", "--scenario", "rpc-naive", "--reproduce", ""},
       "--reproduce: must not be empty");
    cl("replay_empty_trace", {"replay", "r.json", "--chrome-trace", ""}, "--chrome-trace: must not be empty", {{"r.json", replay_text}});
    cl("replay_empty_file", {"replay", ""}, "the file must not be empty");
    cl("sweep_empty_shard", {"sweep", "--scenario", "rpc-naive", "--shard", "", "--out", "o"}, "--shard: must not be empty");
    cl("sweep_empty_table", {"sweep", "--scenario", "rpc-naive", "--table", "", "--out", "o"}, "--table: must not be empty");
    cl("diagrams_out_is_a_file", {"diagrams", "--out", "f.txt"}, "--out f.txt: exists and is not a folder", {{"f.txt", "x"}});
    cl("diagrams_out_empty", {"diagrams", "--out", ""}, "--out: must name a folder");
    cl("diagrams_check_missing", {"diagrams", "--check", "nothing"}, "--check nothing: not a directory");
    cl("diagrams_out_and_check", {"diagrams", "--out", "a", "--check", "b"}, "excludes");
}

const std::vector<HostileCase>& all_cases() {
    static const std::vector<HostileCase> cases = [] {
        std::vector<HostileCase> out;
        const std::string replay = read_text(CASCADELAB_REPLAY_SAMPLE);
        scenario_leaf_cases("rpc-safe", out);
        scenario_leaf_cases("event-safe", out);
        replay_leaf_cases(replay, out);
        file_cases(out);
        command_line_cases(replay, out);
        return out;
    }();
    return cases;
}

TEST(HostileInputTable, HoldsAtLeastThreeHundredCasesAcrossTheThreeKinds) {
    std::size_t scenario = 0, replay = 0, command_line = 0;
    for (const HostileCase& c : all_cases()) {
        if (c.name.starts_with("cli_")) ++command_line;
        else if (c.name.starts_with("replay_")) ++replay;
        else ++scenario;
    }
    EXPECT_GE(all_cases().size(), 300u);
    std::set<std::string> names;
    for (const HostileCase& c : all_cases()) EXPECT_TRUE(names.insert(c.name).second) << "two cases named " << c.name;
    EXPECT_GE(scenario, 100u);
    EXPECT_GE(replay, 50u);
    EXPECT_GE(command_line, 100u);
}

class HostileInput : public ::testing::TestWithParam<std::size_t> {};

TEST_P(HostileInput, GetsOneLineAndExitTwoAndWritesNothing) {
    const HostileCase& c = all_cases()[GetParam()];
    // The case's folder sits inside a folder of its own, so that a write beside it shows too.
    const fs::path root = fs::path(::testing::TempDir()) / ("cascadelab-hostile-" + std::to_string(::getpid())) / c.name;
    const fs::path dir = root / "work";
    fs::remove_all(root);
    fs::create_directories(dir);
    for (const auto& [name, content] : c.files) {
        fs::create_directories((dir / name).parent_path());
        std::ofstream(dir / name, std::ios::binary) << content;
    }
    if (c.fifo) {
        ASSERT_EQ(::mkfifo((dir / "pipe.json").c_str(), 0644), 0);
    }
    std::vector<std::string> args;
    for (std::string a : c.args) {
        if (const auto at = a.find("{dir}"); at != std::string::npos) a.replace(at, 5, dir.string());
        args.push_back(a);
    }
    const std::vector<std::string> before = testing::listing(root);

    const testing::Finished f = testing::run_program(CASCADELAB_BINARY, args, dir, 60s);

    ASSERT_FALSE(f.timed_out) << "no answer within 60 s";
    ASSERT_FALSE(f.signalled) << "died of a signal:\n" << f.err;
    EXPECT_EQ(f.status, 2) << "stdout:\n" << f.out.substr(0, 2000) << "\nstderr:\n" << f.err;
    EXPECT_LT(f.took, 10s) << "bad input must be refused before any work";
    ASSERT_FALSE(f.err.empty());
    EXPECT_EQ(f.err.find('\n'), f.err.size() - 1) << "more than one line:\n" << f.err;
    EXPECT_TRUE(f.err.starts_with("cascadelab: error: ")) << f.err;
    EXPECT_NE(f.err.find(c.expect), std::string::npos) << "expected \"" << c.expect << "\" in:\n" << f.err;
    EXPECT_EQ(testing::listing(root), before) << "a file was written or changed";
    fs::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileInput, ::testing::Range<std::size_t>(0, all_cases().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) { return all_cases()[param.param].name; });

// A scenario's name is a label: the default replay file name keeps only safe characters, in the
// folder hunt runs in, whatever the name says.
TEST(HostileInputNames, AScenarioNamedLikeAPathWritesItsReplayFileHere) {
    const fs::path root = fs::path(::testing::TempDir()) / ("cascadelab-names-" + std::to_string(::getpid()));
    const fs::path dir = root / "work";
    fs::remove_all(root);
    fs::create_directories(dir);
    json s = json::parse(preset_json("rpc-naive"));
    s["name"] = "../../escape";
    std::ofstream(dir / "s.json") << s.dump(2);
    const testing::Finished f = testing::run_program(
        CASCADELAB_BINARY, {"hunt", "--property", "recovery", "--scenario", "s.json", "--seed", "20261122", "--cases", "20"},
        dir, 300s);
    ASSERT_EQ(f.status, 1) << f.err;  // rpc-naive breaks recovery
    EXPECT_TRUE(fs::exists(dir / "escape.recovery.replay.json")) << f.out;
    const std::vector<std::string> beside = testing::listing(root);
    for (const std::string& entry : beside) EXPECT_TRUE(entry.starts_with("work")) << "written outside: " << entry;
    fs::remove_all(root);
}

}  // namespace
}  // namespace cascadelab
