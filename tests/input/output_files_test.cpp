// Outputs: checked before any work, written atomically, named safely.
#include "experiments/output_files.hpp"

#include <fstream>  // std::ofstream

#include <unistd.h>  // getpid

#include <gtest/gtest.h>

#include "experiments/exit_codes.hpp"

namespace cascadelab::cli {
namespace {

namespace fs = std::filesystem;

TEST(OutputFiles, ANameFromALabelKeepsOnlySafeCharactersAndNeverLeavesTheFolder) {
    EXPECT_EQ(file_name_from_label("rpc-naive"), "rpc-naive");
    EXPECT_EQ(file_name_from_label("../x"), "x");
    EXPECT_EQ(file_name_from_label("/etc/passwd"), "etc_passwd");
    EXPECT_EQ(file_name_from_label("a b/c"), "a_b_c");
    EXPECT_EQ(file_name_from_label(".hidden"), "hidden");
    EXPECT_EQ(file_name_from_label("..."), "scenario");
    EXPECT_EQ(file_name_from_label("\x1b[31m"), "31m");
    EXPECT_EQ(file_name_from_label(std::string(300, 'a')).size(), 100u);
}

class Outputs : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) / ("cascadelab-out-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::size_t files() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
        return n;
    }
    fs::path dir_;
};

TEST_F(Outputs, AnAtomicWriteReplacesTheFileWholeAndLeavesNoTemporary) {
    const fs::path f = dir_ / "out.csv";
    std::ofstream(f) << "old";
    write_atomically("--out", f, "new content");
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "new content");
    EXPECT_EQ(files(), 1u);
}

TEST_F(Outputs, AFailedWriteThrowsAndLeavesNothing) {
    EXPECT_THROW(write_atomically("--out", dir_ / "missing" / "out.csv", "x"), BadInput);
    fs::create_directories(dir_ / "taken.csv");  // a directory where the file should go
    EXPECT_THROW(write_atomically("--out", dir_ / "taken.csv", "x"), BadInput);
    EXPECT_EQ(files(), 1u);  // the directory only: no temporary left
}

TEST_F(Outputs, AnOutputIsCheckedAgainstTheInputs) {
    std::ofstream(dir_ / "s.json") << "{}";
    EXPECT_THROW(check_output_file("--out", dir_ / "s.json", {dir_ / "s.json"}), BadInput);
    EXPECT_THROW(check_output_file("--out", dir_ / "." / "s.json", {dir_ / "s.json"}), BadInput);
    EXPECT_NO_THROW(check_output_file("--out", dir_ / "t.json", {dir_ / "s.json"}));
    EXPECT_THROW(check_output_file("--out", dir_, {}), BadInput);
    EXPECT_THROW(check_output_dir("--out", dir_ / "s.json", {}), BadInput);
    EXPECT_NO_THROW(check_output_dir("--out", dir_ / "new" / "deeper", {}));
    EXPECT_THROW(check_output_dir("--out", dir_ / "s.json" / "below", {}), BadInput);
    EXPECT_EQ(files(), 1u);  // checking writes nothing
}

}  // namespace
}  // namespace cascadelab::cli
