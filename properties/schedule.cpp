#include "properties/schedule.hpp"

#include <algorithm>  // std::max, std::sort

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/json_input.hpp"
#include "model/json_object.hpp"
#include "model/kernel/rng.hpp"
#include "model/workload.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {
using json = nlohmann::ordered_json;

double ms(Duration d) { return static_cast<double>(d.us()) / 1e3; }
}  // namespace

Time Schedule::trigger_end() const {
    Time end;
    for (const Burst& b : bursts) end = std::max(end, b.start + b.spread);
    for (const FaultWindow& f : faults) end = std::max(end, f.end());
    return end;
}

std::uint64_t Schedule::burst_requests() const {
    std::uint64_t n = 0;
    for (const Burst& b : bursts) n += b.size;
    return n;
}

Duration HuntSetup::background_length() const {
    // The latest trigger end: a fault starting at the end of the window and lasting the longest,
    // or a burst spread over as long.
    return trigger_window + max_trigger_length + recovery_within + recovery_measure;
}

void HuntSetup::validate() const {
    scenario.validate();
    constexpr std::string_view s = "hunt";
    require(background_rate_per_s > 0.0 && background_rate_per_s <= kMaxBackgroundRate, s, "background_rate_per_s",
            background_rate_per_s, "must be in (0, 1e6]");
    require(trigger_window >= Duration::zero(), s, "trigger_window", trigger_window, "must not be negative");
    require(max_trigger_length > Duration::zero(), s, "max_trigger_length", max_trigger_length, "must be positive");
    require(max_burst_size >= 1, s, "max_burst_size", max_burst_size, "must be at least 1");
    require(recovery_within >= Duration::zero(), s, "recovery_within", recovery_within, "must not be negative");
    require(recovery_measure > Duration::zero(), s, "recovery_measure", recovery_measure, "must be positive");
    require(recovery_fraction > 0.0 && recovery_fraction <= 1.0, s, "recovery_fraction", recovery_fraction,
            "must be in (0, 1]");
    require(storm_window > Duration::zero(), s, "storm_window", storm_window, "must be positive");
    require(storm_budget >= 0.0, s, "storm_budget", storm_budget, "must not be negative");
    require(storm_reserve >= 0.0, s, "storm_reserve", storm_reserve, "must not be negative");
}

namespace {

// The background: Poisson at the setup's rate over background_length, from the scenario's own
// workload stream, so that every schedule of a hunt sees the same background.
std::vector<Time> background(const HuntSetup& setup) {
    WorkloadConfig w;
    w.kind = WorkloadKind::Step;  // a constant rate for a fixed length: a step without a spike
    w.base_rate_per_second = setup.background_rate_per_s;
    w.spike_rate_per_second = setup.background_rate_per_s;
    w.spike_start = Time{};
    w.spike_length = setup.background_length();
    w.duration = setup.background_length();
    ArrivalGenerator g(w, RngStreams(setup.scenario.seed).stream("workload"));
    std::vector<Time> out;
    while (auto t = g.next()) out.push_back(*t);
    return out;
}

Scenario with_arrivals(const HuntSetup& setup, std::vector<Time> arrivals, std::string suffix) {
    Scenario s = setup.scenario;
    s.name += suffix;
    s.horizon = Duration::zero();
    s.workload = WorkloadConfig{};
    s.workload.kind = WorkloadKind::Arrivals;
    std::sort(arrivals.begin(), arrivals.end());
    if (arrivals.empty()) arrivals.push_back(Time{});  // a workload needs one arrival
    s.workload.arrivals = std::move(arrivals);
    return s;
}

}  // namespace

HuntSetup with_config(const HuntSetup& setup, const Schedule& schedule) {
    if (schedule.config.empty()) return setup;
    HuntSetup varied = setup;
    varied.scenario = with_knobs(setup.scenario, schedule.config);
    return varied;
}

Scenario scenario_for(const HuntSetup& setup, const Schedule& schedule) {
    std::vector<Time> arrivals = background(setup);
    for (const Burst& b : schedule.bursts)
        for (std::uint32_t k = 0; k < b.size; ++k)
            arrivals.push_back(b.start + Duration::micros(b.spread.us() * k / std::max<std::uint32_t>(1, b.size)));
    Scenario s = with_arrivals(setup, std::move(arrivals), "+schedule");
    s.faults = FaultSchedule{schedule.faults};
    return with_knobs(std::move(s), schedule.config);
}

