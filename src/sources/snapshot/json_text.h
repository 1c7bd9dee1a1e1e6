// Reading JSON files for the snapshot source: transparent gzip, a UTF-8 BOM, and one-line
// errors with line:column when the text is not valid JSON.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

namespace atrest {

// A reusable, simdjson-padded buffer for one file's text: reading a million resources from
// thousands of files allocates it once, not once per file. (Measured: mmap of the files was no
// faster than read(2) into this buffer on 1M resources, so there is one way to load a file.)
class JsonBuffer {
 public:
  const char* data() const { return buf_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data(), size_}; }
  // Makes room for n bytes (plus padding), keeping the first size() bytes.
  char* reserve(size_t n);
  void resize(size_t n);  // n <= reserved; zeroes the padding after the text
  void drop_prefix(size_t n);

 private:
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

// Loads `path` into `out`, gunzipping when the file starts with the gzip magic bytes and
// dropping a UTF-8 byte order mark. Returns an error message (empty on success).
std::string load_json_text(const std::string& path, JsonBuffer& out);

// Describes the first problem in `text` as "line:col: message". Used only after simdjson has
// rejected the text, to tell the user where; it never recurses, so any depth is safe. Returns
// an empty string when the text is well-formed (simdjson rejected it for another reason).
std::string locate_json_error(std::string_view text, size_t max_depth);

}  // namespace atrest
