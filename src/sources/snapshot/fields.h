// Reading typed fields out of simdjson DOM objects into model Fields. Missing or null keys are
// "absent"; a value of the wrong type is "unknown" with the reason, never a guess.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/field.h"
#include "model/resources.h"

namespace atrest::snapshot {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Exact key first, then (for AWS Config's inconsistent casing) a case-insensitive match.
inline bool lookup(object o, std::string_view key, element& out, bool case_insensitive) {
  if (o.at_key(key).get(out) == simdjson::SUCCESS) return true;
  return case_insensitive && o.at_key_case_insensitive(key).get(out) == simdjson::SUCCESS;
}

inline bool present(object o, std::string_view key, element& out, bool ci = false) {
  return lookup(o, key, out, ci) && !out.is_null();
}

const char* type_word(element e);

Field<std::string> string_field(object o, std::string_view key, bool ci = false);
// Accepts JSON booleans and the strings "true"/"false" in any case (AWS Config writes both).
Field<bool> bool_field(object o, std::string_view key, bool ci = false);
Field<int64_t> int_field(object o, std::string_view key, bool ci = false);
// A timestamp as epoch seconds (number) or ISO 8601 text, normalised to ISO 8601 UTC text.
Field<std::string> time_field(object o, std::string_view key, bool ci = false);

// A list of strings. A member that is not a string makes the whole list unknown: a partial list
// could hide the one entry a check looks for.
Field<std::vector<std::string>> string_list_field(object o, std::string_view key, bool ci = false);
// Tags in any shape AWS prints them: [{"Key","Value"}], [{"key","value"}], [{"tagKey","tagValue"}]
// or a {"key": "value"} map. `what` names the value in reasons.
Field<std::vector<Tag>> tags_value(element e, std::string_view what);
Field<std::vector<Tag>> tags_field(object o, std::string_view key, bool ci = false);
// A policy document kept as JSON text: the aws CLI prints IAM documents as decoded objects, other
// APIs as JSON strings, AWS Config IAM items URL-encoded. Objects are minified, URL-encoded text
// is decoded, other text is kept as is.
Field<std::string> document_value(element e, std::string_view what);
Field<std::string> document_field(object o, std::string_view key, bool ci = false);
// RFC 3986 percent-decoding ('+' stays '+', as AWS Config encodes IAM documents).
std::string percent_decode(std::string_view s);

// Parses ISO 8601 ("2025-06-01T10:00:00.123Z", "...+02:00", "2025-06-01 10:00:00") or a
// number (epoch seconds, or milliseconds when larger than 1e11) into epoch seconds.
bool parse_time(element e, double& epoch_seconds);
std::string format_time(double epoch_seconds);

// Inside an SSEDescription that is present, a missing SSEType means KMS when a key is named (the
// only type that names one) and is otherwise unknown; absent stays reserved for "no
// SSEDescription at all", which is the AWS owned key.
void infer_sse_type(DynamoDbTable& t);

}  // namespace atrest::snapshot
