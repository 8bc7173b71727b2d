#include "properties/rapidcheck_runner.hpp"

#include <exception>      // std::exception
#include <unordered_map>  // std::unordered_map

#include <rapidcheck.h>

#include "statemachines/config_error.hpp"

// RapidCheck's reproduce-string codec lives in the library (its RC_PARAMS="reproduce=..."
// support) but not in an installed header; these are its signatures in RapidCheck's source
// (src/detail/Serialization.cpp's callers in src/detail/Configuration.cpp).
namespace rc::detail {
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
std::unordered_map<std::string, Reproduce> stringToReproduceMap(const std::string& str);
}  // namespace rc::detail

namespace cascadelab::properties {

namespace {

using ReproduceMap = std::unordered_map<std::string, rc::detail::Reproduce>;

class Listener final : public rc::detail::TestListener {
public:
    explicit Listener(const PropertyRun& run) : run_(run) {}
    void onTestCaseFinished(const rc::detail::CaseDescription&) override {
        if (run_.on_case) run_.on_case();
    }
    void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
        if (accepted && run_.on_shrink_accepted) run_.on_shrink_accepted();
    }
    void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}

private:
    const PropertyRun& run_;
};

ReproduceMap decode(const std::string& text) {
    if (text.empty()) return {};
    try {
        return rc::detail::stringToReproduceMap(text);
    } catch (const std::exception&) {
        throw ConfigError("--reproduce", text, "is not a RapidCheck reproduce string");
    }
}

}  // namespace

PropertyRunResult run_property(const std::function<void()>& testable, const PropertyRun& run) {
    rc::detail::TestParams params;
    params.seed = run.seed;
    params.maxSuccess = run.cases;
    params.maxSize = run.max_size;
    const rc::detail::TestMetadata metadata{run.id, "cascadelab"};
    Listener listener(run);
    const ReproduceMap reproduce = decode(run.reproduce);
    const rc::detail::TestResult outcome =
        rc::detail::checkProperty(rc::detail::toProperty(testable), metadata, params, listener, reproduce);

    PropertyRunResult result;
    rc::detail::FailureResult failure;
    rc::detail::SuccessResult success;
    if (outcome.match(failure)) {
        result.failed = true;
        result.cases = failure.numSuccess + 1;
        result.reproduce = rc::detail::reproduceMapToString({{metadata.id, failure.reproduce}});
    } else if (outcome.match(success)) {
        result.cases = success.numSuccess;
    }
    return result;
}

bool is_reproduce_string(const std::string& text) {
    try {
        decode(text);
        return true;
    } catch (const ConfigError&) {
        return false;
    }
}

}  // namespace cascadelab::properties
