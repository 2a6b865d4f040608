#include "core/status.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::Error("odd number " + std::to_string(x) + ": pass an even one");
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd number 3: pass an even one");
}

}  // namespace
}  // namespace tocsin
