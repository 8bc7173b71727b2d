#include "properties/replay_file.hpp"

#include <cmath>  // std::llround

#include <nlohmann/json.hpp>

#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {
using json = nlohmann::ordered_json;
constexpr int kFormat = 1;
}  // namespace

std::string write_replay(const ReplayFile& r) {
    json j;
    j["cascadelab_replay"] = kFormat;
    j["property"] = r.property;
    if (r.violation) {
        j["verdict"] = "violated";
        j["violation"] = json{{"at_ms", static_cast<double>(r.violation->at.us()) / 1e3},
                              {"step", r.violation->step},
                              {"detail", r.violation->detail}};
    } else {
        j["verdict"] = "held";
    }
    j["rapidcheck"] = json{{"seed", r.rapidcheck_seed}, {"reproduce", r.reproduce}};
    j["schedule"] = json::parse(schedule_to_json(r.schedule));
    j["hunt"] = json::parse(setup_to_json(r.setup));
    j["scenario"] = json::parse(scenario_to_json(r.setup.scenario));
    return j.dump(2) + "\n";
}

ReplayFile read_replay(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ConfigError("replay", "(text)", e.what());
    }
    if (!j.is_object() || j.value("cascadelab_replay", 0) != kFormat)
        throw ConfigError("cascadelab_replay", j.is_object() && j.contains("cascadelab_replay") ? j["cascadelab_replay"].dump() : "null",
                          "not a cascadelab replay file (format 1)");
    for (const char* key : {"property", "schedule", "hunt", "scenario", "rapidcheck"})
        if (!j.contains(key)) throw ConfigError(key, "null", "is required in a replay file");
    ReplayFile r;
    if (!j["property"].is_string()) throw ConfigError("property", j["property"].dump(), "must be a string");
    r.property = j["property"].get<std::string>();
    std::vector<Scenario> scenarios = scenarios_from_json(j["scenario"].dump());
    r.setup = setup_from_json(j["hunt"].dump(), std::move(scenarios.front()));
    r.schedule = schedule_from_json(j["schedule"].dump());
    const json& rc = j["rapidcheck"];
    r.rapidcheck_seed = rc.value("seed", std::uint64_t{0});
    r.reproduce = rc.value("reproduce", std::string{});
    if (j.value("verdict", std::string{}) == "violated" && j.contains("violation")) {
        const json& v = j["violation"];
        r.violation = Violation{r.property, Time::at(Duration::micros(std::llround(v.value("at_ms", 0.0) * 1e3))),
                                v.value("step", std::uint64_t{0}), v.value("detail", std::string{})};
    }
    return r;
}

}  // namespace cascadelab::properties
