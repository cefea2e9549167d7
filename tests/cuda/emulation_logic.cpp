// The CPU emulation itself (tile_emulation.hpp) and the row-path choice it
// shares with the GPU launcher (row_path.cuh), tested on the CPU.
#include <doctest/doctest.h>
#include <hyperbolic/cuda/batched.cuh>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace hyperbolic;
namespace emu = hyperbolic::cuda::emulation;

TEST_CASE("emulated tile: xor shuffles exchange values between the lanes of the tile") {
  for (const int width : {1, 2, 4, 8, 16, 32}) {
    CAPTURE(width);
    std::vector<double> sums(static_cast<std::size_t>(width), -1.0), swapped = sums;
    emu::run_tile(width, [&](int lane) {
      // tile_sum over the lanes' ids: every lane gets 0 + 1 + ... + width - 1.
      sums[static_cast<std::size_t>(lane)] = cuda::tile_sum(double(lane), width);
      if (width > 1)
        swapped[static_cast<std::size_t>(lane)] = emu::shuffle_xor(double(lane), 1, width);
    });
    for (int lane = 0; lane < width; ++lane) {
      CHECK(sums[static_cast<std::size_t>(lane)] == double(width * (width - 1) / 2));
      if (width > 1) CHECK(swapped[static_cast<std::size_t>(lane)] == double(lane ^ 1));
    }
  }
  // A segment narrower than the tile: partners stay inside their segment of 4.
  std::vector<float> got(8);
  emu::run_tile(
      8, [&](int lane) { got[static_cast<std::size_t>(lane)] = cuda::tile_sum(float(lane), 4); });
  for (int lane = 0; lane < 8; ++lane)
    CHECK(got[static_cast<std::size_t>(lane)] == (lane < 4 ? 6.0f : 22.0f));
}

TEST_CASE("emulated tile: divergent or mismatched shuffles are reported, not hidden") {
  // Lane 0 skips the shuffle the others wait at: a hang on a GPU.
  CHECK_THROWS_WITH_AS(emu::run_tile(4,
                                     [](int lane) {
                                       if (lane != 0) (void)emu::shuffle_xor(1.0, 1, 4);
                                     }),
                       doctest::Contains("divergent shuffle"), std::logic_error);
  // Lanes at different shuffles (different masks) in the same round.
  CHECK_THROWS_WITH_AS(
      emu::run_tile(2, [](int lane) { (void)emu::shuffle_xor(1.0, lane == 0 ? 1 : 2, 2); }),
      doctest::Contains("lane 1 shuffles with mask 2"), std::logic_error);
  CHECK_THROWS_WITH_AS(emu::run_tile(3, [](int) {}), doctest::Contains("width 3"),
                       std::invalid_argument);
  CHECK_THROWS_AS(emu::shuffle_xor(1.0f, 1, 2), std::logic_error);  // outside run_tile
  // The tile's state is released after an error: the next tile runs.
  int ran = 0;
  emu::run_tile(2, [&](int) { ++ran; });
  CHECK(ran == 2);
}

