// libFuzzer target: the replay-file reader. Any bytes in; it must return a replay or throw
// ConfigError — never crash, hang, leak or throw anything else. A replay it accepts must
// round-trip through write_replay.
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t
#include <cstdio>   // std::fprintf
#include <cstdlib>  // std::abort
#include <string>

#include "properties/replay_file.hpp"
#include "statemachines/config_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    cascadelab::properties::ReplayFile replay;
    try {
        replay = cascadelab::properties::read_replay(text);
    } catch (const cascadelab::ConfigError&) {
        return 0;
    }
    const std::string once = cascadelab::properties::write_replay(replay);
    const std::string twice = cascadelab::properties::write_replay(cascadelab::properties::read_replay(once));
    if (once != twice) {
        std::fprintf(stderr, "round trip changed the replay file:\n%s\nvs\n%s\n", once.c_str(), twice.c_str());
        std::abort();
    }
    return 0;
}
