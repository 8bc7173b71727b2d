#include "experiments/compare_command.hpp"

#include <cstdio>   // std::fputs
#include <fstream>  // std::ofstream
#include <map>      // std::map
#include <memory>   // std::make_shared
#include <string>   // std::string
#include <vector>   // std::vector

#include <fmt/format.h>

#include "experiments/claims.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/parallel_runs.hpp"
#include "experiments/report.hpp"
#include "experiments/seed_report.hpp"
#include "experiments/scenario_args.hpp"
#include "model/run.hpp"

namespace cascadelab::cli {

namespace {

struct CompareOptions {
    std::vector<std::string> scenarios;
    std::optional<std::uint64_t> seed;
    std::size_t seeds = 1;
    unsigned threads = 0;
    ReportFormat format = ReportFormat::Table;
    std::string out;
};

std::string run_seeds(const CompareOptions& o, const std::vector<Scenario>& scenarios) {
    // Seed k of a scenario is its own seed (or --seed) plus k.
    std::vector<Scenario> jobs;
    for (std::size_t k = 0; k < o.seeds; ++k)
        for (Scenario s : scenarios) {
            s.seed += k;
            jobs.push_back(std::move(s));
        }
    // In chunks of seeds, reduced to figures and claim verdicts as they finish: memory stays
    // bounded however many seeds.
    SeedSummary summary(scenarios.size());
    constexpr std::size_t kChunk = 64;
    for (std::size_t k0 = 0; k0 < o.seeds; k0 += kChunk) {
        const std::size_t k1 = std::min(o.seeds, k0 + kChunk);
        const std::vector<Scenario> chunk(jobs.begin() + static_cast<std::ptrdiff_t>(k0 * scenarios.size()),
                                          jobs.begin() + static_cast<std::ptrdiff_t>(k1 * scenarios.size()));
        const std::vector<RunMetrics> runs = run_all(chunk, o.threads, [&](std::size_t done, std::size_t) {
            std::fprintf(stderr, "\rcompare: %zu of %zu runs", k0 * scenarios.size() + done, jobs.size());
        });
        for (std::size_t k = 0; k < k1 - k0; ++k)
            summary.add_seed(std::vector<RunMetrics>(runs.begin() + static_cast<std::ptrdiff_t>(k * scenarios.size()),
                                                     runs.begin() + static_cast<std::ptrdiff_t>((k + 1) * scenarios.size())));
    }
    std::fputs("\n", stderr);
    switch (o.format) {
        case ReportFormat::Table: return summary.table();
        case ReportFormat::Csv: return summary.csv();
        case ReportFormat::Json: return summary.json();
    }
    return "";
}

void run_compare(const CompareOptions& o, int& result) {
    if (o.seeds < 1 || o.seeds > 100'000) throw BadInput(fmt::format("--seeds {}: must be in [1, 100000]", o.seeds));
    std::vector<Scenario> scenarios = scenarios_from_args(o.scenarios, o.seed);
    std::string text;
    if (o.seeds > 1) {
        text = run_seeds(o, scenarios);
    } else {
        std::vector<RunMetrics> runs;
        runs.reserve(scenarios.size());
        for (const Scenario& s : scenarios) runs.push_back(run_scenario(s));
        const std::vector<ClaimVerdict> claims = evaluate_claims(runs);
        switch (o.format) {
            case ReportFormat::Table: text = render_table(runs, claims); break;
            case ReportFormat::Csv: text = render_csv(runs); break;
            case ReportFormat::Json: text = render_json(runs, claims); break;
        }
    }
    if (o.out.empty()) {
        std::fputs(text.c_str(), stdout);
    } else {
        std::ofstream file(o.out, std::ios::binary);
        if (!file || !(file << text)) throw BadInput(fmt::format("--out {}: cannot write the file", o.out));
    }
    result = kExitOk;
}

}  // namespace

void add_compare_command(CLI::App& app, int& result) {
    auto options = std::make_shared<CompareOptions>();
    CLI::App* cmd = app.add_subcommand(
        "compare", "Run scenarios and compare them; with no --scenario, every preset (the articles' comparison).");
    cmd->add_option("--scenario", options->scenarios,
                    "A preset (seed, rpc-naive, rpc-safe, event-naive, event-safe, healthy) or a scenario JSON "
                    "file; repeatable")
        ->type_name("PRESET|FILE");
    cmd->add_option("--seed", options->seed, "Run every scenario with this seed instead of its own")->type_name("N");
    cmd->add_option("--seeds", options->seeds,
                    "Run every scenario over N seeds (its seed, +1, ...) and report means with 95 % confidence "
                    "intervals, and how many seeds each claim held on")
        ->type_name("N");
    cmd->add_option("--threads", options->threads, "Threads for --seeds (default: one per core)")->type_name("T");
    const std::map<std::string, ReportFormat> formats{
        {"table", ReportFormat::Table}, {"csv", ReportFormat::Csv}, {"json", ReportFormat::Json}};
    cmd->add_option("--format", options->format, "Output format: table, csv or json")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->default_str("table");
    cmd->add_option("--out", options->out, "Write the output to FILE instead of stdout")->type_name("FILE");
    cmd->callback([options, &result] { run_compare(*options, result); });
}

}  // namespace cascadelab::cli
