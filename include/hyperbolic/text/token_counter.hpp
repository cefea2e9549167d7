#pragma once
// Streaming, multithreaded token counting over files.
//
// One reader streams each file in chunks cut at a line break (so no piece is
// split), workers pre-tokenize chunks into piece counts, and at the end every
// distinct piece is encoded once and its tokens weighted by the piece's count.
// With BPE tokenizers that second stage is what makes counting fast: words
// repeat, so the expensive merges run once per distinct word.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hyperbolic/text/tokenizer.hpp"
#include "hyperbolic/text/utf8.hpp"

namespace hyperbolic::text {

struct CountingOptions {
  unsigned threads = 0;               // 0: hardware concurrency
  std::size_t chunk_bytes = 1 << 22;  // read size per chunk
  // Called from the reader thread after each chunk: (bytes read, total bytes).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // Check every file is well-formed UTF-8 before counting (require_valid_utf8_file): bad text
  // is refused with its file and byte offset, not counted into tokens that no JSON can hold.
  // Off only for a caller that has checked the files already.
  bool check_utf8 = true;
};

struct TokenCounts {
  std::unordered_map<std::string, std::uint64_t> counts;  // token -> occurrences
  std::uint64_t total_tokens = 0;
  std::uint64_t bytes = 0;
  std::size_t files = 0;
  double seconds = 0;

  double megabytes_per_second() const { return seconds > 0 ? bytes / 1e6 / seconds : 0.0; }

  // (token, count), most frequent first; ties by token for stable output.
  std::vector<std::pair<std::string, std::uint64_t>> sorted() const {
    std::vector<std::pair<std::string, std::uint64_t>> out(counts.begin(), counts.end());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
  }
};

namespace detail {

// A bounded queue of text chunks between the reader and the workers.
class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t capacity) : capacity_(capacity) {}
  void push(std::string chunk) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(chunk));
    not_empty_.notify_one();
  }
  std::optional<std::string> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return chunk;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::deque<std::string> queue_;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
};

using PieceCounts = std::unordered_map<std::string, std::uint64_t>;

inline void merge_into(PieceCounts& into, PieceCounts&& from) {
  if (into.empty()) {
    into = std::move(from);
    return;
  }
  for (auto& [k, v] : from)
    into[k] += v;
}

}  // namespace detail

inline TokenCounts count_tokens(const std::vector<std::filesystem::path>& files,
                                const Tokenizer& tokenizer, const CountingOptions& options = {}) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t total_bytes = 0;
  for (const auto& f : files)
    total_bytes += std::filesystem::file_size(f);
  if (options.check_utf8)
    for (const auto& f : files)
      require_valid_utf8_file(f);
  const unsigned threads =
      std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());

  // Stage 1: pre-tokenize chunks into piece counts.
  detail::ChunkQueue queue(2 * threads);
  std::vector<detail::PieceCounts> piece_counts(threads);
  std::exception_ptr worker_error;
  std::mutex error_mutex;
  auto worker = [&](unsigned t) {
    try {
      while (auto chunk = queue.pop()) {
        tokenizer.split(*chunk,
                        [&](std::string_view piece) { ++piece_counts[t][std::string(piece)]; });
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!worker_error) worker_error = std::current_exception();
      while (queue.pop()) {
      }  // drain so the reader never blocks
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(worker, t);

  std::uint64_t bytes_read = 0;
  try {
    std::string buffer(options.chunk_bytes, '\0');
    for (const auto& path : files) {
      std::ifstream in(path, std::ios::binary);
      if (!in) throw std::runtime_error("cannot read " + path.string());
      std::string carry;
      while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        bytes_read += got;
        std::string chunk = std::move(carry);
        chunk.append(buffer.data(), got);
        // Cut after the last line break (or space) so pieces stay whole.
        std::size_t cut = chunk.find_last_of('\n');
        if (cut == std::string::npos) cut = chunk.find_last_of(' ');
        if (cut == std::string::npos || !in) {
          carry.clear();
        } else {
          carry = chunk.substr(cut + 1);
          chunk.resize(cut + 1);
        }
        queue.push(std::move(chunk));
        if (options.progress) options.progress(bytes_read, total_bytes);
      }
      if (!carry.empty()) queue.push(std::move(carry));
    }
  } catch (...) {
    queue.close();
    for (auto& t : pool)
      t.join();
    throw;
  }
  queue.close();
  for (auto& t : pool)
    t.join();
  if (worker_error) std::rethrow_exception(worker_error);

  detail::PieceCounts pieces;
  for (auto& pc : piece_counts)
    detail::merge_into(pieces, std::move(pc));

  // Stage 2: encode each distinct piece once, in parallel.
  std::vector<std::pair<std::string, std::uint64_t>> distinct(pieces.begin(), pieces.end());
  pieces.clear();
  std::vector<detail::PieceCounts> token_counts(threads);
  std::vector<std::uint64_t> token_totals(threads, 0);
  std::atomic<std::size_t> next{0};
  constexpr std::size_t kBatch = 512;
  auto encoder = [&](unsigned t) {
    try {
      for (std::size_t begin = next.fetch_add(kBatch); begin < distinct.size();
           begin = next.fetch_add(kBatch)) {
        const std::size_t end = std::min(distinct.size(), begin + kBatch);
        for (std::size_t i = begin; i < end; ++i) {
          const auto weight = distinct[i].second;
          tokenizer.encode_piece(distinct[i].first, [&](std::string_view token) {
            token_counts[t][std::string(token)] += weight;
            token_totals[t] += weight;
          });
        }
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!worker_error) worker_error = std::current_exception();
    }
  };
  pool.clear();
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(encoder, t);
  for (auto& t : pool)
    t.join();
  if (worker_error) std::rethrow_exception(worker_error);

  TokenCounts result;
  for (unsigned t = 0; t < threads; ++t) {
    detail::merge_into(result.counts, std::move(token_counts[t]));
    result.total_tokens += token_totals[t];
  }
  result.bytes = bytes_read;
  result.files = files.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// Counts of a string in memory (tests, small inputs).
inline TokenCounts count_tokens_in_text(std::string_view text, const Tokenizer& tokenizer) {
  TokenCounts result;
  tokenizer.tokenize(text, [&](std::string_view token) {
    ++result.counts[std::string(token)];
    ++result.total_tokens;
  });
  result.bytes = text.size();
  return result;
}

// The frequencies themselves, the sample a power law is fitted to.
inline std::vector<std::int64_t> frequencies(const TokenCounts& counts) {
  std::vector<std::int64_t> out;
  out.reserve(counts.counts.size());
  for (const auto& [token, count] : counts.counts)
    out.push_back(static_cast<std::int64_t>(count));
  return out;
}

}  // namespace hyperbolic::text
