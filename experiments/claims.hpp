// The articles' claims, each checked on the runs it talks about. A claim whose scenarios were
// not run is not reported; one whose scenarios were run either held or did not, with the
// numbers that decided it.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/metrics.hpp"

namespace cascadelab::cli {

struct ClaimVerdict {
    std::string_view id;     // stable, for tests and JSON: "healthy-rpc-faster"
    std::string_view claim;  // the article's words, shortened
    bool held = false;
    std::string evidence;    // the numbers that decided it
};

std::vector<ClaimVerdict> evaluate_claims(const std::vector<RunMetrics>& runs);

}  // namespace cascadelab::cli
