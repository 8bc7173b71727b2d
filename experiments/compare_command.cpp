#include "experiments/compare_command.hpp"

#include <cstdio>  // std::fputs
#include <map>     // std::map
#include <memory>  // std::make_shared
#include <string>  // std::string
#include <vector>  // std::vector

#include <fmt/format.h>

#include "experiments/claims.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/option_values.hpp"
#include "experiments/output_files.hpp"
#include "experiments/parallel_runs.hpp"
#include "experiments/progress.hpp"
#include "experiments/report.hpp"
#include "experiments/run_budget.hpp"
#include "experiments/scenario_args.hpp"
#include "experiments/seed_report.hpp"
#include "model/run.hpp"

namespace cascadelab::cli {

namespace {

struct CompareArgs {
    std::vector<std::string> scenarios;
    std::optional<std::string> seed;
    std::string seeds = "1";
    std::optional<std::string> threads;
    ReportFormat format = ReportFormat::Table;
    std::optional<std::string> out;
    BudgetArgs budget;
};

// What compare runs, every argument checked.
struct ComparePlan {
    std::vector<Scenario> scenarios;
    std::size_t seeds = 1;
    unsigned threads = 1;
    ReportFormat format = ReportFormat::Table;
    std::string out;
    ResourceBudget budget;
};

ComparePlan validate(const CompareArgs& a) {
    ComparePlan p;
    std::optional<std::uint64_t> seed;
    if (const std::string* v = given("--seed", a.seed)) seed = parse_whole("--seed", *v, 0, UINT64_MAX);
    p.seeds = parse_whole("--seeds", a.seeds, 1, 100'000);
    p.threads = threads_from(a.threads);
    p.format = a.format;
    p.budget = budget_from(a.budget);
    p.scenarios = scenarios_from_args(a.scenarios, seed);
    for (const Scenario& s : p.scenarios)
        if (s.seed > UINT64_MAX - (p.seeds - 1))
            throw BadInput(fmt::format("--seeds {}: scenario {}'s seed {} plus {} passes 2^64 - 1", p.seeds, s.name, s.seed,
                                       p.seeds - 1));
    const unsigned at_once = p.seeds > 1 ? static_cast<unsigned>(std::min<std::size_t>(p.threads, p.seeds * p.scenarios.size())) : 1;
    check_fits(p.scenarios, p.budget, at_once, p.seeds,
               fmt::format("compare: {} seed{} of {} scenario{}", p.seeds, p.seeds == 1 ? "" : "s", p.scenarios.size(),
                           p.scenarios.size() == 1 ? "" : "s"));
    if (const std::string* out = given("--out", a.out)) {
        check_output_file("--out", *out, input_files(a.scenarios));
        p.out = *out;
    }
    return p;
}

std::string run_seeds(const ComparePlan& p) {
    const std::vector<Scenario>& scenarios = p.scenarios;
    // Seed k of a scenario is its own seed (or --seed) plus k.
    std::vector<Scenario> jobs;
    for (std::size_t k = 0; k < p.seeds; ++k)
        for (Scenario s : scenarios) {
            s.seed += k;
            jobs.push_back(std::move(s));
        }
    // In chunks of seeds, reduced to figures and claim verdicts as they finish: memory stays
    // bounded however many seeds.
    SeedSummary summary(scenarios.size());
    ProgressLine progress("compare");
    RunOptions options;
    options.budget = p.budget;
    options.budget.max_bytes /= std::max(1u, p.threads);  // the runs at once share it
    constexpr std::size_t kChunk = 64;
    for (std::size_t k0 = 0; k0 < p.seeds; k0 += kChunk) {
        const std::size_t k1 = std::min(p.seeds, k0 + kChunk);
        const std::vector<Scenario> chunk(jobs.begin() + static_cast<std::ptrdiff_t>(k0 * scenarios.size()),
                                          jobs.begin() + static_cast<std::ptrdiff_t>(k1 * scenarios.size()));
        const std::vector<RunMetrics> runs = run_all(chunk, p.threads, options, [&](std::size_t done, std::size_t) {
            const std::size_t all = k0 * scenarios.size() + done;
            progress.update(static_cast<double>(all) / static_cast<double>(jobs.size()),
                            fmt::format("{} of {} runs", all, jobs.size()));
        });
        for (std::size_t k = 0; k < k1 - k0; ++k)
            summary.add_seed(std::vector<RunMetrics>(runs.begin() + static_cast<std::ptrdiff_t>(k * scenarios.size()),
                                                     runs.begin() + static_cast<std::ptrdiff_t>((k + 1) * scenarios.size())));
    }
    switch (p.format) {
        case ReportFormat::Table: return summary.table();
        case ReportFormat::Csv: return summary.csv();
        case ReportFormat::Json: return summary.json();
    }
    return "";
}

std::string run_once(const ComparePlan& p) {
    std::vector<RunMetrics> runs;
    runs.reserve(p.scenarios.size());
    ProgressLine progress("compare");
    for (std::size_t i = 0; i < p.scenarios.size(); ++i) {
        const Scenario& s = p.scenarios[i];
        RunOptions options;
        options.budget = p.budget;
        options.progress = [&](const RunProgress& r) {
            progress.update(virtual_share(r), fmt::format("{} ({} of {}): {}", s.name, i + 1, p.scenarios.size(),
                                                          describe_progress(r)));
        };
        runs.push_back(run_scenario(s, options));
    }
    const std::vector<ClaimVerdict> claims = evaluate_claims(runs);
    switch (p.format) {
        case ReportFormat::Table: return render_table(runs, claims);
        case ReportFormat::Csv: return render_csv(runs);
        case ReportFormat::Json: return render_json(runs, claims);
    }
    return "";
}

int execute(const ComparePlan& p) {
    const std::string text = p.seeds > 1 ? run_seeds(p) : run_once(p);
    if (p.out.empty()) std::fputs(text.c_str(), stdout);
    else write_atomically("--out", p.out, text);
    return kExitOk;
}

}  // namespace

void add_compare_command(CLI::App& app, PendingAction& pending) {
    auto a = std::make_shared<CompareArgs>();
    CLI::App* cmd = app.add_subcommand(
        "compare", "Run scenarios and compare them; with no --scenario, every preset (the articles' comparison).");
    cmd->add_option("--scenario", a->scenarios,
                    "A preset (seed, rpc-naive, rpc-safe, event-naive, event-safe, healthy) or a scenario JSON "
                    "file; repeatable")
        ->type_name("PRESET|FILE");
    cmd->add_option("--seed", a->seed, "Run every scenario with this seed instead of its own")->type_name("N");
    cmd->add_option("--seeds", a->seeds,
                    "Run every scenario over N seeds (its seed, +1, ...) and report means with 95 % confidence "
                    "intervals, and how many seeds each claim held on")
        ->type_name("N");
    cmd->add_option("--threads", a->threads, "Threads for --seeds (default: one per core)")->type_name("T");
    const std::map<std::string, ReportFormat> formats{
        {"table", ReportFormat::Table}, {"csv", ReportFormat::Csv}, {"json", ReportFormat::Json}};
    cmd->add_option("--format", a->format, "Output format: table, csv or json")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->default_str("table");
    cmd->add_option("--out", a->out, "Write the output to FILE instead of stdout")->type_name("FILE");
    add_budget_options(cmd, a->budget);
    cmd->callback([a, &pending] {
        const ComparePlan plan = validate(*a);
        pending.action = [plan] { return execute(plan); };
    });
}

}  // namespace cascadelab::cli
