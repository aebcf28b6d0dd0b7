// Reading whole files and writing files atomically, under injected file-system faults.
#include "cellkit/io/file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace cellkit {
namespace {

namespace fs = std::filesystem;

// The real file system with faults injected by call count (1-based; 0 = never).
class FaultyFileSystem : public FileSystem {
 public:
  int fail_write = 0;             // this write fails with `write_errno`
  int write_errno = ENOSPC;       // ENOSPC: the disk is full
  long short_writes = 0;          // when > 0, every write takes at most this many bytes
  bool full_after_short = false;  // after the first short write, writes take nothing
  int fail_fsync = 0;
  int fail_rename = 0;
  int fail_read = 0;
  int signal_on_write = 0;  // raise this signal on the first write
  int writes = 0, fsyncs = 0, renames = 0, reads = 0;

  int open_read(const std::string& p) override { return real().open_read(p); }
  int open_write(const std::string& p) override { return real().open_write(p); }
  int create_exclusive(const std::string& p) override { return real().create_exclusive(p); }
  long read(int fd, char* d, std::size_t n) override {
    if (++reads == fail_read) return errno = EIO, -1;
    return real().read(fd, d, n);
  }
  long write(int fd, const char* d, std::size_t n) override {
    ++writes;
    if (signal_on_write != 0) std::raise(signal_on_write);
    if (writes == fail_write) return errno = write_errno, -1;
    if (full_after_short && writes > 1) return 0;
    if (short_writes > 0) n = std::min<std::size_t>(n, static_cast<std::size_t>(short_writes));
    return real().write(fd, d, n);
  }
  int fstat(int fd, struct stat* i) override { return real().fstat(fd, i); }
  int lstat(const std::string& p, struct stat* i) override { return real().lstat(p, i); }
  int stat(const std::string& p, struct stat* i) override { return real().stat(p, i); }
  int fchmod(int fd, mode_t m) override { return real().fchmod(fd, m); }
  int fsync(int fd) override {
    if (++fsyncs == fail_fsync) return errno = EIO, -1;
    return real().fsync(fd);
  }
  int close(int fd) override { return real().close(fd); }
  int rename(const std::string& a, const std::string& b) override {
    if (++renames == fail_rename) return errno = EXDEV, -1;
    return real().rename(a, b);
  }
  int unlink(const std::string& p) override { return real().unlink(p); }
  int mkdir(const std::string& p) override { return real().mkdir(p); }

