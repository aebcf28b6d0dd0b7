#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

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

TEST(ReadTextFile, RefusesADirectoryByName) {
  const auto dir = std::filesystem::temp_directory_path() / "cellkit_mapping_file_dir.csv";
  std::filesystem::create_directories(dir);
  const std::string expected = "cannot read '" + dir.string() + "': is a directory";
  EXPECT_EQ(read_file(dir.string()).status().message(), expected);
  EXPECT_EQ(read_file(dir.string()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(read_mapping_file(dir.string()).status().message(), expected);
}

TEST(ReadTextFile, RefusesADeviceByName) {
  EXPECT_EQ(read_file("/dev/null").status().message(),
            "cannot read '/dev/null': is not a regular file");
}

TEST(ReadTextFile, ReadsAPipeToItsEnd) {
  const auto fifo = std::filesystem::temp_directory_path() / "cellkit_mapping_file_fifo";
  std::filesystem::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << "acme,c1,c2\n"; });
  const Result<std::string> text = read_file(fifo.string());
  writer.join();
  std::filesystem::remove(fifo);
  ASSERT_TRUE(text.is_ok()) << text.status().message();
  EXPECT_EQ(*text, "acme,c1,c2\n");
}

}  // namespace
}  // namespace cellkit
