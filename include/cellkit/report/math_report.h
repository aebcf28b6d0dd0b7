// Renders `cellkit math` results as readable text or JSON.
#pragma once

#include <string>

#include "cellkit/analysis/closed_form.h"
#include "cellkit/report/number_style.h"

namespace cellkit {

// In the shared number style (number_style.h): exact integers with thousands separators,
// probabilities with fixed decimals lined up per column. Ends with a newline.
std::string render_math_text(const MathResult& result);

// One JSON object (schema in docs/analysis.md); exact integers that exceed 64 bits are
// strings of decimal digits.
std::string render_math_json(const MathResult& result);

}  // namespace cellkit