ResourceEstimate estimate_hunt_run(const HuntSetup& setup, std::uint64_t largest_bursts) {
    // The background as the Poisson stream it is; the bursts at one instant on top.
    Scenario s = setup.scenario;
    s.workload = WorkloadConfig{};
    s.workload.kind = WorkloadKind::Poisson;
    s.workload.rate_per_second = setup.background_rate_per_s;
    s.workload.requests = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(setup.background_rate_per_s * static_cast<double>(setup.background_length().us()) / 1e6));
    ResourceEstimate e = estimate_resources(s, largest_bursts);
    e.bytes += static_cast<double>(e.requests * sizeof(Time));  // the arrival list a hunt builds
    return e;
}

Scenario healthy_scenario(const HuntSetup& setup) {
    Scenario s = with_arrivals(setup, background(setup), "+healthy");
    s.faults = FaultSchedule{};
    return s;
}

std::string describe(const Schedule& schedule) {
    if (schedule.empty()) return "nothing";
    std::string out;
    if (!schedule.bursts.empty()) {
        out += fmt::format("{} burst{} (", schedule.bursts.size(), schedule.bursts.size() == 1 ? "" : "s");
        for (std::size_t i = 0; i < schedule.bursts.size(); ++i) {
            const Burst& b = schedule.bursts[i];
            out += fmt::format("{}{} at {}", i ? "; " : "", b.size, to_string(b.start.since_start()));
            if (b.spread > Duration::zero()) out += fmt::format(" over {}", to_string(b.spread));
        }
        out += ")";
    }
    if (!schedule.faults.empty()) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} fault{} (", schedule.faults.size(), schedule.faults.size() == 1 ? "" : "s");
        for (std::size_t i = 0; i < schedule.faults.size(); ++i) {
            const FaultWindow& f = schedule.faults[i];
            out += fmt::format("{}{} at {} for {}", i ? "; " : "", name(f.kind), to_string(f.start.since_start()),
                               to_string(f.length));
            if (f.kind == FaultKind::LatencySpike || f.kind == FaultKind::CapacityDrop)
                out += fmt::format(" x{:g}", f.strength);
            if (f.kind == FaultKind::ErrorRate) out += fmt::format(" p={:g}", f.strength);
        }
        out += ")";
    }
    if (!schedule.config.empty()) out += fmt::format("{}config: {}", out.empty() ? "" : "; ", describe(schedule.config));
    return out;
}

std::string schedule_to_json(const Schedule& schedule) {
    json j;
    j["bursts"] = json::array();
    for (const Burst& b : schedule.bursts)
        j["bursts"].push_back(json{{"start_ms", ms(b.start.since_start())}, {"size", b.size}, {"spread_ms", ms(b.spread)}});
    j["faults"] = json::array();
    for (const FaultWindow& f : schedule.faults)
        j["faults"].push_back(json{{"kind", name(f.kind)},
                                   {"start_ms", ms(f.start.since_start())},
                                   {"length_ms", ms(f.length)},
                                   {"strength", f.strength}});
    // Only when set, so that a schedule without knobs reads as it always did.
    if (!schedule.config.empty()) {
        j["config"] = json::object();
        for (const KnobSetting& k : schedule.config) j["config"][std::string{info(k.knob).key}] = k.value;
    }
    return j.dump(2);
}

