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

}  // namespace cascadelab::cli
