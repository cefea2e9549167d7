#pragma once
// Checkpoints in the safetensors format (loadable with Python's
// safetensors.numpy.load_file): 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}},
// then the raw little-endian tensors. Writes go through io::OutputSet (a checked
// temporary in the same folder, renamed over the target only when complete), so
// an existing checkpoint is never left half-written. Reads validate every offset and shape
// against the file size and fail with a message naming the problem.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "hyperbolic/io/output_set.hpp"

namespace finetune {

struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;
};

struct TensorFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

inline void save_safetensors(const std::string& path, const TensorFile& file) {
  nlohmann::json header = nlohmann::json::object();
  std::uint64_t offset = 0;
  for (const auto& [name, t] : file.tensors) {
    std::int64_t count = 1;
    for (auto s : t.shape)
      count *= s;
    if (count != static_cast<std::int64_t>(t.data.size()))
      throw std::invalid_argument("save_safetensors: tensor '" + name +
                                  "' shape does not match its " + std::to_string(t.data.size()) +
                                  " values");
    const std::uint64_t bytes = t.data.size() * sizeof(float);
    header[name] = {
        {"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string text = header.dump();
  while (text.size() % 8 != 0)
    text += ' ';  // keeps the tensors 8-byte aligned
  hyperbolic::io::OutputSet outputs;
  hyperbolic::io::OutputFile& out = outputs.open(path);
  const std::uint64_t n = text.size();
  unsigned char le[8];
  for (int i = 0; i < 8; ++i)
    le[i] = static_cast<unsigned char>(n >> (8 * i));
  out.write(le, 8);
  out.write(text);
  for (const auto& [name, t] : file.tensors)
    out.write(std::span<const float>(t.data));
  outputs.commit();
}

inline TensorFile load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open checkpoint '" + path + "'");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  const auto bad = [&](const std::string& why) {
    return std::runtime_error("corrupt checkpoint '" + path + "': " + why);
  };
  if (size < 8) throw bad("shorter than the 8-byte header length");
  unsigned char le[8];
  in.read(reinterpret_cast<char*>(le), 8);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= std::uint64_t(le[i]) << (8 * i);
  if (n > size - 8)
    throw bad("header length " + std::to_string(n) + " exceeds the file size " +
              std::to_string(size));
  std::string text(n, '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    throw bad(std::string("header is not JSON: ") + e.what());
  }
  if (!header.is_object()) throw bad("header is not a JSON object");
  const std::uint64_t data_size = size - 8 - n;
  TensorFile file;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::string>> ranges;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) throw bad("__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) throw bad("metadata '" + m.key() + "' is not a string");
        file.metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const auto& e = *it;
    if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
        !e.contains("data_offsets"))
      throw bad("tensor '" + it.key() + "' lacks dtype/shape/data_offsets");
    if (e["dtype"] != "F32")
      throw bad("tensor '" + it.key() + "' has dtype " + e["dtype"].dump() + ", expected F32");
    Tensor t;
    if (!e["shape"].is_array()) throw bad("tensor '" + it.key() + "' has a shape that is no list");
    // The element count is bounded by the data before it is multiplied on:
    // a shape such as [2^32, 2^32] would overflow the product.
    const std::uint64_t max_count = data_size / sizeof(float);
    std::uint64_t count = 1;
    for (const auto& s : e["shape"]) {
      if (!s.is_number_integer() || s.get<std::int64_t>() < 0)
        throw bad("tensor '" + it.key() + "' has a bad shape");
      const auto dim = static_cast<std::uint64_t>(s.get<std::int64_t>());
      if (dim != 0 && count > max_count / dim)
        throw bad("tensor '" + it.key() + "' has a shape " + e["shape"].dump() +
                  " larger than the " + std::to_string(data_size) + " data bytes");
      t.shape.push_back(static_cast<std::int64_t>(dim));
      count *= dim;
    }
    const auto& off = e["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned())
      throw bad("tensor '" + it.key() + "' has bad data_offsets");
    const auto begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (begin > end || end > data_size || end - begin != count * sizeof(float))
      throw bad("tensor '" + it.key() + "' offsets [" + std::to_string(begin) + ", " +
                std::to_string(end) + ") do not fit its shape or the " + std::to_string(data_size) +
                " data bytes");
    ranges.emplace_back(begin, end, it.key());
    t.data.resize(count);
    in.seekg(static_cast<std::streamoff>(8 + n + begin));
    in.read(reinterpret_cast<char*>(t.data.data()), static_cast<std::streamsize>(end - begin));
    if (!in) throw bad("truncated data for tensor '" + it.key() + "'");
    for (float v : t.data)
      if (!std::isfinite(v)) throw bad("tensor '" + it.key() + "' holds a non-finite value");
    file.tensors.emplace(it.key(), std::move(t));
  }
  // Tensors may not share bytes (the format gives each its own range).
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (std::get<0>(ranges[i]) < std::get<1>(ranges[i - 1]))
      throw bad("tensors '" + std::get<2>(ranges[i - 1]) + "' and '" + std::get<2>(ranges[i]) +
                "' overlap in the data");
  return file;
}

}  // namespace finetune
