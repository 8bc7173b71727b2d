#include "experiments/scenario_command.hpp"

#include <cstdio>  // std::fputs
#include <memory>  // std::make_shared
#include <string>  // std::string

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "experiments/scenario_args.hpp"
#include "model/presets.hpp"
#include "model/scenario_json.hpp"

namespace cascadelab::cli {

void add_scenario_command(CLI::App& app, int& result) {
    CLI::App* cmd = app.add_subcommand("scenario", "List the preset scenarios, or print one as a JSON file");
    cmd->require_subcommand(1);

    CLI::App* list = cmd->add_subcommand("list", "Name every preset with one line of what it runs");
    list->callback([&result] {
        for (const PresetInfo& p : preset_catalog()) fmt::print("{:<12} {}\n", p.name, p.summary);
        result = kExitOk;
    });

    auto target = std::make_shared<std::string>();
    CLI::App* show = cmd->add_subcommand("show", "Print a preset or a scenario file in full, as JSON");
    show->add_option("scenario", *target, "A preset name or a scenario file")->required()->type_name("PRESET|FILE");
    show->callback([target, &result] {
        const auto scenarios = scenarios_from_args({*target}, std::nullopt);
        if (scenarios.size() == 1) {
            std::fputs(scenario_to_json(scenarios.front()).c_str(), stdout);
        } else {
            // Several scenarios (a preset comparing both architectures): a JSON array.
            std::string out = "[\n";
            for (std::size_t i = 0; i < scenarios.size(); ++i) {
                std::string one = scenario_to_json(scenarios[i]);
                one.pop_back();  // the trailing newline
                out += one + (i + 1 < scenarios.size() ? ",\n" : "\n");
            }
            out += "]\n";
            std::fputs(out.c_str(), stdout);
        }
        result = kExitOk;
    });
}

}  // namespace cascadelab::cli
