// The name index of routing tables and mapping readers: it agrees with a map of names, and its
// hash tags spare it nearly every compare of names that are not equal.
#include "core/name_slots.h"

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace cellkit {
namespace {

RC_GTEST_PROP(NameSlots, AgreesWithAMapOfNames, ()) {
  // Short names over three letters: many repeats, and many names that share a slot.
  const auto names = *rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c')));
  std::vector<std::uint32_t> slots = detail::name_slots(names.size());
  std::vector<std::string> added;  // the names added, by index
  std::map<std::string, std::uint32_t> first;
  const auto name_of = [&](std::uint32_t i) { return std::string_view(added[i]); };
  for (const std::string& name : names) {
    const auto i = static_cast<std::uint32_t>(added.size());
    added.push_back(name);
    const std::optional<std::uint32_t> other = detail::add_name(slots, i, name_of);
    const auto known = first.find(name);
    RC_ASSERT(other == (known == first.end() ? std::nullopt : std::optional(known->second)));
    if (other) {
      added.pop_back();  // not in the index: the next name takes its index
    } else {
      first.emplace(name, i);
    }
  }
  for (const auto& [name, i] : first)
    RC_ASSERT(detail::find_name(slots, name, name_of) == std::optional(i));
  const std::string absent = *rc::gen::container<std::string>(rc::gen::element('a', 'd'));
  if (!first.contains(absent)) RC_ASSERT(!detail::find_name(slots, absent, name_of));
}

TEST(NameSlots, FindsNothingInAnEmptyIndex) {
  const auto name_of = [](std::uint32_t) { return std::string_view("x"); };
  EXPECT_EQ(detail::find_name({}, "x", name_of), std::nullopt);
  EXPECT_EQ(detail::find_name(detail::name_slots(0), "x", name_of), std::nullopt);
}

// 100,000 names. Without tags a probe compared every name on its way: adding them took 30,890
// compares besides reading each name once, and looking up 100,000 absent names 80,349; with
// tags, 0 and 4.
TEST(NameSlots, ComparesNamesOnlyWhenTheirTagsAgree) {
  constexpr std::uint32_t kNames = 100'000;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < kNames; ++i)
    names.push_back(fmt::format("tenant-{}", i));
  std::size_t compares = 0;
  const auto name_of = [&](std::uint32_t i) {
    ++compares;
    return std::string_view(names[i]);
  };
  std::vector<std::uint32_t> slots = detail::name_slots(kNames);
  for (std::uint32_t i = 0; i < kNames; ++i)
    ASSERT_EQ(detail::add_name(slots, i, name_of), std::nullopt);
  EXPECT_LT(compares, kNames + 100);  // each add reads its own name once
  compares = 0;
  for (std::uint32_t i = 0; i < kNames; ++i)
    ASSERT_EQ(detail::find_name(slots, fmt::format("absent-{}", i), name_of), std::nullopt);
  EXPECT_LT(compares, 100u);
  compares = 0;
  for (std::uint32_t i = 0; i < kNames; ++i)
    ASSERT_EQ(detail::find_name(slots, names[i], name_of), i);
  EXPECT_LT(compares, kNames + 100);  // the one equal name, and rarely another
}

}  // namespace
}  // namespace cellkit
