// Resuming pretraining from a partial checkpoint: the checkpoint's step and settings are
// checked before its weights are used (docs/reliability.md).
#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "pretrain.hpp"

using finetune::partial_pretraining_step;

TEST_CASE("partial pretraining checkpoint: the step is below this run's and the settings match") {
  const std::string path = "run/checkpoints/pretrain-partial.safetensors";
  std::map<std::string, std::string> meta{{"step", "100"}, {"fingerprint", "abc"}};
  CHECK(partial_pretraining_step(meta, path, "abc", 150) == 100);
  // a step-200 partial of a longer run, resumed with 150 steps: used to finish with loss 0.0
  meta["step"] = "200";
  CHECK_THROWS_WITH_AS(partial_pretraining_step(meta, path, "abc", 150),
                       doctest::Contains("pretrain-partial.safetensors' is not a partial "
                                         "pretraining of this run, step 200 of 150, a step in "
                                         "1..149"),
                       std::runtime_error);
  meta["step"] = "150";  // partials are only written below the last step
  CHECK_THROWS_AS(partial_pretraining_step(meta, path, "abc", 150), std::runtime_error);
  meta["step"] = "0";
  CHECK_THROWS_AS(partial_pretraining_step(meta, path, "abc", 150), std::runtime_error);
  // other settings
  meta["step"] = "100";
  CHECK_THROWS_WITH_AS(partial_pretraining_step(meta, path, "xyz", 150),
                       doctest::Contains("was pretrained with other settings"), std::runtime_error);
  // a garbled or missing step names the file instead of "stol" or "map::at"
  meta["step"] = "12x";
  CHECK_THROWS_WITH_AS(partial_pretraining_step(meta, path, "abc", 150),
                       doctest::Contains("the step of checkpoint 'run/checkpoints/pretrain-"
                                         "partial.safetensors' is not a whole number in range, "
                                         "'12x'"),
                       std::runtime_error);
  meta.erase("step");
  CHECK_THROWS_WITH_AS(partial_pretraining_step(meta, path, "abc", 150),
                       doctest::Contains("has no pretraining step"), std::runtime_error);
  // checkpoints written before the fingerprint was stored still resume
  CHECK(partial_pretraining_step({{"step", "7"}}, path, "abc", 150) == 7);
}
