#include "sources/aws/xml_json.h"

#include <pugixml.hpp>
#include <simdjson.h>

#include <array>
#include <cstring>

namespace atrest::aws {
namespace {

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool one_of(std::string_view name, const auto& names) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

// List members whose items are named after the model's member (not `member`/`item`), so that
// a list of one is still a list and an empty one is [].
constexpr std::string_view kListContainers[] = {
    "ReplicationGroups", "CacheClusters", "ServerlessCaches", "UserGroups", "Users",
    "MemberClusters", "NodeGroups", "NodeGroupMembers", "CacheNodes", "SecurityGroups",
    "CacheSecurityGroups", "UserGroupIds", "SecurityGroupIds", "SubnetIds",
    "LogDeliveryConfigurations", "MemberClustersOutpostArns", "UserIds", "UserGroupIdsToAdd",
    "UserGroupIdsToRemove", "ReplicationGroupIds", "ServerlessCacheSnapshots", "Subnets",
    "CacheSubnetGroups", "SupportedNetworkTypes",
    // IAM GetAccountAuthorizationDetails
    "UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "UserPolicyList", "GroupPolicyList",
    "RolePolicyList", "AttachedManagedPolicies", "GroupList", "InstanceProfileList", "PolicyVersionList", "Roles",
    "Tags"};
constexpr std::string_view kBooleans[] = {
    "AtRestEncryptionEnabled", "TransitEncryptionEnabled", "AuthTokenEnabled", "ClusterEnabled",
    "AutoMinorVersionUpgrade", "MultipleValuesSetting", "IsDefault", "IsMultiRegionTrail",
    "ShowCacheNodeInfo", "Truncated", "IsTruncated", "IsDefaultVersion", "IsAttachable", "Main",
    "PrivateDnsEnabled", "RequesterManaged", "MapPublicIpOnLaunch", "DefaultForAz"};
constexpr std::string_view kIntegers[] = {
    "SnapshotRetentionLimit", "NumCacheNodes", "Port", "PasswordCount", "MaxRecords",
    "NumNodeGroups", "ReplicasPerNodeGroup", "DurationSeconds", "FromPort", "ToPort", "AttachmentCount",
    "PermissionsBoundaryUsageCount", "AvailableIpAddressCount"};
// IAM policy documents: URL-encoded JSON on the wire, a JSON object in the aws CLI's output.
constexpr std::string_view kPolicyDocuments[] = {"PolicyDocument", "AssumeRolePolicyDocument", "Document"};

// The ec2 protocol writes lowerCamel member names and names lists after the wire, not the
// model; the aws CLI prints the model's names. These differ beyond the first letter.
constexpr std::pair<std::string_view, std::string_view> kEc2Renames[] = {
    {"securityGroupInfo", "SecurityGroups"}, {"regionInfo", "Regions"}, {"groups", "UserIdGroupPairs"},
    {"regionEndpoint", "Endpoint"}, {"tagSet", "Tags"}, {"vpcEndpointSet", "VpcEndpoints"},
    {"subnetSet", "Subnets"}, {"routeTableSet", "RouteTables"}, {"routeSet", "Routes"},
    {"associationSet", "Associations"}, {"propagatingVgwSet", "PropagatingVgws"},
    {"routeTableIdSet", "RouteTableIds"}, {"subnetIdSet", "SubnetIds"}, {"groupSet", "Groups"},
    {"dnsEntrySet", "DnsEntries"}, {"networkInterfaceIdSet", "NetworkInterfaceIds"},
    {"ipv6CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet"}};

// ec2 lists, so that an empty one (<ipRanges/>) is [] and not "".
constexpr std::string_view kEc2Lists[] = {
    "ipPermissions", "ipPermissionsEgress", "groups", "ipRanges", "ipv6Ranges", "prefixListIds", "tagSet",
    "regionInfo", "securityGroupInfo", "subnetSet", "routeTableSet", "routeSet", "associationSet",
    "propagatingVgwSet", "vpcEndpointSet", "routeTableIdSet", "subnetIdSet", "groupSet", "dnsEntrySet",
    "networkInterfaceIdSet", "ipv6CidrBlockAssociationSet"};

// The name the aws CLI prints for a member: ec2 names are renamed or capitalised.
std::string member_name(std::string_view name, bool ec2) {
  if (!ec2 || name.empty()) return std::string(name);
  for (const auto& [wire, model] : kEc2Renames) {
    if (wire == name) return std::string(model);
  }
  std::string out(name);
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

void write_string(std::string& out, std::string_view s) {
  // Bytes that are not UTF-8 become U+FFFD, so one bad byte cannot make the page unreadable JSON.
  std::string clean;
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length(s, i);
    if (n == 0) {
      if (clean.empty()) clean.assign(s.substr(0, i));
      clean += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (!clean.empty()) clean.append(s.substr(i, n));
    i += n;
  }
  if (!clean.empty()) s = clean;
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// %XX escapes decoded (what urllib's unquote does; '+' stays '+').
std::string url_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A policy document as the aws CLI prints it: the decoded JSON object, or the text as it came
// when it is not one.
void write_policy_document(std::string& out, std::string_view text) {
  std::string decoded = url_decode(text);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(decoded).get(doc) == simdjson::SUCCESS && doc.is_object()) {
    out += simdjson::to_string(doc);
    return;
  }
  write_string(out, text);
}

bool is_number(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool has_element_children(const pugi::xml_node& n) {
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() == pugi::node_element) return true;
  }
  return false;
}

bool is_list(const pugi::xml_node& n) {
  if (one_of(local_name(n), kListContainers)) return true;
  bool any = false;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = local_name(c);
    if (name != "member" && name != "item") return false;
    any = true;
  }
  return any;
}

void write_value(std::string& out, const pugi::xml_node& n, int depth, bool ec2);

void write_object(std::string& out, const pugi::xml_node& n, int depth, bool ec2) {
  out += '{';
  bool first = true;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (!first) out += ',';
    first = false;
    write_string(out, member_name(local_name(c), ec2));
    out += ':';
    write_value(out, c, depth + 1, ec2);
  }
  out += '}';
}

