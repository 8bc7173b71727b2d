#include "experiments/hunt_command.hpp"

#include <chrono>   // std::chrono::steady_clock (progress and timing only, never the model)
#include <cstdio>   // std::fputs, std::fprintf
#include <fstream>  // std::ifstream, std::ofstream
#include <memory>   // std::make_shared
#include <sstream>  // std::ostringstream
#include <string>   // std::string

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "experiments/scenario_args.hpp"
#include "properties/hunt.hpp"
#include "properties/replay_file.hpp"
#include "properties/timeline.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

namespace {

using namespace cascadelab::properties;

struct HuntArgs {
    bool list = false;
    std::string property;
    std::string scenario;
    int cases = 100;
    std::uint64_t seed = 1;
    int max_size = 100;
    std::string out;
    std::string reproduce;
    double background = 400.0;
    double around_ms = 1000.0;
};

void write_file(const std::string& path, const std::string& text, const char* option) {
    std::ofstream f(path, std::ios::binary);
    if (!f || !(f << text)) throw BadInput(fmt::format("{} {}: cannot write the file", option, path));
}

// The same report for a hunt's result and for a replay: verdict, schedule, timeline.
void print_verdict(const std::string& property, const Schedule& schedule, const std::optional<Violation>& v) {
    fmt::print("property:  {}\n", property);
    fmt::print("schedule:  {}\n", describe(schedule));
    fmt::print("verdict:   {}\n", v ? "VIOLATED — " + describe(*v) : std::string{"holds"});
}

void run_hunt(const HuntArgs& a, int& result) {
    if (a.list) {
        for (const PropertyInfo& p : property_catalog()) fmt::print("{:<15} {}\n", p.name, p.summary);
        result = kExitOk;
        return;
    }
    if (a.property.empty()) throw BadInput("--property is required (cascadelab hunt --list names them)");
    if (a.scenario.empty()) throw BadInput("--scenario is required (a preset such as rpc-naive, or a file)");
    if (!find_property(a.property))
        throw BadInput(fmt::format("--property {}: no such property (cascadelab hunt --list names them)", a.property));
    if (a.cases < 1) throw BadInput(fmt::format("--cases {}: must be at least 1", a.cases));
    if (a.max_size < 1) throw BadInput(fmt::format("--max-size {}: must be at least 1", a.max_size));
    if (!(a.background > 0.0)) throw BadInput(fmt::format("--background {}: must be positive", a.background));
    if (!(a.around_ms > 0.0)) throw BadInput(fmt::format("--around {}: must be positive", a.around_ms));
    std::vector<Scenario> scenarios = scenarios_from_args({a.scenario}, std::nullopt);
    if (scenarios.size() != 1)
        throw BadInput(fmt::format("--scenario {}: holds {} scenarios ({}, ...): name one, e.g. {}", a.scenario,
                                   scenarios.size(), scenarios.front().name, scenarios.front().name));
    HuntSetup setup;
    setup.scenario = scenarios.front();
    setup.background_rate_per_s = a.background;

    HuntOptions options;
    options.cases = a.cases;
    options.seed = a.seed;
    options.max_size = a.max_size;
    options.reproduce = a.reproduce;
    const auto started = std::chrono::steady_clock::now();
    options.progress = [&](int cases, int shrinks) {
        if (shrinks == 0) std::fprintf(stderr, "\rhunt: %s on %s: case %d of %d", a.property.c_str(),
                                       setup.scenario.name.c_str(), cases, a.cases);
        else std::fprintf(stderr, "\rhunt: %s on %s: shrinking, %d steps   ", a.property.c_str(),
                          setup.scenario.name.c_str(), shrinks);
    };
    HuntResult r;
    try {
        r = hunt(a.property, setup, options);
    } catch (const ConfigError& e) {
        std::fputs("\n", stderr);
        throw BadInput(e.what());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // Wall time goes to stderr with the progress: stdout is a pure function of the arguments.
    std::fprintf(stderr, "\nhunt: %d simulations in %.2f s\n", r.runs, seconds);

    if (!r.found) {
        fmt::print("hunt: {} held on {} for {} cases (RapidCheck seed {})\n", a.property, setup.scenario.name,
                   r.cases, a.seed);
        result = kExitOk;
        return;
    }
    fmt::print("hunt: {} VIOLATED on {} after {} case{}; shrunk in {} steps ({} simulations)\n", a.property,
               setup.scenario.name, r.cases, r.cases == 1 ? "" : "s", r.shrinks, r.runs);
    fmt::print("first failing schedule:  {}\n", describe(r.first));
    fmt::print("minimal schedule:        {}\n\n", describe(r.minimal));
    print_verdict(a.property, r.minimal, r.violation);
    fmt::print("\n{}", record_run(a.property, setup, r.minimal, r.violation,
                                  Duration::micros(static_cast<std::int64_t>(a.around_ms * 1e3))).timeline);

    const std::string out = a.out.empty() ? fmt::format("{}.{}.replay.json", setup.scenario.name, a.property) : a.out;
    write_file(out, write_replay(ReplayFile{a.property, setup, r.minimal, r.violation, a.seed, r.reproduce}), "--out");
    fmt::print("\nreplay file: {}  (cascadelab replay {})\n", out, out);
    fmt::print("RapidCheck:  seed {}, reproduce \"{}\"\n", a.seed, r.reproduce);
    result = kExitFound;
}

struct ReplayArgs {
    std::string file;
    std::string chrome_trace;
    double around_ms = 1000.0;
};

void run_replay(const ReplayArgs& a, int& result) {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) throw BadInput(fmt::format("{}: cannot read the replay file", a.file));
    std::ostringstream text;
    text << in.rdbuf();
    ReplayFile r;
    try {
        r = read_replay(text.str());
    } catch (const ConfigError& e) {
        throw BadInput(fmt::format("{}: {}", a.file, e.what()));
    }
    const PropertyInfo* info = find_property(r.property);
    if (!info || !applies(*info, r.setup.scenario.architecture))
        throw BadInput(fmt::format("{}: property = \"{}\": no such property for this architecture", a.file, r.property));
    if (!(a.around_ms > 0.0)) throw BadInput(fmt::format("--around {}: must be positive", a.around_ms));

    const HealthyLevel healthy = r.property == "recovery" ? measure_healthy(r.setup) : HealthyLevel{};
    const std::optional<Violation> v = check(r.property, r.setup, r.schedule, healthy);
    fmt::print("replay: {} on {}\n", a.file, r.setup.scenario.name);
    print_verdict(r.property, r.schedule, v);
    if (v.has_value() != r.violation.has_value())
        fmt::print("note:      the file recorded \"{}\"; this build says otherwise\n",
                   r.violation ? describe(*r.violation) : std::string{"holds"});
    const RecordedRun run = record_run(r.property, r.setup, r.schedule, v,
                                       Duration::micros(static_cast<std::int64_t>(a.around_ms * 1e3)));
    fmt::print("\n{}", run.timeline);
    if (!a.chrome_trace.empty()) {
        write_file(a.chrome_trace, run.chrome_trace, "--chrome-trace");
        fmt::print("\nChrome trace: {} (open in https://ui.perfetto.dev or chrome://tracing)\n", a.chrome_trace);
    }
    result = v ? kExitFound : kExitOk;
}

}  // namespace

