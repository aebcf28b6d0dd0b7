// Renders `cellkit math` results as readable text or JSON.
#pragma once

#include <string>

#include "cellkit/analysis/closed_form.h"

namespace cellkit {

// Probabilities to 6 significant digits, exact integers with thousands separators. Ends
// with a newline.
std::string render_math_text(const MathResult& result);

// One JSON object (schema in docs/analysis.md); exact integers that exceed 64 bits are
// strings of decimal digits.
std::string render_math_json(const MathResult& result);

// 6 significant digits, as used in every cellkit analysis report ("0.708576", "4.34216e-06").
std::string format_probability(double p);

}  // namespace cellkit
