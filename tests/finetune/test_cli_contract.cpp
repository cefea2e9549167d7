// The CLI error contract's last line of defence (examples/common/cli_contract.hpp): whatever
// escapes a tool's body becomes one "<tool>: error:" line and exit 1; CLI11's own parse errors
// exit 1 too (not 105/109), help exits 0.
#include <doctest/doctest.h>

#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_contract.hpp"

namespace {

struct Outcome {
  int status;
  std::string err;
};

// Runs run_main on the given arguments with `body`, capturing std::cerr.
template <class Body>
Outcome run(std::vector<std::string> args, Body body) {
  CLI::App app("test tool");
  double value = 1;
  app.add_option("--value", value, "a number");
  args.insert(args.begin(), "tool");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  std::ostringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  std::ostringstream out_captured;
  auto* old_out = std::cout.rdbuf(out_captured.rdbuf());
  const int status = hyperbolic::cli::run_main("tool", app, int(argv.size()), argv.data(), body);
  std::cerr.rdbuf(old);
  std::cout.rdbuf(old_out);
  return {status, captured.str()};
}

}  // namespace

TEST_CASE("run_main maps what escapes a tool to one contract line and exit 1") {
  const auto ok = run({}, [] { return 0; });
  CHECK(ok.status == 0);
  CHECK(ok.err.empty());

  const auto oom = run({}, []() -> int { throw std::bad_alloc(); });
  CHECK(oom.status == 1);
  CHECK(oom.err.find("tool: error: out of memory, std::bad_alloc") != std::string::npos);

  const auto big = run({}, []() -> int { throw std::length_error("vector::reserve"); });
  CHECK(big.status == 1);
  CHECK(big.err.find("tool: error: a size is too large, vector::reserve") != std::string::npos);

  const auto other = run({}, []() -> int { throw std::runtime_error("cannot read 'x.tsv'"); });
  CHECK(other.status == 1);
  CHECK(other.err.find("tool: error: cannot read 'x.tsv'") != std::string::npos);
}

TEST_CASE("run_main: CLI11's parse errors exit 1, help exits 0") {
  bool ran = false;
  const auto unknown = run({"--bogus"}, [&] {
    ran = true;
    return 0;
  });
  CHECK(unknown.status == 1);
  CHECK_FALSE(ran);
  CHECK(unknown.err.find("tool: error: ") == 0);
  CHECK(unknown.err.find("--bogus") != std::string::npos);

  const auto not_a_number = run({"--value", "abc"}, [] { return 0; });
  CHECK(not_a_number.status == 1);

  const auto help = run({"--help"}, [] { return 3; });
  CHECK(help.status == 0);
}
