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

namespace {

// One scenario as its JSON file; several (a preset comparing both architectures) as an array.
std::string as_json(const std::vector<Scenario>& scenarios) {
    if (scenarios.size() == 1) return scenario_to_json(scenarios.front());
    std::string out = "[\n";
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        std::string one = scenario_to_json(scenarios[i]);
        one.pop_back();  // the trailing newline
        out += one + (i + 1 < scenarios.size() ? ",\n" : "\n");
    }
    return out + "]\n";
}

}  // namespace

void add_scenario_command(CLI::App& app, PendingAction& pending) {
    CLI::App* cmd = app.add_subcommand("scenario", "List the preset scenarios, or print one as a JSON file");
    cmd->require_subcommand(0, 1);
    // Alone, it says what it can do (CLI11's own message names no subcommand).
    cmd->callback([cmd] {
        if (cmd->get_subcommands().empty())
            throw BadInput("scenario: name what to do: `scenario list` (the presets) or `scenario show PRESET|FILE`");
    });

    CLI::App* list = cmd->add_subcommand("list", "Name every preset with one line of what it runs");
    list->callback([&pending] {
        pending.action = [] {
            for (const PresetInfo& p : preset_catalog()) fmt::print("{:<12} {}\n", p.name, p.summary);
            return kExitOk;
        };
    });

    auto target = std::make_shared<std::string>();
    CLI::App* show = cmd->add_subcommand("show", "Print a preset or a scenario file in full, as JSON");
    show->add_option("scenario", *target, "A preset name or a scenario file")->required()->type_name("PRESET|FILE");
    show->callback([target, &pending] {
        const std::string text = as_json(scenarios_from_args({*target}, std::nullopt));
        pending.action = [text] {
            std::fputs(text.c_str(), stdout);
            return kExitOk;
        };
    });
}

}  // namespace cascadelab::cli
