// Reading a mapping file whole and choosing its parser.
#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool looks_like_json(std::string_view path, std::string_view text) {
  if (ends_with(path, ".json")) return true;
  if (ends_with(path, ".csv")) return false;
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

Result<MappingDocument> read_mapping_file(const std::string& path, const ReadOptions& options,
                                          ReadReport* report) {
  Result<std::string> text = read_file(path);
  if (!text.is_ok()) return text.status();
  if (!looks_like_json(path, *text)) return parse_mapping_csv(*text, path, options, report);
  Result<MappingDocument> doc = parse_mapping_json(*text, path);
  if (doc.is_ok() && report != nullptr) report->lines = doc->tenants.size();
  return doc;
}

}  // namespace cellkit
