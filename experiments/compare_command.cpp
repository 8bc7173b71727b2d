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
#include "experiments/report.hpp"
#include "experiments/scenario_args.hpp"
#include "model/run.hpp"

namespace cascadelab::cli {

namespace {

struct CompareOptions {
    std::vector<std::string> scenarios;
    std::optional<std::uint64_t> seed;
    ReportFormat format = ReportFormat::Table;
    std::string out;
};

void run_compare(const CompareOptions& o, int& result) {
    std::vector<Scenario> scenarios = scenarios_from_args(o.scenarios, o.seed);
    std::vector<RunMetrics> runs;
    runs.reserve(scenarios.size());
    for (const Scenario& s : scenarios) runs.push_back(run_scenario(s));
    const std::vector<ClaimVerdict> claims = evaluate_claims(runs);

    std::string text;
    switch (o.format) {
        case ReportFormat::Table: text = render_table(runs, claims); break;
        case ReportFormat::Csv: text = render_csv(runs); break;
        case ReportFormat::Json: text = render_json(runs, claims); break;
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
    const std::map<std::string, ReportFormat> formats{
        {"table", ReportFormat::Table}, {"csv", ReportFormat::Csv}, {"json", ReportFormat::Json}};
    cmd->add_option("--format", options->format, "Output format: table, csv or json")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
        ->default_str("table");
    cmd->add_option("--out", options->out, "Write the output to FILE instead of stdout")->type_name("FILE");
    cmd->callback([options, &result] { run_compare(*options, result); });
}

}  // namespace cascadelab::cli
