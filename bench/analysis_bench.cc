// Mapping analysis at scale: 1,000,000 tenants, k=4, 2,048 cells. Reading the CSV (MB/s),
// the analysis alone, and the full analysis including reading the file, with peak memory.
// The CSV is generated into /tmp once (seeded, so every run measures the same file).
#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "cellkit/analysis/analyzer.h"
#include "cellkit/base/random.h"
#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

constexpr std::uint32_t kTenants = 1'000'000;
constexpr std::uint32_t kCells = 2048;
constexpr std::uint32_t kShardSize = 4;
const std::string kPath = "/tmp/cellkit_analysis_1m_k4_2048.csv";

// k distinct cells by rejection: cheap when k ≪ N, and fully specified by our Random.
std::string random_line(std::uint32_t tenant, Random& random) {
  std::uint32_t cells[kShardSize];
  for (std::uint32_t i = 0; i < kShardSize;) {
    const auto c = static_cast<std::uint32_t>(random.index(kCells));
    if (std::find(cells, cells + i, c) == cells + i) cells[i++] = c;
  }
  return fmt::format("tenant-{},cell-{},cell-{},cell-{},cell-{}\n", tenant, cells[0], cells[1],
                     cells[2], cells[3]);
}

void generate_csv() {
  if (std::filesystem::exists(kPath)) return;
  Random random(20261125);
  std::string text;
  for (std::uint32_t t = 0; t < kTenants; ++t)
    text += random_line(t, random);
  if (Status s = write_file_atomically(kPath, text); !s.is_ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    std::exit(1);
  }
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

MappingDocument read_or_die() {
  Result<MappingDocument> doc = read_mapping_file(kPath);
  if (!doc.is_ok()) {
    std::fprintf(stderr, "%s\n", doc.status().message().c_str());
    std::exit(1);
  }
  return std::move(*doc);
}

Result<AnalysisResult> analyze_document(const MappingDocument& doc) {
  return analyze({.fleet = doc.fleet,
                  .mapping = doc.mapping,
                  .tenants = doc.tenants,
                  .zone_names = doc.zone_names});
}

void BM_ReadCsv(benchmark::State& state) {
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(kPath));
  for (auto _ : state)
    benchmark::DoNotOptimize(read_or_die());
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
// Bytes per CPU second: the machine is shared, and wall time counts other people's work.
BENCHMARK(BM_ReadCsv)->Unit(benchmark::kMillisecond);

void BM_AnalyzeOnly(benchmark::State& state) {
  const MappingDocument doc = read_or_die();
  for (auto _ : state)
    benchmark::DoNotOptimize(analyze_document(doc));
  state.SetItemsProcessed(state.iterations() * kTenants);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_AnalyzeOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// What `cellkit analyze` does: read the file, then analyze it.
void BM_ReadAndAnalyze(benchmark::State& state) {
  for (auto _ : state) {
    const MappingDocument doc = read_or_die();
    benchmark::DoNotOptimize(analyze_document(doc));
  }
  state.SetItemsProcessed(state.iterations() * kTenants);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ReadAndAnalyze)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cellkit

int main(int argc, char** argv) {
  cellkit::generate_csv();
  if (argc > 1 && std::strcmp(argv[1], "--generate-only") == 0) {
    std::printf("%s\n", cellkit::kPath.c_str());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
