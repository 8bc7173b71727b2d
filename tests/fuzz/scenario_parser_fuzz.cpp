// libFuzzer target: the scenario parser. Any bytes in; the parser must either return scenarios
// or throw ConfigError (one line) — never crash, hang, leak or throw anything else. A scenario it
// accepts must round-trip: its JSON read back is the same scenario, and its resource estimate is
// finite where the scenario bounds it.
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t
#include <cstdio>   // std::fprintf
#include <cstdlib>  // std::abort
#include <string_view>

#include "model/resource_estimate.hpp"
#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<cascadelab::Scenario> scenarios;
    try {
        scenarios = cascadelab::scenarios_from_json(text);
    } catch (const cascadelab::ConfigError&) {
        return 0;  // rejected with a message: the contract
    }
    for (const cascadelab::Scenario& s : scenarios) {
        const std::string once = cascadelab::scenario_to_json(s);
        const std::string twice = cascadelab::scenario_to_json(cascadelab::scenarios_from_json(once).front());
        if (once != twice) {
            std::fprintf(stderr, "round trip changed the scenario:\n%s\nvs\n%s\n", once.c_str(), twice.c_str());
            std::abort();
        }
        (void)cascadelab::estimate_resources(s);
    }
    return 0;
}
