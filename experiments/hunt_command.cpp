#include "experiments/hunt_command.hpp"

#include <chrono>  // std::chrono::steady_clock (progress and timing only, never the model)
#include <cstdio>  // std::fprintf
#include <memory>  // std::make_shared
#include <string>  // std::string

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "experiments/option_values.hpp"
#include "experiments/output_files.hpp"
#include "experiments/progress.hpp"
#include "experiments/run_budget.hpp"
#include "experiments/scenario_args.hpp"
#include "model/json_input.hpp"
#include "properties/generators.hpp"
#include "properties/hunt.hpp"
#include "properties/replay_file.hpp"
#include "properties/timeline.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

namespace {

using namespace cascadelab::properties;

// --around: how much of the run a timeline shows either side of the violation.
Duration around_from(const std::string& text) {
    return Duration::micros_rounded(parse_number("--around", text, 0, 1e9, /*lo_open=*/true) * 1e3);
}

struct HuntArgs {
    bool list = false;
    std::string property;
    std::string scenario;
    std::string cases = "100";
    std::string seed = "1";
    std::string max_size = "100";
    std::optional<std::string> out;
    std::optional<std::string> reproduce;
    std::string background = "400";
    std::string around = "1000";
    BudgetArgs budget;
};

struct HuntPlan {
    std::string property;
    HuntSetup setup;
    HuntOptions options;
    Duration around;
    std::string out;
};

HuntPlan validate(const HuntArgs& a) {
    if (a.property.empty()) throw BadInput("--property is required (cascadelab hunt --list names them)");
    if (a.scenario.empty()) throw BadInput("--scenario is required (a preset such as rpc-naive, or a file)");
    check_one_line("--property", a.property, 100);
    const PropertyInfo* info = find_property(a.property);
    if (!info) throw BadInput(fmt::format("--property {}: no such property (cascadelab hunt --list names them)", a.property));
    HuntPlan p;
    p.property = a.property;
    p.options.cases = static_cast<int>(parse_whole("--cases", a.cases, 1, 1'000'000));
    p.options.seed = parse_whole("--seed", a.seed, 0, UINT64_MAX);
    // RapidCheck's size scales list lengths and ranges; past a few hundred nothing grows.
    p.options.max_size = static_cast<int>(parse_whole("--max-size", a.max_size, 1, 10'000));
    p.setup.background_rate_per_s =
        parse_number("--background", a.background, 0, kMaxBackgroundRate, /*lo_open=*/true);
    p.around = around_from(a.around);
    if (const std::string* reproduce = given("--reproduce", a.reproduce)) {
        check_one_line("--reproduce", *reproduce, 4096);
        if (!is_reproduce_string(*reproduce))
            throw BadInput(fmt::format("--reproduce {}: is not a RapidCheck reproduce string (hunt prints one)",
                                       reproduce->substr(0, 60)));
        p.options.reproduce = *reproduce;
    }
    p.setup.scenario = one_scenario_from_arg(a.scenario);
    if (!applies(*info, p.setup.scenario.architecture))
        throw BadInput(fmt::format("--property = {}: does not apply to the {} architecture", a.property,
                                   name(p.setup.scenario.architecture)));
    try {
        p.setup.validate();
    } catch (const ConfigError& e) {
        throw BadInput(e.what());
    }
    p.setup.budget = budget_from(a.budget);
    // The largest schedule the hunt can draw, once per case (shrinking adds more).
    const std::uint64_t bursts = std::uint64_t{gen::kMaxBursts} * p.setup.max_burst_size;
    const ResourceEstimate e = estimate_hunt_run(p.setup, bursts);
    check_fits(p.setup.scenario, e, p.setup.budget, static_cast<std::uint64_t>(p.options.cases),
               fmt::format("hunt: {} cases of up to {} requests each (--background {}, {} bursts of {})", p.options.cases,
                           e.requests, a.background, gen::kMaxBursts, p.setup.max_burst_size));
    // The replay file: --out, or a name made from the scenario's (a label, never a path) in the
    // current folder.
    const std::string* out = given("--out", a.out);
    p.out = out ? *out : fmt::format("{}.{}.replay.json", file_name_from_label(p.setup.scenario.name), a.property);
    check_output_file("--out", p.out, input_files({a.scenario}));
    return p;
}

// The same report for a hunt's result and for a replay: verdict, schedule, timeline.
void print_verdict(const std::string& property, const Schedule& schedule, const std::optional<Violation>& v) {
    fmt::print("property:  {}\n", property);
    fmt::print("schedule:  {}\n", describe(schedule));
    fmt::print("verdict:   {}\n", v ? "VIOLATED — " + describe(*v) : std::string{"holds"});
}

int execute(HuntPlan p) {
    const auto started = std::chrono::steady_clock::now();
    {
        ProgressLine progress("hunt");
        int cases_done = 0;
        p.setup.run_progress = [&](const RunProgress& r) {
            progress.update(static_cast<double>(cases_done) / p.options.cases,
                            fmt::format("{} on {}: case {} of {}, {}", p.property, p.setup.scenario.name, cases_done + 1,
                                        p.options.cases, describe_progress(r)));
        };
        p.options.progress = [&](int cases, int shrinks) {
            cases_done = cases;
            if (shrinks == 0)
                progress.update(static_cast<double>(cases) / p.options.cases,
                                fmt::format("{} on {}: case {} of {}", p.property, p.setup.scenario.name, cases, p.options.cases));
            else
                progress.update(-1, fmt::format("{} on {}: shrinking, {} steps", p.property, p.setup.scenario.name, shrinks));
        };
        const HuntResult r = hunt(p.property, p.setup, p.options);
        p.options.progress = nullptr;
        p.setup.run_progress = nullptr;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // Wall time goes to stderr: stdout is a pure function of the arguments.
        std::fprintf(stderr, "%shunt: %d simulations in %.2f s\n", progress.shown() ? "\n" : "", r.runs, seconds);
        if (!r.found) {
            fmt::print("hunt: {} held on {} for {} cases (RapidCheck seed {})\n", p.property, p.setup.scenario.name,
                       r.cases, p.options.seed);
            return kExitOk;
        }
        fmt::print("hunt: {} VIOLATED on {} after {} case{}; shrunk in {} steps ({} simulations)\n", p.property,
                   p.setup.scenario.name, r.cases, r.cases == 1 ? "" : "s", r.shrinks, r.runs);
        fmt::print("first failing schedule:  {}\n", describe(r.first));
        fmt::print("minimal schedule:        {}\n\n", describe(r.minimal));
        print_verdict(p.property, r.minimal, r.violation);
        fmt::print("\n{}", record_run(p.property, p.setup, r.minimal, r.violation, p.around).timeline);
        write_atomically("--out", p.out,
                         write_replay(ReplayFile{p.property, p.setup, r.minimal, r.violation, p.options.seed, r.reproduce}));
        fmt::print("\nreplay file: {}  (cascadelab replay {})\n", p.out, p.out);
        fmt::print("RapidCheck:  seed {}, reproduce \"{}\"\n", p.options.seed, r.reproduce);
        return kExitFound;
    }
}

struct ReplayArgs {
    std::string file;
    std::optional<std::string> chrome_trace;
    std::string around = "1000";
    BudgetArgs budget;
};

struct ReplayPlan {
    std::string file;
    ReplayFile replay;
    std::string chrome_trace;
    Duration around;
};

ReplayPlan validate(const ReplayArgs& a) {
    if (a.file.empty()) throw BadInput("replay: the file must not be empty");
    ReplayPlan p;
    p.file = a.file;
    p.around = around_from(a.around);
    const std::string text = read_input_file(a.file);
    try {
        p.replay = read_replay(text);
    } catch (const ConfigError& e) {
        throw BadInput(fmt::format("{}: {}", a.file, e.what()));
    }
    const PropertyInfo* info = find_property(p.replay.property);
    if (!info || !applies(*info, p.replay.setup.scenario.architecture))
        throw BadInput(fmt::format("{}: property = \"{}\": no such property for this architecture", a.file, p.replay.property));
    p.replay.setup.budget = budget_from(a.budget);
    // The run and its recording: two runs of the background and the schedule's bursts.
    check_fits(p.replay.setup.scenario, estimate_hunt_run(p.replay.setup, p.replay.schedule.burst_requests()),
               p.replay.setup.budget, 2, fmt::format("replay {}", a.file));
    if (const std::string* trace = given("--chrome-trace", a.chrome_trace)) {
        check_output_file("--chrome-trace", *trace, {a.file});
        p.chrome_trace = *trace;
    }
    return p;
}

int execute(const ReplayPlan& plan) {
    ReplayPlan p = plan;
    ProgressLine progress("replay");
    p.replay.setup.run_progress = [&](const RunProgress& run) { progress.update(virtual_share(run), describe_progress(run)); };
    const ReplayFile& r = p.replay;
    const HealthyLevel healthy = r.property == "recovery" ? measure_healthy(r.setup) : HealthyLevel{};
    const std::optional<Violation> v = check(r.property, r.setup, r.schedule, healthy);
    fmt::print("replay: {} on {}\n", p.file, r.setup.scenario.name);
    print_verdict(r.property, r.schedule, v);
    if (v.has_value() != r.violation.has_value())
        fmt::print("note:      the file recorded \"{}\"; this build says otherwise\n",
                   r.violation ? describe(*r.violation) : std::string{"holds"});
    const RecordedRun run = record_run(r.property, r.setup, r.schedule, v, p.around);
    fmt::print("\n{}", run.timeline);
    if (!p.chrome_trace.empty()) {
        write_atomically("--chrome-trace", p.chrome_trace, run.chrome_trace);
        fmt::print("\nChrome trace: {} (open in https://ui.perfetto.dev or chrome://tracing)\n", p.chrome_trace);
    }
    return v ? kExitFound : kExitOk;
}

}  // namespace

void add_hunt_command(CLI::App& app, PendingAction& pending) {
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
    cmd->add_option("--max-size", a->max_size, "RapidCheck's size bound, 1 to 10000 (default 100)")->type_name("N");
    cmd->add_option("--background", a->background, "Background traffic in requests per second (default 400)")
        ->type_name("RATE");
    cmd->add_option("--around", a->around, "Milliseconds of the run to show either side of the violation (1000)")
        ->type_name("MS");
    cmd->add_option("--reproduce", a->reproduce, "Re-derive the case of an earlier hunt from its reproduce string")
        ->type_name("STRING");
    cmd->add_option("--out", a->out,
                    "The replay file (default <scenario>.<property>.replay.json in this folder, the name made safe)")
        ->type_name("FILE");
    add_budget_options(cmd, a->budget);
    cmd->callback([a, &pending] {
        if (a->list) {
            pending.action = [] {
                for (const PropertyInfo& p : property_catalog()) fmt::print("{:<15} {}\n", p.name, p.summary);
                return kExitOk;
            };
            return;
        }
        HuntPlan plan = validate(*a);
        pending.action = [plan] { return execute(plan); };
    });
}

void add_replay_command(CLI::App& app, PendingAction& pending) {
    auto a = std::make_shared<ReplayArgs>();
    CLI::App* cmd = app.add_subcommand("replay", "Re-run a replay file from hunt: the same timeline and verdict "
                                                 "(exit 1 when the property is violated)");
    cmd->add_option("file", a->file, "The replay file")->required()->type_name("FILE");
    cmd->add_option("--chrome-trace", a->chrome_trace, "Also write the run as Chrome trace-event JSON (Perfetto)")
        ->type_name("OUT.json");
    cmd->add_option("--around", a->around, "Milliseconds of the run to show either side of the violation (1000)")
        ->type_name("MS");
    add_budget_options(cmd, a->budget);
    cmd->callback([a, &pending] {
        ReplayPlan plan = validate(*a);
        pending.action = [plan] { return execute(plan); };
    });
}

}  // namespace cascadelab::cli
