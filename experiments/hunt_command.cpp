#include "experiments/hunt_command.hpp"

#include <algorithm>  // std::sort
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
#include "properties/boundary.hpp"
#include "properties/hunt.hpp"
#include "properties/replay_file.hpp"
#include "properties/seed_verdict.hpp"
#include "properties/statistical_check.hpp"
#include "properties/statistics.hpp"
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
    bool list_knobs = false;
    std::string property;
    std::string scenario;
    std::string cases = "100";
    std::string seed = "1";
    std::string max_size = "100";
    std::optional<std::string> out;
    std::optional<std::string> reproduce;
    std::string background = "400";
    std::string around = "1000";
    // Verdicts over seeds (properties/statistics.hpp).
    std::string confidence = "0.9";
    std::string indifference = "0.05";
    std::string alpha = "0.05";
    std::string beta = "0.05";
    std::string max_seeds = "200";
    std::string seeds = "20";
    std::string threads = "0";
    bool fragile = false;
    bool report_fragile = false;
    bool vary_config = false;
    bool check = false;
    std::string epsilon = "0.01";
    std::string delta = "0.05";
    bool boundary = false;
    std::string trigger = "burst";
    std::string spike_ms = "100";
    BudgetArgs budget;
};

struct HuntPlan {
    std::string property;
    HuntSetup setup;
    HuntOptions options;
    Duration around;
    std::string out;
    bool report_fragile = false;
    std::optional<CheckOptions> check;  // hunt --check: a statistical statement instead of a search
    std::optional<BoundaryOptions> boundary;  // hunt --boundary: where P(violation) crosses one half
};