 private:
  static FileSystem& real() { return real_file_system(); }
};

// A fresh directory per test, removed afterwards.
class FileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("cellkit_file_" +
            std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string contents(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void put(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
  }
  // Every name in the directory, so a test sees any temporary file left behind.
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      out.insert(e.path().filename().string());
    return out;
  }

  fs::path dir_;
};

TEST_F(FileTest, WritesANewFileAndReplacesAnOldOne) {
  ASSERT_TRUE(write_file_atomically(path("m.json"), "first").is_ok());
  ASSERT_TRUE(write_file_atomically(path("m.json"), "second").is_ok());
  EXPECT_EQ(contents(path("m.json")), "second");
  EXPECT_EQ(names(), std::set<std::string>{"m.json"});
}

TEST_F(FileTest, KeepsTheModeOfTheFileItReplaces) {
  put("m.json", "old");
  ASSERT_EQ(::chmod(path("m.json").c_str(), 0640), 0);
  ASSERT_TRUE(write_file_atomically(path("m.json"), "new").is_ok());
  struct stat info {};
  ASSERT_EQ(::stat(path("m.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
}

TEST_F(FileTest, NeverWritesThroughASymlinkAtTheOldTemporaryName) {
  put("victim", "precious");
  fs::create_symlink(path("victim"), path("out.json.tmp"));
  ASSERT_TRUE(write_file_atomically(path("out.json"), "mapping").is_ok());
  EXPECT_EQ(contents(path("victim")), "precious");
  EXPECT_FALSE(fs::is_symlink(path("out.json")));
  EXPECT_EQ(contents(path("out.json")), "mapping");
}

TEST_F(FileTest, ReplacesASymlinkAtTheTargetInsteadOfWritingThroughIt) {
  put("victim", "precious");
  fs::create_symlink(path("victim"), path("out.json"));
  ASSERT_TRUE(write_file_atomically(path("out.json"), "mapping").is_ok());
  EXPECT_EQ(contents(path("victim")), "precious");
  EXPECT_FALSE(fs::is_symlink(path("out.json")));
}

// `-o /dev/null` as root renamed a regular file over /dev/null, which every process of the
// machine writes to: a device (here through a symlink, so the test cannot harm /dev) is
// written in place and stays what it is.
TEST_F(FileTest, WritesThroughASymlinkToADeviceInsteadOfReplacingIt) {
  fs::create_symlink("/dev/null", path("discard"));
  ASSERT_TRUE(write_file_atomically(path("discard"), "mapping").is_ok());
  EXPECT_TRUE(fs::is_symlink(path("discard")));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_EQ(names(), std::set<std::string>{"discard"});
}

// A named pipe is written in place, for the reader waiting on it; in a set, beside a file
// that is replaced.
TEST_F(FileTest, WritesANamedPipeInPlaceForItsReader) {
  ASSERT_EQ(::mkfifo(path("pipe").c_str(), 0600), 0);
  const int reader = ::open(path("pipe").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  put("m.json", "old");
  const std::vector<FileContents> set = {{path("pipe"), "through the pipe"},
                                         {path("m.json"), "new"}};
  ASSERT_TRUE(write_files_atomically(set).is_ok());
  char read_back[64] = {};
  const long n = ::read(reader, read_back, sizeof read_back);
  ::close(reader);
  EXPECT_EQ(std::string(read_back, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe");
  EXPECT_TRUE(fs::is_fifo(path("pipe")));
  EXPECT_EQ(contents(path("m.json")), "new");
  EXPECT_EQ(names(), (std::set<std::string>{"m.json", "pipe"}));
}

TEST_F(FileTest, NamesTheTargetWhenTheDirectoryIsMissing) {
  const Status s = write_file_atomically("/nonexistent-dir/m.json", "x");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "cannot write '/nonexistent-dir/m.json': No such file or directory");
}

TEST_F(FileTest, RefusesAnEmptyFileName) {
  EXPECT_EQ(write_file_atomically("", "x").message(), "cannot write '': the file name is empty");
}

TEST_F(FileTest, LoopsOverShortWrites) {
  FaultyFileSystem faulty;
  faulty.short_writes = 3;
  ASSERT_TRUE(write_file_atomically(path("m.json"), "a longer text", faulty).is_ok());
  EXPECT_EQ(contents(path("m.json")), "a longer text");
  EXPECT_EQ(faulty.writes, 5);
}

TEST_F(FileTest, ADiskThatFillsMidWriteLeavesTheOldFileAndNoTemporary) {
  put("m.json", "old");
  FaultyFileSystem faulty;
  faulty.short_writes = 2;
  faulty.full_after_short = true;
  const Status s = write_file_atomically(path("m.json"), "new contents", faulty);
  EXPECT_EQ(s.message(), "cannot write '" + path("m.json") + "': No space left on device");
  EXPECT_EQ(contents(path("m.json")), "old");
  EXPECT_EQ(names(), std::set<std::string>{"m.json"});
}

// A set of three files, as `simulate --out` writes: a failure at any write, sync or the
// first rename leaves every old file as it was and no temporary file.
TEST_F(FileTest, ASetIsWrittenWholeOrNotAtAllWhicheverWriteFails) {
  for (int n = 1; n <= 3; ++n) {
    put("a.csv", "old a");
    put("b.csv", "old b");
    FaultyFileSystem faulty;
    faulty.fail_write = n;
    const std::vector<FileContents> files = {
        {path("a.csv"), "new a"}, {path("b.csv"), "new b"}, {path("c.json"), "new c"}};
    const Status s = write_files_atomically(files, faulty);
    EXPECT_FALSE(s.is_ok()) << "write " << n;
    EXPECT_EQ(contents(path("a.csv")), "old a") << "write " << n;
    EXPECT_EQ(contents(path("b.csv")), "old b") << "write " << n;
    EXPECT_EQ(names(), (std::set<std::string>{"a.csv", "b.csv"})) << "write " << n;
  }
}

TEST_F(FileTest, AFailedSyncLeavesNothingPartial) {
  FaultyFileSystem faulty;
  faulty.fail_fsync = 2;
  const std::vector<FileContents> files = {{path("a"), "a"}, {path("b"), "b"}};
  EXPECT_EQ(write_files_atomically(files, faulty).message(),
            "cannot write '" + path("b") + "': Input/output error");
  EXPECT_TRUE(names().empty());
}

TEST_F(FileTest, AFailedRenameSaysWhichFilesOfTheSetWereReplaced) {
  FaultyFileSystem faulty;
  faulty.fail_rename = 2;
  const std::vector<FileContents> files = {{path("a"), "a"}, {path("b"), "b"}, {path("c"), "c"}};
  EXPECT_EQ(write_files_atomically(files, faulty).message(),
            "cannot replace '" + path("b") +
                "': Invalid cross-device link (the first 1 of the 3 "
                "files were replaced)");
  EXPECT_EQ(names(), std::set<std::string>{"a"});
}

TEST_F(FileTest, RefusesTwoEntriesNamingOneFileBeforeWriting) {
  put("m.json", "old");
  const std::vector<FileContents> files = {{path("m.json"), "a"},
                                           {(dir_ / "." / "m.json").string(), "b"}};
  const Status s = write_files_atomically(files);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(contents(path("m.json")), "old");
}

TEST_F(FileTest, SameFileSeesThroughLinksAndDotsAndNamesNotYetWritten) {
  put("m.json", "x");
  fs::create_symlink(path("m.json"), path("link"));
  EXPECT_TRUE(same_file(path("m.json"), path("link")));
  EXPECT_TRUE(same_file(path("new.json"), (dir_ / "sub" / ".." / "new.json").string()));
  EXPECT_FALSE(same_file(path("m.json"), path("new.json")));
}

TEST_F(FileTest, ASignalDuringTheWriteRemovesTheTemporaryFile) {
  EXPECT_EXIT(
      {
        FaultyFileSystem faulty;
        faulty.signal_on_write = SIGTERM;
        (void)write_file_atomically(path("m.json"), "contents", faulty);
      },
      testing::KilledBySignal(SIGTERM), "");
  EXPECT_TRUE(names().empty());
}

TEST_F(FileTest, ReadsAFileWholeAndNamesAReadError) {
  put("m.json", std::string(200000, 'x'));
  EXPECT_EQ(read_file(path("m.json"))->size(), 200000u);
  FaultyFileSystem faulty;
  faulty.fail_read = 2;
  const Result<std::string> r = read_file(path("m.json"), faulty);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "cannot read '" + path("m.json") + "': Input/output error");
}

TEST_F(FileTest, RefusesAFileOverTheLimitBeforeReadingIt) {
  put("big.json", "");
  fs::resize_file(path("big.json"), kMaxInputFileBytes + 1);  // sparse: no data on disk
  FaultyFileSystem counting;
  const Result<std::string> r = read_file(path("big.json"), counting);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "cannot read '" + path("big.json") + "': is larger than 1 GiB, the most cellkit reads");
  EXPECT_EQ(counting.reads, 0);
}

TEST_F(FileTest, PreparesAnOutputDirectoryAndRefusesOneThatCannotHoldFiles) {
  ASSERT_TRUE(prepare_output_directory(path("out/runs")).is_ok());
  EXPECT_TRUE(fs::is_directory(path("out/runs")));
  EXPECT_TRUE(fs::is_empty(path("out/runs")));
  const Status s = prepare_output_directory("/proc/cellkit-cannot-create");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message().rfind("cannot create the directory '/proc/cellkit-cannot-create': ", 0), 0u)
      << s.message();
}

// A pipe has no size to check first: read_file refuses once the stream passes 1 GiB, having
// kept at most the limit, while a writer streams without end (it stops at EPIPE once the
// reader has closed; at 2 GiB if the reader never refused).
TEST_F(FileTest, RefusesAPipeOnceItPassesTheLimit) {
  const std::string fifo = path("stream");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  std::signal(SIGPIPE, SIG_IGN);
  std::uint64_t written = 0;
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const std::string chunk(1 << 16, 'x');
    while (fd >= 0 && written < 2 * kMaxInputFileBytes) {
      const ssize_t n = ::write(fd, chunk.data(), chunk.size());
      if (n <= 0) break;
      written += static_cast<std::uint64_t>(n);
    }
    if (fd >= 0) ::close(fd);
  });
  const Result<std::string> r = read_file(fifo);
  writer.join();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "cannot read '" + fifo + "': is larger than 1 GiB, the most cellkit reads");
  EXPECT_GT(written, kMaxInputFileBytes);
  EXPECT_LT(written, kMaxInputFileBytes + (std::uint64_t{1} << 20));
}

}  // namespace
}  // namespace cellkit