void write_value(std::string& out, const pugi::xml_node& n, int depth, bool ec2) {
  if (depth > 64) {  // AWS responses are shallow; a deeper one is not a response of ours
    out += "null";
    return;
  }
  if (is_list(n) || (ec2 && one_of(local_name(n), kEc2Lists))) {
    out += '[';
    bool first = true;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      if (!first) out += ',';
      first = false;
      write_value(out, c, depth + 1, ec2);
    }
    out += ']';
    return;
  }
  if (has_element_children(n)) {
    write_object(out, n, depth, ec2);
    return;
  }
  std::string_view text = n.child_value();
  const std::string renamed = member_name(local_name(n), ec2);
  std::string_view name = renamed;
  if (!ec2 && one_of(name, kPolicyDocuments)) {
    write_policy_document(out, text);
  } else if (one_of(name, kBooleans) && (text == "true" || text == "false")) {
    out += text;
  } else if (one_of(name, kIntegers) && is_number(text)) {
    out += text;
  } else {
    write_string(out, text);
  }
}

bool load(pugi::xml_document& doc, std::string_view xml) {
  return doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
}

}  // namespace

std::optional<std::string> query_xml_to_json(std::string_view xml, std::string_view operation) {
  pugi::xml_document doc;
  if (!load(doc, xml)) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  std::string response_name = std::string(operation) + "Response";
  if (local_name(root) != response_name) return std::nullopt;
  std::string result_name = std::string(operation) + "Result";
  pugi::xml_node body = root;  // ec2 has no Result wrapper
  for (const pugi::xml_node& c : root.children()) {
    if (c.type() == pugi::node_element && local_name(c) == result_name) body = c;
  }
  const bool ec2 = body == root;
  std::string out;
  out.reserve(xml.size());
  write_object(out, body, 0, ec2);
  return out;
}

std::optional<XmlError> parse_xml_error(std::string_view xml) {
  pugi::xml_document doc;
  if (!load(doc, xml)) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node error;
  if (local_name(root) == "ErrorResponse") {
    for (const pugi::xml_node& c : root.children()) {
      if (local_name(c) == "Error") error = c;
    }
  } else if (local_name(root) == "Response") {
    for (const pugi::xml_node& errors : root.children()) {
      if (local_name(errors) != "Errors") continue;
      for (const pugi::xml_node& c : errors.children()) {
        if (local_name(c) == "Error") {
          error = c;
          break;
        }
      }
    }
  }
  if (!error) return std::nullopt;
  XmlError e;
  for (const pugi::xml_node& c : error.children()) {
    if (local_name(c) == "Code") e.code = c.child_value();
    if (local_name(c) == "Message") e.message = c.child_value();
  }
  if (e.code.empty()) return std::nullopt;
  return e;
}

}  // namespace atrest::aws
