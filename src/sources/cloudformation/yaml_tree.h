// A YAML (and JSON) document as a tree with a line and column on every node, built from
// libyaml's event stream. Aliases share the anchored node instead of copying it, and the tree
// refuses documents whose expansion would explode (billion laughs), nest too deep, repeat a
// mapping key, or use a tag CloudFormation does not define.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atrest::cfn {

struct YamlNode {
  enum class Kind : unsigned char { kScalar, kMap, kSeq };
  Kind kind = Kind::kScalar;
  bool plain = false;  // an unquoted scalar: may be null or a boolean
  uint32_t line = 0;   // 1-based
  uint32_t column = 0;
  std::string tag;     // "!Ref", "!GetAtt", ... or empty
  std::string value;   // scalars only
  std::vector<std::pair<const YamlNode*, const YamlNode*>> entries;  // maps: key, value
  std::vector<const YamlNode*> items;                                // sequences
  uint64_t weight = 1;  // nodes in the subtree, counting every alias expansion
  uint32_t height = 1;  // levels in the subtree, counting aliases spliced in

  bool is_map() const { return kind == Kind::kMap; }
  bool is_seq() const { return kind == Kind::kSeq; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const {
    return kind == Kind::kScalar && tag.empty() && plain && (value.empty() || value == "~" || value == "null" ||
                                                            value == "Null" || value == "NULL");
  }
  // The value of a scalar key in a map, or null.
  const YamlNode* get(std::string_view key) const;
};

struct YamlLimits {
  size_t max_depth = 512;
  uint64_t max_weight = 2'000'000;  // expanded nodes
};

struct YamlError {
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;
};

class YamlDocument {
 public:
  // Parses the first document of `text`. Returns false and fills `error` on failure.
  bool parse(std::string_view text, YamlError& error, const YamlLimits& limits = {});
  const YamlNode* root() const { return root_; }

 private:
  std::deque<YamlNode> nodes_;
  const YamlNode* root_ = nullptr;
};

}  // namespace atrest::cfn
