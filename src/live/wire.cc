// The request path's message writer.
#include "live/wire.h"

#include <charconv>

namespace cellkit::live {
namespace {

void append(std::string& out, beast::string_view s) {
  out.append(s.data(), s.size());
}

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(std::string& out, const http::fields& fields) {
  for (const auto& f : fields) {
    append(out, f.name_string());
    out += ": ";
    append(out, f.value());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

void write_head(std::string& out, const http::request<http::string_body>& req) {
  out.clear();
  append(out, req.method_string());
  out += ' ';
  append(out, req.target());
  out += ' ';
  append_version(out, req.version());
  out += "\r\n";
  append_fields(out, req.base());
}

void write_head(std::string& out, const http::response<http::string_body>& res) {
  out.clear();
  append_version(out, res.version());
  out += ' ';
  char code[3] = {'0', '0', '0'};
  const unsigned status = res.result_int();
  code[0] = static_cast<char>('0' + status / 100 % 10);
  code[1] = static_cast<char>('0' + status / 10 % 10);
  code[2] = static_cast<char>('0' + status % 10);
  out.append(code, 3);
  out += ' ';
  append(out, res.reason());
  out += "\r\n";
  append_fields(out, res.base());
}

}  // namespace cellkit::live
