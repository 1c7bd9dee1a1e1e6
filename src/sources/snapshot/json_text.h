// Reading JSON files for the snapshot source: transparent gzip, a UTF-8 BOM, and one-line
// errors with line:column when the text is not valid JSON.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

namespace atrest {

// A reusable, simdjson-padded buffer for one file's text: reading a million resources from
// thousands of files allocates it once, not once per file.
class JsonBuffer {
 public:
  JsonBuffer() = default;
  JsonBuffer(const JsonBuffer&) = delete;
  JsonBuffer& operator=(const JsonBuffer&) = delete;
  ~JsonBuffer() { unmap(); }

  const char* data() const { return mapped_ ? mapped_ : buf_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data(), size_}; }
  // Maps a file read-only instead of copying it, when the zero-filled tail of its last page
  // leaves room for simdjson's padding. Returns false when it cannot.
  bool map(int fd, size_t file_size);
  void unmap();
  // Makes room for n bytes (plus padding), keeping the first size() bytes.
  char* reserve(size_t n);
  void resize(size_t n);  // n <= reserved; zeroes the padding after the text
  void drop_prefix(size_t n);

 private:
  std::unique_ptr<char[]> buf_;
  const char* mapped_ = nullptr;
  size_t mapped_size_ = 0;
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
