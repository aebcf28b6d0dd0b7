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

// cut(text, max) for a reply body: whole when it fits, else the most whole characters within
// `max` bytes and how many bytes were left out.
TEST(CutToMax, KeepsWholeCharactersAndSaysHowMuchWasLeftOut) {
  const std::string e = "\xc3\xa9";             // é, two bytes
  const std::string euro = "\xe2\x82\xac";      // €, three bytes
  const std::string grin = "\xf0\x9f\x98\x80";  // U+1F600, four bytes
  struct Row {
    std::string text;
    std::size_t max;
    std::string shown;
  };
  const Row rows[] = {
      {"", 5, ""},
      {"short", 5, "short"},                                              // fits exactly: unchanged
      {"abcdefgh", 5, "abcde... (3 more bytes)"},                         // ASCII
      {"abcd" + e + "xyz", 5, "abcd... (5 more bytes)"},                  // byte 5 inside é
      {"abcd" + e + "xyz", 6, "abcd" + e + "... (3 more bytes)"},         // é ends at 6
      {"ab" + euro + euro, 4, "ab... (6 more bytes)"},                    // byte 4 inside €
      {"ab" + euro + euro, 3, "ab... (6 more bytes)"},                    // byte 3 inside € too
      {"ab" + grin + "c", 2, "ab... (5 more bytes)"},                     // cut before U+1F600
      {"ab" + grin + "c", 3, "ab... (5 more bytes)"},                     // byte 3 inside it
      {"ab" + grin + "c", 5, "ab... (5 more bytes)"},                     // byte 5 inside it too
      {"ab" + grin + "c", 6, "ab" + grin + "... (1 more bytes)"},         // it ends at 6
      {"\xff\xfe\xfd\xfc\xfb\xfa", 3, "\xff\xfe\xfd... (3 more bytes)"},  // not UTF-8: at max
      {std::string(8, '\x80'), 5,
       std::string(5, '\x80') + "... (3 more bytes)"},  // no lead byte: at max
      {std::string(100'000, 'a'), 200, std::string(200, 'a') + "... (99800 more bytes)"},
  };
  for (const Row& row : rows)
    EXPECT_EQ(cut(row.text, row.max), row.shown) << "max " << row.max << ", text " << row.text;
}

}  // namespace
}  // namespace cellkit