Schedule schedule_from_json(const std::string& text) {
    const nlohmann::json j = parse_json_strictly(text);
    JsonObject o(j, "schedule");
    Schedule s;
    const nlohmann::json& bursts = o.required("bursts", "an array (may be empty)");
    const nlohmann::json& faults = o.required("faults", "an array (may be empty)");
    if (!bursts.is_array()) o.fail("bursts", bursts, "must be an array");
    if (!faults.is_array()) o.fail("faults", faults, "must be an array");
    // A hunt's schedules hold a handful of triggers; a thousand is far beyond any shrunk one.
    if (bursts.size() > kMaxTriggers) o.fail("bursts", nlohmann::json(bursts.size()), fmt::format("at most {} bursts", kMaxTriggers));
    if (faults.size() > kMaxTriggers) o.fail("faults", nlohmann::json(faults.size()), fmt::format("at most {} faults", kMaxTriggers));
    for (std::size_t i = 0; i < bursts.size(); ++i) {
        JsonObject b(bursts[i], fmt::format("schedule.bursts[{}]", i));
        Burst burst;
        b.required("start_ms", "");
        b.required("size", "");
        b.required("spread_ms", "");
        b.time("start_ms", burst.start);
        b.integer("size", burst.size, 1, 100'000'000);
        b.millis("spread_ms", burst.spread);
        b.finish();
        s.bursts.push_back(burst);
    }
    for (std::size_t i = 0; i < faults.size(); ++i) {
        JsonObject f(faults[i], fmt::format("schedule.faults[{}]", i));
        FaultWindow w;
        f.required("kind", "outage, latency_spike, capacity_drop or error_rate");
        for (const char* key : {"start_ms", "length_ms", "strength"}) f.required(key, "");
        f.choice("kind", w.kind, Names<FaultKind>{{"outage", FaultKind::Outage},
                                                  {"latency_spike", FaultKind::LatencySpike},
                                                  {"capacity_drop", FaultKind::CapacityDrop},
                                                  {"error_rate", FaultKind::ErrorRate}});
        f.time("start_ms", w.start);
        f.millis("length_ms", w.length);
        f.number("strength", w.strength, 0, 1000);
        f.finish();
        s.faults.push_back(w);
    }
    if (o.has("config")) {
        const nlohmann::json& config = o.required("config", "an object of knobs");
        if (!config.is_object()) o.fail("config", config, "must be an object of knobs, e.g. {\"capacity\": 12}");
        for (const auto& [key, value] : config.items()) {
            const KnobInfo* k = find_knob(key);
            if (!k) o.fail("config", nlohmann::json(key), "no such knob (see docs/hunting.md)");
            if (!value.is_number_integer())
                throw ConfigError("schedule.config." + key, value.dump(), "must be a whole number");
            s.config.push_back(KnobSetting{k->knob, value.get<std::int64_t>()});
        }
        std::sort(s.config.begin(), s.config.end(),
                  [](const KnobSetting& a, const KnobSetting& b) { return a.knob < b.knob; });
    }
    o.finish();
    FaultSchedule{s.faults}.validate();
    return s;
}

std::string setup_to_json(const HuntSetup& h) {
    json j{{"background_rate_per_s", h.background_rate_per_s},
           {"trigger_window_ms", ms(h.trigger_window)},
           {"max_trigger_length_ms", ms(h.max_trigger_length)},
           {"max_burst_size", h.max_burst_size},
           {"recovery_within_ms", ms(h.recovery_within)},
           {"recovery_measure_ms", ms(h.recovery_measure)},
           {"recovery_fraction", h.recovery_fraction},
           {"storm_window_ms", ms(h.storm_window)},
           {"storm_budget", h.storm_budget},
           {"storm_reserve", h.storm_reserve}};
    if (h.vary_config) j["vary_config"] = true;  // only when set: older files read as they did
    return j.dump(2);
}

HuntSetup setup_from_json(const std::string& text, Scenario scenario) {
    const nlohmann::json j = parse_json_strictly(text);
    JsonObject o(j, "hunt");
    HuntSetup h;
    h.scenario = std::move(scenario);
    // Every key is required: a replay file must say what it ran, not lean on today's defaults.
    for (const char* key : {"background_rate_per_s", "trigger_window_ms", "max_trigger_length_ms", "max_burst_size",
                            "recovery_within_ms", "recovery_measure_ms", "recovery_fraction", "storm_window_ms",
                            "storm_budget", "storm_reserve"})
        o.required(key, "");
    o.number("background_rate_per_s", h.background_rate_per_s, 1e-9, kMaxBackgroundRate);
    o.millis("trigger_window_ms", h.trigger_window);
    o.millis("max_trigger_length_ms", h.max_trigger_length);
    o.integer("max_burst_size", h.max_burst_size, 1, 100'000'000);
    o.millis("recovery_within_ms", h.recovery_within);
    o.millis("recovery_measure_ms", h.recovery_measure);
    o.number("recovery_fraction", h.recovery_fraction, 1e-9, 1);
    o.millis("storm_window_ms", h.storm_window);
    o.number("storm_budget", h.storm_budget, 0, 1e6);
    o.number("storm_reserve", h.storm_reserve, 0, 1e9);
    if (o.has("vary_config")) o.boolean("vary_config", h.vary_config);
    o.finish();
    try {
        h.validate();
    } catch (const ConfigError& e) {
        // "hunt.max_trigger_length": the file's key has the unit.
        const std::string& f = e.field();
        const bool duration = f.ends_with("window") || f.ends_with("length") || f.ends_with("within") || f.ends_with("measure");
        throw ConfigError(duration ? e.field() + "_ms" : e.field(), e.value(), e.why());
    }
    return h;
}

}  // namespace cascadelab::properties
