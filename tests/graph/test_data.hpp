#pragma once
// Test data lives next to this file; CMake compiles sources by absolute path, so __FILE__ finds it.
#include <filesystem>
#include <string>

namespace hyperbolic::graph::testing {
inline std::string data_dir() {
  return (std::filesystem::path(__FILE__).parent_path() / "data").string();
}
}  // namespace hyperbolic::graph::testing
