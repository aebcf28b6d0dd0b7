// One self-contained HTML report page: inline CSS, inline SVG charts, tables; no script, no
// font or image from anywhere else, so it opens from disk and prints. Same calls, same bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cellkit/report/svg_chart.h"

namespace cellkit::html {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // cells as plain text (escaped when rendered)
  std::vector<bool> numeric;                   // per column: right-aligned (may be shorter)
};

class Page {
 public:
  // `title` heads the page and names it; `subtitle` says what was run on what.
  Page(std::string title, std::string subtitle);

  // Starts a section headed `heading`; what follows goes into it.
  void section(const std::string& heading, const std::string& id);
  void paragraph(const std::string& text);
  // Headline figures as label/value cards.
  void facts(const std::vector<std::pair<std::string, std::string>>& facts);
  void chart(const chart::Chart& chart);
  void table(const Table& table);
  // Markup the caller built and escaped itself (a diagram's SVG).
  void raw(const std::string& markup);

  // The whole document, ending with a newline.
  std::string render() const;

 private:
  void close_section();
  std::string title_, subtitle_, body_, nav_;
  bool in_section_ = false;
};

}  // namespace cellkit::html
