// Reading a mapping file whole and choosing its parser.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Why a path that opened cannot be read as a file, or nothing when it can: a directory
// or a device has no size to read (a pipe has none either, but is read to its end).
std::string not_a_file(std::FILE* file) {
  struct stat info {};
  if (fstat(fileno(file), &info) != 0) return std::strerror(errno);
  if (S_ISDIR(info.st_mode)) return "is a directory";
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) return "is not a regular file";
  return {};
}

}  // namespace

// One read of the whole file (fread into a sized buffer), not a stream per line.
Result<std::string> read_text_file(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return not_found(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  if (const std::string why = not_a_file(file.get()); !why.empty()) {
    return invalid_argument(fmt::format("cannot read '{}': {}", path, why));
  }
  std::string text;
  char buffer[1 << 16];
  // A pipe cannot seek: ftell gives -1 and the text grows as it is read.
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    std::fseek(file.get(), 0, SEEK_SET);
    if (size > 0) text.reserve(static_cast<std::size_t>(size));
  }
  std::clearerr(file.get());
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0;)
    text.append(buffer, n);
  if (std::ferror(file.get())) {
    return data_loss(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  return text;
}

namespace {

bool looks_like_json(std::string_view path, std::string_view text) {
  if (ends_with(path, ".json")) return true;
  if (ends_with(path, ".csv")) return false;
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

Result<MappingDocument> read_mapping_file(const std::string& path, const ReadOptions& options,
                                          ReadReport* report) {
  Result<std::string> text = read_text_file(path);
  if (!text.is_ok()) return text.status();
  if (!looks_like_json(path, *text)) return parse_mapping_csv(*text, path, options, report);
  Result<MappingDocument> doc = parse_mapping_json(*text, path);
  if (doc.is_ok() && report != nullptr) report->lines = doc->tenants.size();
  return doc;
}

}  // namespace cellkit
