// Reading JSON files for the snapshot source: transparent gzip, a UTF-8 BOM, and one-line
// errors with line:column when the text is not valid JSON.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace atrest {

// Loads `path` into `out`, gunzipping when the file starts with the gzip magic bytes.
// Returns an error message (empty on success).
std::string load_json_text(const std::string& path, simdjson::padded_string& out);

// Describes the first problem in `text` as "line:col: message". Used only after simdjson has
// rejected the text, to tell the user where; it never recurses, so any depth is safe. Returns
// an empty string when the text is well-formed (simdjson rejected it for another reason).
std::string locate_json_error(std::string_view text, size_t max_depth);

}  // namespace atrest
