// Query and ec2 protocol responses (XML) rewritten as the JSON the aws CLI prints for them, so
// that a live answer and a saved `aws ... describe-*` output go through the same reader.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atrest::aws {

struct XmlError {
  std::string code;     // the AWS error code, e.g. "Throttling", "AccessDenied"
  std::string message;
};

// The JSON form of `<{Op}Response><{Op}Result>...` (query) or of the children of
// `<{Op}Response>` (ec2). Lists are recognised by their item elements (`member`, `item`) or by
// the container names of the services' models; booleans and integers by member name. Returns
// nullopt when the body is not such a response.
std::optional<std::string> query_xml_to_json(std::string_view xml, std::string_view operation);

// The error code and message of `<ErrorResponse><Error>` (query) or `<Response><Errors><Error>`
// (ec2); nullopt when the body is neither.
std::optional<XmlError> parse_xml_error(std::string_view xml);

}  // namespace atrest::aws
