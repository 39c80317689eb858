#pragma once
// The UserError a piece of code throws, for tests of bad input.
#include <gtest/gtest.h>

#include <functional>

#include "util/error.h"

namespace hb::testing {

// Runs `f` and returns the UserError it throws (fails the test otherwise).
inline UserError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a UserError";
  return UserError("<none>");
}

}  // namespace hb::testing
