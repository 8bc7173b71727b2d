#include "properties/replay_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/json_input.hpp"
#include "model/json_object.hpp"
#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {
using json = nlohmann::ordered_json;
constexpr int kFormat = 1;

SeedEstimate read_estimate(const nlohmann::json& j) {
    JsonObject o(j, "estimate");
    SeedEstimate e;
    for (const char* key : {"first_seed", "seeds", "violations"}) o.required(key, "");
    o.integer("first_seed", e.first_seed, 0, UINT64_MAX);
    o.integer("seeds", e.runs, 1, 1'000'000);
    o.integer("violations", e.violations, 0, e.runs);
    double ignored = 0.0;
    o.number("probability", ignored, 0.0, 1.0);
    if (const nlohmann::json* ci = o.get("interval_95"); ci && !(ci->is_array() && ci->size() == 2))
        o.fail("interval_95", *ci, "must be [low, high]");
    o.finish();
    e.interval = wilson_interval(e.violations, e.runs);
    return e;
}

SprtOptions read_robust(const nlohmann::json& j) {
    JsonObject o(j, "robust");
    SprtOptions t;
    o.number("confidence", t.threshold, 0.0, 1.0);
    o.number("indifference", t.indifference, 0.0, 1.0);
    o.number("alpha", t.alpha, 0.0, 1.0);
    o.number("beta", t.beta, 0.0, 1.0);
    o.integer("max_seeds", t.max_runs, 1, 1'000'000);
    o.finish();
    try {
        t.validate();
    } catch (const ConfigError& e) {
        throw ConfigError("robust." + e.field().substr(2), e.value(), e.why());  // "--alpha" is the file's "alpha"
    }
    return t;
}

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
    if (r.estimate) {
        const SeedEstimate& e = *r.estimate;
        // probability and interval_95 are for the reader; they follow from the counts.
        j["estimate"] = json{{"first_seed", e.first_seed},
                             {"seeds", e.runs},
                             {"violations", e.violations},
                             {"probability", e.probability()},
                             {"interval_95", json::array({e.interval.low, e.interval.high})}};
    }
    if (r.robust)
        j["robust"] = json{{"confidence", r.robust->threshold},
                           {"indifference", r.robust->indifference},
                           {"alpha", r.robust->alpha},
                           {"beta", r.robust->beta},
                           {"max_seeds", r.robust->max_runs}};
    j["rapidcheck"] = json{{"seed", r.rapidcheck_seed}, {"reproduce", r.reproduce}};
    j["schedule"] = json::parse(schedule_to_json(r.schedule));
    j["hunt"] = json::parse(setup_to_json(r.setup));
    j["scenario"] = json::parse(scenario_to_json(r.setup.scenario));
    return j.dump(2) + "\n";
}

ReplayFile read_replay(const std::string& text) {
    const nlohmann::json j = parse_json_strictly(text);
    JsonObject o(j, "");
    // The format first: a file of another format (or not a replay file at all) is named as such
    // before its fields are judged.
    const nlohmann::json* format = o.get("cascadelab_replay");
    if (!format) o.fail("cascadelab_replay", nlohmann::json(nullptr), "not a cascadelab replay file (it has no format key)");
    if (!format->is_number_unsigned() || format->get<std::uint64_t>() != kFormat)
        o.fail("cascadelab_replay", *format, fmt::format("this build reads replay format {}", kFormat));
    ReplayFile r;
    o.required("property", "the property the hunt checked");
    o.label("property", r.property);
    std::string verdict;
    o.required("verdict", "\"violated\" or \"held\"");
    o.text("verdict", verdict);
    if (verdict != "violated" && verdict != "held") o.fail("verdict", nlohmann::json(verdict), "must be \"violated\" or \"held\"");
    const nlohmann::json* violation = o.child("violation");
    if (verdict == "violated" && !violation) o.fail("violation", nlohmann::json(nullptr), "is required when the verdict is violated");
    if (verdict == "held" && violation) o.fail("violation", *violation, "must be absent when the verdict is held");
    if (violation) {
        JsonObject v(*violation, "violation");
        Violation seen{r.property, Time{}, 0, ""};
        for (const char* key : {"at_ms", "step", "detail"}) v.required(key, "");
        v.time("at_ms", seen.at);
        v.integer("step", seen.step, 0, UINT64_MAX);
        v.line("detail", seen.detail, 4096);
        v.finish();
        r.violation = seen;
    }
    if (const nlohmann::json* e = o.child("estimate")) r.estimate = read_estimate(*e);
    if (const nlohmann::json* t = o.child("robust")) r.robust = read_robust(*t);
    {
        JsonObject rc(o.required("rapidcheck", "its seed and reproduce string"), "rapidcheck");
        rc.required("seed", "");
        rc.required("reproduce", "");
        rc.integer("seed", r.rapidcheck_seed, 0, UINT64_MAX);
        rc.line("reproduce", r.reproduce, 4096);
        rc.finish();
    }
    // The sections are read by their own readers, each naming its fields under its key.
    const nlohmann::json& scenario = o.required("scenario", "the scenario the hunt ran");
    const nlohmann::json& hunt = o.required("hunt", "the hunt's setup");
    const nlohmann::json& schedule = o.required("schedule", "the minimal schedule");
    o.finish();
    if (!scenario.is_object()) o.fail("scenario", scenario, "must be an object (one scenario)");
    std::vector<Scenario> scenarios;
    try {
        scenarios = scenarios_from_json(scenario.dump());
    } catch (const ConfigError& e) {
        throw ConfigError("scenario." + e.field(), e.value(), e.why());
    }
    r.setup = setup_from_json(hunt.dump(), std::move(scenarios.front()));
    r.schedule = schedule_from_json(schedule.dump());
    with_knobs(r.setup.scenario, r.schedule.config).validate();  // a knob out of range or not for this scenario
    return r;
}

}  // namespace cascadelab::properties
