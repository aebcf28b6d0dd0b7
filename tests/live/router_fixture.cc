#include "live/router_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cellkit::live::test {

RouterFleet::RouterFleet(int cells, std::vector<std::string> cell_args)
    : cell_args_(std::move(cell_args)) {
  static int counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         fmt::format("cellkit-router-{}-{}", ::getpid(), counter++);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ / "state");
  for (int i = 0; i < cells; ++i) {
    std::vector<std::string> args{"cell", "--listen", "127.0.0.1:0", "--name",
                                  fmt::format("cell-{}", i)};
    args.insert(args.end(), cell_args_.begin(), cell_args_.end());
    Result<Server> s = start_server(args);
    if (!s.is_ok()) ADD_FAILURE() << s.status().message();
    if (s.is_ok()) cells_.push_back(std::move(*s));
  }
}

RouterFleet::~RouterFleet() {
  router_.reset();
  cells_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RouterFleet::write_mapping(const std::vector<TenantSpec>& tenants,
                                       std::uint64_t version, const std::string& file) {
  std::string text = fmt::format(
      "{{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": {},\n\"cells\": [\n",
      version);
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    text += fmt::format("{{\"id\": {}, \"name\": \"cell-{}\", \"endpoint\": \"{}\"}}{}\n", i, i,
                        to_string(cells_[i].endpoint), i + 1 < cells_.size() ? "," : "");
  }
  text += "],\n\"tenants\": [\n";
  for (std::size_t t = 0; t < tenants.size(); ++t) {
    std::string cells;
    for (int c : tenants[t].cells)
      cells += fmt::format("{}\"cell-{}\"", cells.empty() ? "" : ", ", c);
    text += fmt::format("{{\"name\": \"{}\", \"cells\": [{}]}}{}\n", tenants[t].name, cells,
                        t + 1 < tenants.size() ? "," : "");
  }
  text += "]}\n";
  const std::string path = (dir_ / file).string();
  std::ofstream(path) << text;
  return path;
}

void RouterFleet::start_router(const std::string& snapshot, std::vector<std::string> extra) {
  std::vector<std::string> args{"router",      "--listen",    "127.0.0.1:0", "--admin",
                                "127.0.0.1:0", "--state-dir", state_dir()};
  // Fast health settings unless the test gives its own.
  for (const auto& [flag, value] :
       {std::pair<std::string, std::string>{"--health-interval", "100ms"},
        {"--ejection-time", "300ms"},
        {"--healthy-after", "2"}}) {
    if (std::find(extra.begin(), extra.end(), flag) == extra.end())
      args.insert(args.end(), {flag, value});
  }
  if (!snapshot.empty()) args.insert(args.end(), {"--snapshot", snapshot});
  args.insert(args.end(), extra.begin(), extra.end());
  Result<Server> s = start_server(args);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  router_.emplace(std::move(*s));
  Result<std::string> line = router_->process.read_line(std::chrono::seconds(5));
  ASSERT_TRUE(line.is_ok()) << line.status().message();
  ASSERT_TRUE(line->starts_with("admin on ")) << *line;
  Result<Endpoint> admin = parse_endpoint(line->substr(9));
  ASSERT_TRUE(admin.is_ok()) << admin.status().message();
  admin_ = *admin;
}

void RouterFleet::restart_cell(int i) {
  Server& old = cells_[static_cast<std::size_t>(i)];
  old.process.kill();
  std::vector<std::string> args{"cell", "--listen", to_string(old.endpoint), "--name",
                                fmt::format("cell-{}", i)};
  args.insert(args.end(), cell_args_.begin(), cell_args_.end());
  Result<Server> s = start_server(args);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  old = std::move(*s);
}

}  // namespace cellkit::live::test
