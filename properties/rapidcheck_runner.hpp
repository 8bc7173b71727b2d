// The one place cascadelab reaches into RapidCheck beyond its public API: running a property with
// a given seed, case count, size bound and reproduce string, hearing of each case and accepted
// shrink, and encoding and decoding reproduce strings. RapidCheck installs no header for these
// (its gtest integration and RC_PARAMS use them from inside the library), so their signatures are
// declared in rapidcheck_runner.cpp; tests/properties/rapidcheck_runner_test.cpp fails loudly if
// an upgrade changes them.
#pragma once

#include <cstdint>     // std::uint64_t
#include <functional>  // std::function
#include <string>      // std::string

namespace cascadelab::properties {

struct PropertyRun {
    std::string id;            // names the property in reproduce strings
    std::uint64_t seed = 0;    // RapidCheck's seed
    int cases = 100;           // maxSuccess
    int max_size = 100;        // maxSize
    std::string reproduce;     // a reproduce string from an earlier run, or "": derive that case
    std::function<void()> on_case;            // after each case (passed or failed)
    std::function<void()> on_shrink_accepted;  // after each shrink step that still fails
};

struct PropertyRunResult {
    bool failed = false;
    int cases = 0;            // cases run: all of them, or the passing ones and the failing one
    std::string reproduce;    // when failed: the reproduce string of the minimal failing case
};

// Runs `testable` (which fails a case with RC_FAIL / RC_ASSERT, as in any RapidCheck property)
// until a case fails or `cases` pass; RapidCheck shrinks a failure before this returns. Throws
// ConfigError("--reproduce", ...) when the reproduce string does not decode.
PropertyRunResult run_property(const std::function<void()>& testable, const PropertyRun& run);

// Whether `text` decodes as a RapidCheck reproduce string.
bool is_reproduce_string(const std::string& text);

}  // namespace cascadelab::properties
