// Signs requests described as JSON lines on stdin with atrest's SigV4 and prints one line per
// request: the Authorization header, or with --canonical a JSON object that also carries the
// canonical request. Driven by sigv4_differential.py, which compares it with botocore.
//
// Input line: {"method", "url", "headers": [[name, value], ...], "body" | "body_hex",
//              "access_key", "secret_key", "token", "region", "service", "epoch"}
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sources/aws/sigv4.h"

namespace {

using atrest::aws::Credentials;
using atrest::aws::HttpRequest;

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error("bad hex digit");
  };
  if (hex.size() % 2) throw std::runtime_error("odd hex length");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
  return out;
}

// A JSON string literal; control bytes escaped, everything else (UTF-8 included) passed through.
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string str(simdjson::ondemand::value v) { return std::string(std::string_view(v.get_string())); }

}  // namespace

int main(int argc, char** argv) {
  const bool canonical = argc > 1 && std::string_view(argv[1]) == "--canonical";
  simdjson::ondemand::parser parser;
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.empty()) continue;
    try {
      simdjson::padded_string json(line);
      simdjson::ondemand::document doc = parser.iterate(json);
      simdjson::ondemand::object o = doc.get_object();
      HttpRequest request;
      Credentials creds;
      std::string region, service;
      int64_t epoch = 0;
      // Fields in document order: on-demand parsing reads each value once.
      for (auto field : o) {
        std::string_view key = field.unescaped_key();
        simdjson::ondemand::value v = field.value();
        if (key == "method") request.method = str(v);
        else if (key == "url") request.url = str(v);
        else if (key == "body") request.body = str(v);
        else if (key == "body_hex") request.body = from_hex(std::string_view(v.get_string()));
        else if (key == "access_key") creds.access_key_id = str(v);
        else if (key == "secret_key") creds.secret_access_key = str(v);
        else if (key == "token") creds.session_token = str(v);
        else if (key == "region") region = str(v);
        else if (key == "service") service = str(v);
        else if (key == "epoch") epoch = v.get_int64();
        else if (key == "headers") {
          for (auto pair : v.get_array()) {
            simdjson::ondemand::array kv = pair.get_array();
            auto it = kv.begin();
            std::string name = str(*it);
            ++it;
            request.headers.emplace_back(std::move(name), str(*it));
          }
        }
      }
      const auto now = static_cast<std::time_t>(epoch);
      std::string canon = canonical ? atrest::aws::canonical_request_v4(request, creds, now) : "";
      atrest::aws::sign_v4(request, creds, region, service, now);
      std::string auth;
      for (const auto& [k, v] : request.headers) {
        if (k == "Authorization") auth = v;
      }
      if (canonical) {
        std::cout << "{\"authorization\":" << json_string(auth) << ",\"canonical\":" << json_string(canon)
                  << "}\n";
      } else {
        std::cout << auth << '\n';
      }
    } catch (const std::exception& e) {
      std::cerr << "sigv4_tool: line " << line_no << ": " << e.what() << '\n';
      return 1;
    }
  }
  return 0;
}
