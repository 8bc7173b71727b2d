// The strict reading of input files and JSON: limits, positions and the reasons in the errors.
#include "model/json_input.hpp"

#include <filesystem>  // std::filesystem
#include <fstream>     // std::ofstream
#include <string>      // std::string

#include <sys/stat.h>  // mkfifo
#include <unistd.h>    // getpid

#include <gtest/gtest.h>

#include "statemachines/config_error.hpp"

namespace cascadelab {
namespace {

namespace fs = std::filesystem;

std::string error_of(std::string_view text) {
    try {
        parse_json_strictly(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(StrictJson, NestingUpTo64LevelsIsFineAnd65IsRefusedWithItsPosition) {
    EXPECT_EQ(error_of(std::string(64, '[') + std::string(64, ']')), "");
    EXPECT_EQ(error_of(std::string(65, '[') + std::string(65, ']')), "(line 1, column 65) = [: nesting deeper than 64 levels");
    EXPECT_EQ(error_of("{\"a\":\n" + std::string(70, '{')), "(line 2, column 64) = {: nesting deeper than 64 levels");
}

TEST(StrictJson, BracketsAndNumbersInsideStringsAreText) {
    EXPECT_EQ(error_of("[\"" + std::string(100, '[') + " 1e999 \\\" [[\"]"), "");
}

TEST(StrictJson, NumbersBeyondADoubleAreRefusedWithTheNumber) {
    EXPECT_EQ(error_of("[1e308, -1e308, 1e-400]"), "");
    EXPECT_EQ(error_of("[0, 1e309]"), "(line 1, column 5) = 1e309: is beyond the range of a number (1.8e308)");
    EXPECT_EQ(error_of("{\"x\": -2e400}"), "(line 1, column 7) = -2e400: is beyond the range of a number (1.8e308)");
}

TEST(StrictJson, ANulByteIsRefusedEvenAfterACompleteDocument) {
    EXPECT_EQ(error_of(std::string("{}\0junk", 7)), "(line 1, column 3) = NUL: a JSON file is text: no NUL bytes");
}

TEST(StrictJson, TrailingContentIsRefused) {
    EXPECT_NE(error_of("{} {}").find("syntax error"), std::string::npos);
    EXPECT_NE(error_of("{} x").find("(line 1, column 4)"), std::string::npos);
}

TEST(StrictJson, ADuplicateKeyIsNamedByItsPath) {
    EXPECT_EQ(error_of(R"({"a": 1, "a": 2})"), "a = (given twice): duplicate key: the JSON would keep the second and drop the first");
    EXPECT_EQ(error_of(R"({"a": {"b": [0, {"c": 1, "c": 1}]}})"),
              "a.b[1].c = (given twice): duplicate key: the JSON would keep the second and drop the first");
    // The same key in two objects is not a duplicate.
    EXPECT_EQ(error_of(R"({"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 2}]})"), "");
}

TEST(StrictJson, AnInputLargerThanTheLimitIsRefusedBeforeParsing) {
    const std::string big(kMaxInputBytes + 1, ' ');
    EXPECT_NE(error_of(big).find("more than an input may hold (16 MiB)"), std::string::npos);
}

TEST(StrictJson, LabelsAreOneLineOfAtMost200Bytes) {
    EXPECT_EQ(why_not_a_label("rpc-naive ✓"), "");
    EXPECT_EQ(why_not_a_label(""), "must not be empty");
    EXPECT_EQ(why_not_a_label(std::string(201, 'x')), "must be at most 200 bytes");
    EXPECT_EQ(why_not_a_label("a\tb"), "must not hold control characters (tabs, newlines, escapes)");
    EXPECT_EQ(why_not_a_label("a\x7f"), "must not hold control characters (tabs, newlines, escapes)");
}

class InputFiles : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("cascadelab-input-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string error_of_file(const fs::path& p, std::size_t max = kMaxInputBytes) {
        try {
            read_input_file(p.string(), max);
        } catch (const InputFileError& e) {
            return e.what();
        }
        return "";
    }
    fs::path dir_;
};

TEST_F(InputFiles, OnlyARegularFileWithinTheLimitIsRead) {
    std::ofstream(dir_ / "ok.json") << "{}";
    EXPECT_EQ(read_input_file((dir_ / "ok.json").string()), "{}");
    EXPECT_EQ(error_of_file(dir_ / "none.json"), (dir_ / "none.json").string() + ": no such file");
    EXPECT_EQ(error_of_file(dir_), dir_.string() + ": is a directory, not a file");
    EXPECT_EQ(error_of_file("/dev/zero"), "/dev/zero: is not a regular file (a device or a pipe?)");
    ASSERT_EQ(::mkfifo((dir_ / "pipe").c_str(), 0644), 0);
    EXPECT_EQ(error_of_file(dir_ / "pipe"), (dir_ / "pipe").string() + ": is not a regular file (a device or a pipe?)");
    std::ofstream(dir_ / "big.json") << std::string(2000, ' ');
    EXPECT_NE(error_of_file(dir_ / "big.json", 1000).find("2000 bytes is more than an input file may hold"), std::string::npos);
    EXPECT_EQ(read_input_file((dir_ / "big.json").string(), 2000).size(), 2000u);
}

}  // namespace
}  // namespace cascadelab
