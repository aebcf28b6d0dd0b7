#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("cellkit_mapping_file_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(ReadMappingFile, ReadsCsvByExtension) {
  const std::string path = write_temp("a.csv", "acme,c1,c2\n");
  ReadReport report;
  Result<MappingDocument> doc = read_mapping_file(path, {}, &report);
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  EXPECT_EQ(doc->tenants.size(), 1u);
  EXPECT_EQ(report.lines, 1u);
}

TEST(ReadMappingFile, ReadsJsonByExtensionAndByFirstByte) {
  const std::string json =
      "{\"format\": \"cellkit.mapping\", \"version\": 1, \"cells\": [{\"name\": \"c1\"}],\n"
      " \"tenants\": [{\"name\": \"acme\", \"cells\": [\"c1\"]}]}\n";
  for (const std::string name : {"b.json", "b.mapping"}) {
    Result<MappingDocument> doc = read_mapping_file(write_temp(name, json));
    ASSERT_TRUE(doc.is_ok()) << doc.status().message();
    EXPECT_EQ(doc->tenants.at(0).name, "acme");
  }
}

TEST(ReadMappingFile, NamesTheFileInCsvErrors) {
  const std::string path = write_temp("c.csv", "acme,c1\nacme,c2\n");
  EXPECT_EQ(read_mapping_file(path).status().message(),
            path + ":2: tenant 'acme' is listed twice (first on line 1)");
}

TEST(ReadMappingFile, SaysWhenTheFileCannotBeOpened) {
  const Result<MappingDocument> doc = read_mapping_file("/nonexistent/m.csv");
  EXPECT_EQ(doc.status().message(), "cannot read '/nonexistent/m.csv': No such file or directory");
  EXPECT_EQ(doc.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cellkit
