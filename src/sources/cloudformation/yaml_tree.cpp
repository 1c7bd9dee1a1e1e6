#include "sources/cloudformation/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace atrest::cfn {
namespace {

// The tags CloudFormation's YAML defines (short forms of the intrinsic functions).
bool known_tag(std::string_view tag) {
  static const std::string_view kTags[] = {
      "!Ref", "!Sub", "!GetAtt", "!If", "!Equals", "!And", "!Or", "!Not", "!FindInMap", "!Select",
      "!Join", "!Split", "!ImportValue", "!Base64", "!Cidr", "!GetAZs", "!Condition", "!Transform",
      "!Length", "!ToJsonString", "!ForEach"};
  if (tag.starts_with("tag:yaml.org,2002:")) return true;  // !!str and friends
  for (std::string_view t : kTags) {
    if (t == tag) return true;
  }
  return false;
}

struct Open {
  YamlNode* node;
  std::string anchor;  // registered when the node is complete, so no alias can make a cycle
  const YamlNode* pending_key = nullptr;
  // Scalar keys seen so far, for duplicate detection in large maps (Resources of a big template).
  std::unordered_map<std::string_view, const YamlNode*> keys;
};

}  // namespace

const YamlNode* YamlNode::get(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k->is_scalar() && k->value == key) return v;
  }
  return nullptr;
}

bool YamlDocument::parse(std::string_view text, YamlError& error, const YamlLimits& limits) {
  nodes_.clear();
  root_ = nullptr;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    error = {1, 1, "cannot initialise the YAML parser"};
    return false;
  }
  std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());

  std::vector<Open> stack;
  std::unordered_map<std::string, const YamlNode*> anchors;
  auto fail = [&](const yaml_mark_t& mark, std::string message) {
    error = {static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1), std::move(message)};
    return false;
  };
  // Attaches a finished node to its parent (or makes it the root).
  auto attach = [&](const YamlNode* node, const yaml_mark_t& mark) -> bool {
    if (stack.empty()) {
      root_ = node;
      return true;
    }
    Open& parent = stack.back();
    parent.node->weight += node->weight;
    parent.node->height = std::max(parent.node->height, node->height + 1);
    if (parent.node->height + stack.size() > limits.max_depth) {
      return fail(mark, "nesting deeper than " + std::to_string(limits.max_depth) + " levels (through aliases)");
    }
    // Aliases multiply the tree without adding nodes: a tree far heavier than the nodes parsed
    // is an alias bomb, however large the honest template is.
    if (parent.node->weight > limits.max_weight + 16 * nodes_.size()) {
      return fail(mark, "the document expands to more than " + std::to_string(limits.max_weight) +
                            " nodes (an alias bomb?)");
    }
    if (parent.node->is_seq()) {
      parent.node->items.push_back(node);
    } else if (parent.pending_key == nullptr) {
      if (node->is_scalar()) {
        auto [it, inserted] = parent.keys.emplace(node->value, node);
        if (!inserted) {
          return fail(mark, "duplicate key '" + node->value + "' (first at line " + std::to_string(it->second->line) + ")");
        }
      }
      parent.pending_key = node;
    } else {
      parent.node->entries.emplace_back(parent.pending_key, node);
      parent.pending_key = nullptr;
    }
    return true;
  };
  auto make = [&](YamlNode::Kind kind, const yaml_mark_t& mark, const unsigned char* tag) -> YamlNode* {
    YamlNode& n = nodes_.emplace_back();
    n.kind = kind;
    n.line = static_cast<uint32_t>(mark.line + 1);
    n.column = static_cast<uint32_t>(mark.column + 1);
    if (tag != nullptr) n.tag = reinterpret_cast<const char*>(tag);
    return &n;
  };

  bool document_seen = false;
  while (true) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::string message = parser.problem ? parser.problem : "invalid YAML";
      if (parser.context) message = std::string(parser.context) + ": " + message;
      return fail(parser.problem_mark, message);
    }
    std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> event_guard(&event, yaml_event_delete);
    const yaml_mark_t& mark = event.start_mark;
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (document_seen) return true;  // only the first document is a template
        document_seen = true;
        break;
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        if (event.type == YAML_STREAM_END_EVENT || root_ != nullptr) {
          if (root_ == nullptr) return fail(mark, "the file holds no YAML document");
          return true;
        }
        break;
      case YAML_SCALAR_EVENT: {
        const unsigned char* tag = event.data.scalar.tag;
        if (tag != nullptr && !known_tag(reinterpret_cast<const char*>(tag))) {
          return fail(mark, std::string("unknown tag ") + reinterpret_cast<const char*>(tag));
        }
        YamlNode* n = make(YamlNode::Kind::kScalar, mark, tag);
        n->value.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        n->plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (event.data.scalar.anchor != nullptr) {
          anchors[reinterpret_cast<const char*>(event.data.scalar.anchor)] = n;
        }
        if (!attach(n, mark)) return false;
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool is_seq = event.type == YAML_SEQUENCE_START_EVENT;
        const unsigned char* tag = is_seq ? event.data.sequence_start.tag : event.data.mapping_start.tag;
        if (tag != nullptr && !known_tag(reinterpret_cast<const char*>(tag))) {
          return fail(mark, std::string("unknown tag ") + reinterpret_cast<const char*>(tag));
        }
        if (stack.size() >= limits.max_depth) {
          return fail(mark, "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
        }
        YamlNode* n = make(is_seq ? YamlNode::Kind::kSeq : YamlNode::Kind::kMap, mark, tag);
        const unsigned char* anchor = is_seq ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
        stack.push_back({n, anchor ? reinterpret_cast<const char*>(anchor) : "", nullptr, {}});
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        const YamlNode* done = stack.back().node;
        if (!stack.back().anchor.empty()) anchors[stack.back().anchor] = done;
        stack.pop_back();
        if (!attach(done, mark)) return false;
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(reinterpret_cast<const char*>(event.data.alias.anchor));
        if (it == anchors.end()) return fail(mark, "alias to an unknown anchor");
        if (!attach(it->second, mark)) return false;
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace atrest::cfn
