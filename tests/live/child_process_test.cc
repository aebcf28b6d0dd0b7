// ChildProcess: lines from stdout, stop and kill, and no process left behind.
#include "cellkit/live/child_process.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "live/harness.h"

namespace cellkit::live::test {
namespace {

Result<ChildProcess> sh(const std::string& script) {
  return ChildProcess::spawn({"/bin/sh", "-c", script});
}

TEST(ChildProcess, ReadsStdoutLineByLine) {
  Result<ChildProcess> p = sh("echo one; echo two");
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(*p->read_line(2s), "one");
  EXPECT_EQ(*p->read_line(2s), "two");
  Result<std::string> none = p->read_line(2s);
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("stdout closed"), std::string::npos);
}

TEST(ChildProcess, ReadLineTimesOutWhenNothingComes) {
  Result<ChildProcess> p = sh("printf partial; sleep 30");
  ASSERT_TRUE(p.is_ok());
  Result<std::string> line = p->read_line(100ms);
  ASSERT_FALSE(line.is_ok());
  EXPECT_NE(line.status().message().find("no line within 100 ms"), std::string::npos);
  EXPECT_NE(line.status().message().find("partial"), std::string::npos);
}

TEST(ChildProcess, AMissingProgramFailsNamingIt) {
  Result<ChildProcess> p = ChildProcess::spawn({"/nonexistent/prog"});
  ASSERT_FALSE(p.is_ok());
  EXPECT_EQ(p.status().message(), "cannot run /nonexistent/prog: No such file or directory");
}

TEST(ChildProcess, DestructorKillsTheChildAndItsGroup) {
  pid_t child = 0;
  pid_t grandchild = 0;
  {
    Result<ChildProcess> p = sh("sleep 30 & echo $!; wait");
    ASSERT_TRUE(p.is_ok());
    child = p->pid();
    grandchild = std::stoi(*p->read_line(2s));
    EXPECT_TRUE(process_alive(child));
    EXPECT_TRUE(process_alive(grandchild));
  }
  EXPECT_FALSE(process_exists(child));
  EXPECT_TRUE(wait_gone(grandchild));
}

TEST(ChildProcess, StopSendsSigtermThenKillsAfterTheGrace) {
  Result<ChildProcess> polite = sh("trap 'exit 7' TERM; echo ready; while :; do sleep 0.01; done");
  ASSERT_TRUE(polite.is_ok());
  ASSERT_TRUE(polite->read_line(2s).is_ok());
  EXPECT_EQ(polite->stop(5s), (ExitStatus{true, 7, 0}));
  Result<ChildProcess> stubborn = sh("trap '' TERM; echo ready; while :; do sleep 0.01; done");
  ASSERT_TRUE(stubborn.is_ok());
  ASSERT_TRUE(stubborn->read_line(2s).is_ok());
  EXPECT_EQ(stubborn->stop(100ms), (ExitStatus{false, 0, SIGKILL}));
}

TEST(ChildProcess, WaitExitReportsTheExitCodeOrNothingWhileRunning) {
  Result<ChildProcess> quick = sh("exit 3");
  ASSERT_TRUE(quick.is_ok());
  EXPECT_EQ(quick->wait_exit(5s), (ExitStatus{true, 3, 0}));
  Result<ChildProcess> slow = sh("sleep 30");
  ASSERT_TRUE(slow.is_ok());
  EXPECT_EQ(slow->wait_exit(50ms), std::nullopt);
  EXPECT_TRUE(slow->running());
  EXPECT_EQ(slow->kill(), (ExitStatus{false, 0, SIGKILL}));
  EXPECT_FALSE(slow->running());
}

TEST(ChildProcess, ChildrenCanShareOneProcessGroup) {
  Result<ChildProcess> first = sh("sleep 30");
  ASSERT_TRUE(first.is_ok());
  SpawnOptions same;
  same.process_group = first->process_group();
  Result<ChildProcess> second = ChildProcess::spawn({"/bin/sh", "-c", "sleep 30"}, same);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(getpgid(second->pid()), first->pid());
  ::kill(-first->process_group(), SIGTERM);
  EXPECT_TRUE(first->wait_exit(5s).has_value());
  EXPECT_TRUE(second->wait_exit(5s).has_value());
}

TEST(ChildProcess, ExitStatusReadsAsText) {
  EXPECT_EQ(to_string(ExitStatus{true, 0, 0}), "exit 0");
  EXPECT_EQ(to_string(ExitStatus{false, 0, SIGKILL}), "signal 9 (Killed)");
}

}  // namespace
}  // namespace cellkit::live::test
