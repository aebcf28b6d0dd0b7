#include "cellkit/base/cut.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

TEST(Cut, KeepsShortTextAndCutsLongTextAfter40Bytes) {
  EXPECT_EQ(cut(""), "");
  EXPECT_EQ(cut(std::string(40, 'a')), std::string(40, 'a'));
  EXPECT_EQ(cut(std::string(41, 'a')), std::string(40, 'a') + "...");
  EXPECT_EQ(cut(std::string(1'000'000, 'a')), std::string(40, 'a') + "...");
}

// "a" and 30 two-byte "é": byte 40 is the second byte of the 20th "é", so the cut ends
// before it rather than leaving half a character.
TEST(Cut, NeverEndsInsideAUtf8Sequence) {
  std::string text = "a";
  for (int i = 0; i < 30; ++i)
    text += "\xc3\xa9";
  std::string expected = "a";
  for (int i = 0; i < 19; ++i)
    expected += "\xc3\xa9";
  EXPECT_EQ(cut(text), expected + "...");
}

}  // namespace
}  // namespace cellkit