TEST_CASE("16-byte path: chosen only with the knob, aligned rows and whole groups") {
  using ExpmapF = cuda::ops::Expmap<PoincareBall<float>, float>;
  using ExpmapH = cuda::ops::Expmap<PoincareBall<float>, __half>;
  using LorentzExpmap = cuda::ops::Expmap<Lorentz<float>, float>;  // memory path by default
  using Dist = cuda::ops::Dist<PoincareBall<float>, float>;        // not a slot op
  const cuda::RowAccess aligned{true}, unaligned{false};
  const bool saved_vector = cuda::row_vector_access(), saved_cache = cuda::row_register_cache();
  const int w64 = cuda::row_tile_width(64), w256 = cuda::row_tile_width(256);

  cuda::row_vector_access() = false;
  cuda::row_register_cache() = true;
  CHECK(cuda::choose_row_path<ExpmapF>(64, w64, aligned) == cuda::RowPath::registers);
  CHECK(cuda::choose_row_path<LorentzExpmap>(64, w64, aligned) == cuda::RowPath::memory);

  cuda::row_vector_access() = true;
  // float: 4 per access; d = 64 on 8 lanes is 8 per lane (two groups).
  CHECK(cuda::choose_row_path<ExpmapF>(64, w64, aligned) == cuda::RowPath::vector);
  CHECK(cuda::choose_row_path<ExpmapF>(16, cuda::row_tile_width(16), aligned) ==
        cuda::RowPath::vector_small);
  CHECK(cuda::choose_row_path<LorentzExpmap>(64, w64, aligned) == cuda::RowPath::vector);
  // half: 8 per access, so never the 4-per-lane slot.
  CHECK(cuda::choose_row_path<ExpmapH>(16, cuda::row_tile_width(16), aligned) ==
        cuda::RowPath::vector);
  CHECK(cuda::choose_row_path<ExpmapH>(256, w256, aligned) == cuda::RowPath::vector);
  // Fallbacks: unaligned rows, a row length the group does not divide, rows
  // longer than the registers hold, ops that are not slot ops.
  CHECK(cuda::choose_row_path<ExpmapF>(64, w64, unaligned) == cuda::RowPath::registers);
  CHECK(cuda::choose_row_path<ExpmapF>(65, cuda::row_tile_width(65), aligned) ==
        cuda::RowPath::registers);
  CHECK(cuda::choose_row_path<ExpmapH>(100, cuda::row_tile_width(100), aligned) ==
        cuda::RowPath::registers);
  CHECK(cuda::choose_row_path<ExpmapF>(300, cuda::row_tile_width(300), aligned) ==
        cuda::RowPath::memory);
  CHECK(cuda::choose_row_path<Dist>(64, w64, aligned) == cuda::RowPath::memory);
  cuda::row_vector_access() = saved_vector;
  cuda::row_register_cache() = saved_cache;
}

TEST_CASE("16-byte path: launchers see aligned rows only when every batch has them") {
  const PoincareBall<float> m(1.0f);
  alignas(16) static float buf[4 * 64 * 20];
  std::vector<float> out(64);
  auto view = [&](index_t offset, index_t stride) {
    return MatrixView<float>(buf + offset, 64, 16, stride);
  };
  CHECK(cuda::detail::check_batches("t", m, "x", view(0, 16), "y", view(0, 20)).aligned_16);
  CHECK_FALSE(cuda::detail::check_batches("t", m, "x", view(0, 16), "y", view(1, 20)).aligned_16);
  CHECK_FALSE(cuda::detail::check_batches("t", m, "x", view(0, 18), "y", view(0, 20)).aligned_16);
  CHECK_FALSE(cuda::detail::check_batches("t", m, "x", view(4, 20), "y", view(0, 21)).aligned_16);
  // The first batch counts too.
  CHECK_FALSE(cuda::detail::check_batches("t", m, "x", view(2, 16), "y", view(0, 16)).aligned_16);
  CHECK(cuda::detail::check_batches("t", m, "x", view(4, 20)).aligned_16);
}

TEST_CASE("16-byte path: capacity per lane holds whole groups of the row") {
  const cuda::RowAccess aligned{true};
  CHECK(cuda::row_vector_capacity(64, 8, 4, aligned) == 8);
  CHECK(cuda::row_vector_capacity(32, 8, 4, aligned) == 4);
  CHECK(cuda::row_vector_capacity(64, 8, 8, aligned) == 8);
  CHECK(cuda::row_vector_capacity(32, 8, 8, aligned) == 8);  // 4 per lane cannot hold a group
  CHECK(cuda::row_vector_capacity(64, 8, 2, aligned) == 8);
  CHECK(cuda::row_vector_capacity(12, 4, 2, aligned) == 4);
  CHECK(cuda::row_vector_capacity(257 * 4, 32, 4, aligned) == 0);  // beyond a warp's registers
  CHECK(cuda::row_vector_capacity(66, 16, 4, aligned) == 0);       // 4 does not divide 66
  CHECK(cuda::row_vector_capacity(64, 8, 4, cuda::RowAccess{false}) == 0);
  CHECK(cuda::row_vector_capacity(64, 8, 0, aligned) == 0);
}

}  // namespace
