#include "experiments/scenario_args.hpp"

#include <stdexcept>  // std::runtime_error

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "model/presets.hpp"
#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

std::vector<Scenario> scenarios_from_args(const std::vector<std::string>& args, std::optional<std::uint64_t> seed) {
    std::vector<std::string> names = args;
    if (names.empty())
        for (const PresetInfo& p : preset_catalog())
            if (p.in_default_compare) names.emplace_back(p.name);
    std::vector<Scenario> out;
    for (const std::string& arg : names) {
        try {
            for (Scenario& s : load_scenarios(arg)) {
                if (seed) s.seed = *seed;
                s.validate();
                out.push_back(std::move(s));
            }
        } catch (const ConfigError& e) {
            throw BadInput(e.what());
        } catch (const std::runtime_error& e) {
            throw BadInput(e.what());
        }
    }
    return out;
}

std::vector<std::filesystem::path> input_files(const std::vector<std::string>& args) {
    std::vector<std::filesystem::path> files;
    for (const std::string& arg : args)
        if (!preset(arg)) files.emplace_back(arg);
    return files;
}

Scenario one_scenario_from_arg(const std::string& arg) {
    if (arg.empty()) throw BadInput("--scenario: must name a preset or a file");
    std::vector<Scenario> s = scenarios_from_args({arg}, std::nullopt);
    if (s.size() != 1)
        throw BadInput(fmt::format("--scenario {}: holds {} scenarios ({}, ...): name one, e.g. {}", arg, s.size(),
                                   s.front().name, s.front().name));
    return std::move(s.front());
}

}  // namespace cascadelab::cli