// --confidence, --indifference, --alpha, --beta, --max-seeds, --seeds, --threads, --fragile.
void read_seed_options(const HuntArgs& a, HuntPlan& p) {
    SprtOptions t;
    t.threshold = parse_number("--confidence", a.confidence, 0, 1, /*lo_open=*/true);
    t.indifference = parse_number("--indifference", a.indifference, 0, 1, /*lo_open=*/true);
    t.alpha = parse_number("--alpha", a.alpha, 0, 1, /*lo_open=*/true);
    t.beta = parse_number("--beta", a.beta, 0, 1, /*lo_open=*/true);
    t.max_runs = parse_whole("--max-seeds", a.max_seeds, 1, 100'000);
    try {
        t.validate();
    } catch (const ConfigError& e) {
        throw BadInput(e.what());
    }
    if (a.fragile && a.report_fragile) throw BadInput("--fragile and --report-fragile: give one (--fragile already shrinks by one seed)");
    p.options.robust = a.fragile ? std::nullopt : std::optional{t};
    p.options.estimate_seeds = parse_whole("--seeds", a.seeds, 1, 100'000);
    p.options.threads = static_cast<unsigned>(parse_whole("--threads", a.threads, 0, 1024));
    p.report_fragile = a.report_fragile;
    if (a.check) {
        CheckOptions c;
        c.epsilon = parse_number("--epsilon", a.epsilon, 1e-4, 1, /*lo_open=*/false);
        c.delta = parse_number("--delta", a.delta, 1e-9, 1, /*lo_open=*/false);
        try {
            c.validate();
        } catch (const ConfigError& e) {
            throw BadInput(e.what());
        }
        c.rapidcheck_seed = p.options.seed;
        c.max_size = p.options.max_size;
        c.threads = p.options.threads;
        p.check = c;
    }
    if (a.boundary) {
        if (a.check) throw BadInput("--check and --boundary: give one");
        BoundaryOptions b;
        if (a.trigger == "burst") b.family = TriggerFamily::Burst;
        else if (a.trigger == "outage") b.family = TriggerFamily::Outage;
        else if (a.trigger == "spike") b.family = TriggerFamily::Spike;
        else throw BadInput(fmt::format("--trigger {}: must be burst, outage or spike", a.trigger.substr(0, 60)));
        b.spike_length = Duration::micros_rounded(parse_number("--spike-ms", a.spike_ms, 0, 1e6, /*lo_open=*/true) * 1e3);
        b.seeds = p.options.estimate_seeds;
        b.threads = p.options.threads;
        p.boundary = b;
    }
}

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
    p.setup.vary_config = a.vary_config;
    p.around = around_from(a.around);
    read_seed_options(a, p);
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
    const std::uint64_t cases = p.check ? zero_failure_runs(p.check->epsilon, p.check->delta)
                                        : static_cast<std::uint64_t>(p.options.cases);
    check_fits(p.setup.scenario, e, p.setup.budget, cases,
               fmt::format("hunt: {} cases of up to {} requests each (--background {}, {} bursts of {})", cases,
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

// "counted as failing when Wald's test says P(violation) ≥ 0.9 (± 0.05, α = β = 0.05, ≤ 200 seeds)".
std::string describe_test(const std::optional<SprtOptions>& t) {
    if (!t) return "counted as failing when it breaks the property under the scenario's seed (--fragile)";
    return fmt::format("counted as failing when Wald's test says P(violation) ≥ {:g} (± {:g}, α = {:g}, β = {:g}, at most "
                       "{} seeds)",
                       t->threshold, t->indifference, t->alpha, t->beta, t->max_runs);
}

std::string describe_seeds(const SeedEstimate& e) {
    return fmt::format("{}, seeds {}–{}", describe_estimate(e.violations, e.runs), e.first_seed, e.first_seed + e.runs - 1);
}

void print_found(const HuntPlan& p, const HuntResult& r) {
    fmt::print("hunt: {} VIOLATED on {} after {} case{}; shrunk in {} steps ({} simulations)\n", p.property,
               p.setup.scenario.name, r.cases, r.cases == 1 ? "" : "s", r.shrinks, r.runs);
    fmt::print("first failing schedule:  {}\n", describe(r.first));
    fmt::print("minimal schedule:        {}\n", describe(r.minimal));
    fmt::print("P(violation):            {}\n", describe_seeds(r.estimate));
    fmt::print("while shrinking:         {}\n", describe_test(p.options.robust));
}

// The smallest schedule that breaks the property under the scenario's seed alone, and how rarely
// it does: what a one-seed hunt would have reported.
void print_fragile(HuntPlan p) {
    p.options.robust = std::nullopt;
    p.options.progress = nullptr;
    const HuntResult f = hunt(p.property, p.setup, p.options);
    if (!f.found) {
        fmt::print("knife-edge minimum:      none (no case broke the property under seed {})\n", p.setup.scenario.seed);
        return;
    }
    fmt::print("knife-edge minimum:      {}\n", describe(f.minimal));
    fmt::print("P(violation):            {}\n", describe_seeds(f.estimate));
}

int execute(HuntPlan p) {
    const auto started = std::chrono::steady_clock::now();
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
    std::fprintf(stderr, "%shunt: %llu simulations in %.2f s\n", progress.shown() ? "\n" : "",
                 static_cast<unsigned long long>(r.runs), seconds);
    if (!r.found) {
        fmt::print("hunt: {} held on {} for {} cases (RapidCheck seed {}; {})\n", p.property, p.setup.scenario.name,
                   r.cases, p.options.seed, describe_test(p.options.robust));
        if (p.report_fragile) print_fragile(p);
        return kExitOk;
    }
    print_found(p, r);
    if (p.report_fragile) print_fragile(p);
    fmt::print("\n");
    print_verdict(p.property, r.minimal, r.violation);
    fmt::print("\n{}", record_run(p.property, p.setup, r.minimal, r.violation, p.around).timeline);
    write_atomically("--out", p.out,
                     write_replay(ReplayFile{p.property, p.setup, r.minimal, r.violation, p.options.seed, r.reproduce,
                                             r.estimate, p.options.robust}));
    fmt::print("\nreplay file: {}  (cascadelab replay {})\n", p.out, p.out);
    fmt::print("RapidCheck:  seed {}, reproduce \"{}\"\n", p.options.seed, r.reproduce);
    return kExitFound;
}

// Wall time goes to stderr: stdout is a pure function of the arguments.
void report_wall_time(const char* what, std::uint64_t simulations, std::chrono::steady_clock::time_point started) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "%s: %llu simulations in %.2f s\n", what, static_cast<unsigned long long>(simulations), seconds);
}

// "one burst of N requests at t = 0".
std::string describe_family(const BoundaryOptions& b) {
    switch (b.family) {
        case TriggerFamily::Burst: return "one burst of N requests at t = 0";
        case TriggerFamily::Outage: return "one outage of N ms at t = 0";
        case TriggerFamily::Spike: return fmt::format("one latency spike of factor N for {} at t = 0", to_string(b.spike_length));
    }
    return "?";
}

// hunt --boundary: the size at which P(violation) crosses one half, and the band around it.
int execute_boundary(const HuntPlan& p) {
    const auto started = std::chrono::steady_clock::now();
    const BoundaryOptions& b = *p.boundary;
    const BoundaryResult r = find_boundary(p.property, p.setup, b);
    report_wall_time("hunt --boundary", r.simulations, started);
    const std::uint64_t first = p.setup.scenario.seed;
    fmt::print("boundary: {} on {}, trigger {}, N in [{}, {}], {} seeds per N ({}–{})\n", p.property,
               p.setup.scenario.name, describe_family(b), r.lowest, r.highest, b.seeds, first, first + b.seeds - 1);
    if (!r.found) {
        fmt::print("P(violation) stays under 0.5 up to N = {}\n", r.highest);
        return kExitOk;
    }
    fmt::print("P(violation) reaches 0.5 at N = {}\n", r.crossing);
    fmt::print("95 % band: under 0.5 up to N = {}, over 0.5 from N = {}\n",
               r.surely_below >= r.lowest ? fmt::format("{}", r.surely_below) : std::string{"— (not even at the lowest)"},
               r.surely_above ? fmt::format("{}", r.surely_above) : std::string{"— (not within range)"});
    std::vector<BoundaryPoint> points = r.points;
    std::sort(points.begin(), points.end(), [](const auto& x, const auto& y) { return x.size < y.size; });
    fmt::print("\n{:>8}  P(violation)\n", "N");
    for (const BoundaryPoint& pt : points)
        fmt::print("{:>8}  {}\n", pt.size, describe_estimate(pt.estimate.violations, pt.estimate.runs));
    return kExitFound;
}

// hunt --check: the ε/δ statement, or the first violating sample as a replay file.
int execute_check(HuntPlan p) {
    const auto started = std::chrono::steady_clock::now();
    const CheckOptions& c = *p.check;
    const CheckResult r = check_statistically(p.property, p.setup, c);
    report_wall_time("hunt --check", r.simulations, started);
    const std::uint64_t first = p.setup.scenario.seed;
    fmt::print("check: {} on {}, schedules from the hunt's generator (RapidCheck seed {}), seeds {}–{}\n", p.property,
               p.setup.scenario.name, c.rapidcheck_seed, first, first + r.runs - 1);
    fmt::print("runs: {}, violations: {}; P(violation) ≤ {:.4f} with confidence {:g} (Clopper–Pearson)\n", r.runs,
               r.violations, r.upper_bound, 1 - c.delta);
    if (r.holds(c.epsilon)) {
        fmt::print("HOLDS: P(violation) ≤ {:g} with confidence {:g}\n", c.epsilon, 1 - c.delta);
        return kExitOk;
    }
    const CheckCounterexample& x = *r.counterexample;
    fmt::print("NOT SHOWN: a violation at seed {}\n\n", x.seed);
    HuntSetup at = p.setup;
    at.scenario.seed = x.seed;
    SeedEvaluator seeds(p.property, at, c.threads);
    const SeedEstimate e = seeds.estimate(x.schedule, x.seed, p.options.estimate_seeds);
    print_verdict(p.property, x.schedule, x.violation);
    fmt::print("P(violation): {}\n", describe_seeds(e));
    fmt::print("\n{}", record_run(p.property, at, x.schedule, x.violation, p.around).timeline);
    write_atomically("--out", p.out, write_replay(ReplayFile{p.property, at, x.schedule, x.violation, c.rapidcheck_seed,
                                                              "", e, std::nullopt}));
    fmt::print("\nreplay file: {}  (cascadelab replay {})\n", p.out, p.out);
    return kExitFound;
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
    if (r.estimate) {
        SeedEvaluator seeds(r.property, r.setup, 0);
        const SeedEstimate e = seeds.estimate(r.schedule, r.estimate->first_seed, r.estimate->runs);
        fmt::print("P(violation): {}\n", describe_seeds(e));
        if (e.violations != r.estimate->violations)
            fmt::print("note:      the file recorded {} of {}; this build says otherwise\n", r.estimate->violations,
                       r.estimate->runs);
    }
    const RecordedRun run = record_run(r.property, r.setup, r.schedule, v, p.around);
    fmt::print("\n{}", run.timeline);
    if (!p.chrome_trace.empty()) {
        write_atomically("--chrome-trace", p.chrome_trace, run.chrome_trace);
        fmt::print("\nChrome trace: {} (open in https://ui.perfetto.dev or chrome://tracing)\n", p.chrome_trace);
    }
    return v ? kExitFound : kExitOk;
}

// The verdicts over seeds: the test while shrinking, the estimate, --check and --boundary.
void add_seed_options(CLI::App* cmd, HuntArgs& a) {
    cmd->add_option("--confidence", a.confidence,
                    "A schedule counts as failing when P(violation) ≥ this, by Wald's test over seeds (0.9)")
        ->type_name("P");
    cmd->add_option("--indifference", a.indifference, "Half-width of the test's indifference region (0.05)")
        ->type_name("P");
    cmd->add_option("--alpha", a.alpha, "The test's chance of calling a schedule failing when it is not (0.05)")
        ->type_name("P");
    cmd->add_option("--beta", a.beta, "The test's chance of the reverse (0.05)")->type_name("P");
    cmd->add_option("--max-seeds", a.max_seeds, "Seeds the test may run before the estimate decides (200)")
        ->type_name("N");
    cmd->add_option("--seeds", a.seeds, "Seeds the minimal schedule's P(violation) is estimated over (20)")
        ->type_name("N");
    cmd->add_option("--threads", a.threads, "Seeds run at once; 0 = one per core (results do not depend on it)")
        ->type_name("N");
    cmd->add_flag("--fragile", a.fragile, "Count a schedule as failing when it fails under the scenario's seed alone");
    cmd->add_flag("--report-fragile", a.report_fragile,
                  "Also report the knife-edge minimum: the smallest schedule that fails under the scenario's seed");
    cmd->add_flag("--check", a.check,
                  "Instead of searching, state P(violation) ≤ --epsilon with confidence 1 − --delta, or find a "
                  "counterexample");
    cmd->add_flag("--boundary", a.boundary,
                  "Instead of searching, find the trigger size N at which P(violation) crosses 0.5 (see --trigger)");
    cmd->add_option("--trigger", a.trigger, "With --boundary: burst (N requests), outage (N ms) or spike (factor N)")
        ->type_name("KIND");
    cmd->add_option("--spike-ms", a.spike_ms, "With --boundary --trigger spike: the spike's length (100)")->type_name("MS");
    cmd->add_option("--epsilon", a.epsilon, "With --check: the violation probability to bound (0.01)")->type_name("P");
    cmd->add_option("--delta", a.delta, "With --check: 1 − the confidence (0.05)")->type_name("P");
}

}  // namespace

void add_hunt_command(CLI::App& app, PendingAction& pending) {
    auto a = std::make_shared<HuntArgs>();
    CLI::App* cmd = app.add_subcommand(
        "hunt", "Search for a traffic/fault schedule that breaks a property, shrink it, print its timeline, write a "
                "replay file. Exit 0: none found; 1: found; 2: bad input.");
    cmd->add_flag("--list", a->list, "Name every property with one line of what it checks");
    cmd->add_flag("--list-knobs", a->list_knobs, "Name every configuration knob --vary-config may draw, with its range");
    cmd->add_option("--property", a->property, "The property to break (see --list)")->type_name("NAME");
    cmd->add_option("--scenario", a->scenario, "The configuration under test: a preset (e.g. rpc-naive) or a file")
        ->type_name("PRESET|FILE");
    cmd->add_option("--cases", a->cases, "Schedules to try before deciding nothing is there (default 100)")->type_name("N");
    cmd->add_option("--seed", a->seed, "RapidCheck's seed (default 1)")->type_name("N");
    cmd->add_option("--max-size", a->max_size, "RapidCheck's size bound, 1 to 10000 (default 100)")->type_name("N");
    cmd->add_option("--background", a->background, "Background traffic in requests per second (default 400)")
        ->type_name("RATE");
    cmd->add_flag("--vary-config", a->vary_config,
                  "Also draw configuration knobs the scenario may leave off (capacity, a bounded bulkhead queue, fatal "
                  "errors, pushback, a deadline, slow calls, ...; docs/hunting.md lists them); shrinking drops the ones "
                  "not needed");
    cmd->add_option("--around", a->around, "Milliseconds of the run to show either side of the violation (1000)")
        ->type_name("MS");
    cmd->add_option("--reproduce", a->reproduce, "Re-derive the case of an earlier hunt from its reproduce string")
        ->type_name("STRING");
    cmd->add_option("--out", a->out,
                    "The replay file (default <scenario>.<property>.replay.json in this folder, the name made safe)")
        ->type_name("FILE");
    add_seed_options(cmd, *a);
    add_budget_options(cmd, a->budget);
    cmd->callback([a, &pending] {
        if (a->list) {
            pending.action = [] {
                for (const PropertyInfo& p : property_catalog()) fmt::print("{:<19} {}\n", p.name, p.summary);
                return kExitOk;
            };
            return;
        }
        if (a->list_knobs) {
            pending.action = [] {
                for (const KnobInfo& k : knob_table())
                    fmt::print("{:<23} {:>4} to {:<5} {}\n", k.key, k.lo, k.hi, k.doc);
                return kExitOk;
            };
            return;
        }
        HuntPlan plan = validate(*a);
        pending.action = [plan] {
            if (plan.check) return execute_check(plan);
            if (plan.boundary) return execute_boundary(plan);
            return execute(plan);
        };
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