void add_hunt_command(CLI::App& app, int& result) {
    auto a = std::make_shared<HuntArgs>();
    CLI::App* cmd = app.add_subcommand(
        "hunt", "Search for a traffic/fault schedule that breaks a property, shrink it, print its timeline, write a "
                "replay file. Exit 0: none found; 1: found; 2: bad input.");
    cmd->add_flag("--list", a->list, "Name every property with one line of what it checks");
    cmd->add_option("--property", a->property, "The property to break (see --list)")->type_name("NAME");
    cmd->add_option("--scenario", a->scenario, "The configuration under test: a preset (e.g. rpc-naive) or a file")
        ->type_name("PRESET|FILE");
    cmd->add_option("--cases", a->cases, "Schedules to try before deciding nothing is there (default 100)")->type_name("N");
    cmd->add_option("--seed", a->seed, "RapidCheck's seed (default 1)")->type_name("N");
    cmd->add_option("--max-size", a->max_size, "RapidCheck's size bound (default 100)")->type_name("N");
    cmd->add_option("--background", a->background, "Background traffic in requests per second (default 400)")
        ->type_name("RATE");
    cmd->add_option("--around", a->around_ms, "Milliseconds of the run to show either side of the violation (1000)")
        ->type_name("MS");
    cmd->add_option("--reproduce", a->reproduce, "Re-derive the case of an earlier hunt from its reproduce string")
        ->type_name("STRING");
    cmd->add_option("--out", a->out, "The replay file (default <scenario>.<property>.replay.json)")->type_name("FILE");
    cmd->callback([a, &result] { run_hunt(*a, result); });
}

void add_replay_command(CLI::App& app, int& result) {
    auto a = std::make_shared<ReplayArgs>();
    CLI::App* cmd = app.add_subcommand("replay", "Re-run a replay file from hunt: the same timeline and verdict "
                                                 "(exit 1 when the property is violated)");
    cmd->add_option("file", a->file, "The replay file")->required()->type_name("FILE");
    cmd->add_option("--chrome-trace", a->chrome_trace, "Also write the run as Chrome trace-event JSON (Perfetto)")
        ->type_name("OUT.json");
    cmd->add_option("--around", a->around_ms, "Milliseconds of the run to show either side of the violation (1000)")
        ->type_name("MS");
    cmd->callback([a, &result] { run_replay(*a, result); });
}

}  // namespace cascadelab::cli
