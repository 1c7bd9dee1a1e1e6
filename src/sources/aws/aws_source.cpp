#include "sources/aws/aws_source.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <atomic>
#include <thread>
#include <map>
#include <set>

#include "sources/aws/aws_client.h"
#include "sources/aws/credentials.h"
#include "sources/snapshot/snapshot_source.h"
#include "util/text.h"

namespace atrest {
namespace {

using namespace aws;

// Resource types a failed list call leaves unread.
constexpr ResourceType kElastiCacheTypes[] = {ResourceType::kElastiCacheReplicationGroup,
                                              ResourceType::kElastiCacheCacheCluster,
                                              ResourceType::kElastiCacheServerlessCache};

std::string json_string(const std::string& json, std::string_view key) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view v;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) return {};
  if (doc[key].get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;  // names and ARNs never hold controls
    out += c;
  }
  return out + '"';
}

// Whether an answer that no reader recognised is simply an empty page: an object holding
// nothing but pagination and request metadata and empty lists (some services leave an empty
// list out, others send []).
bool is_empty_page(const std::string& json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc.get(obj) != simdjson::SUCCESS) return false;
  for (auto field : obj) {
    std::string_view k = field.key;
    if (k == "NextToken" || k == "Marker" || k == "NextMarker" || k == "Truncated" || k == "IsTruncated" ||
        k == "ResponseMetadata" || k == "requestId" || k == "RequestId" || k == "LastEvaluatedTableName") {
      continue;
    }
    simdjson::dom::array list;
    if (field.value.get(list) == simdjson::SUCCESS && list.size() == 0) continue;
    return false;
  }
  return true;
}

// The partition of a region, for ARNs built before the resource is described.
std::string_view partition_of(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

// The key id at the end of a key ARN ("arn:aws:kms:r:a:key/ID"), else the reference itself.
std::string key_id_of(std::string_view ref) {
  size_t slash = ref.rfind(":key/");
  return std::string(slash == std::string_view::npos ? ref : ref.substr(slash + 5));
}

// Request bodies of a JSON list operation: `limit` (e.g. "\"MaxResults\":100", may be
// empty) plus the page token under `token_in` after the first page.
std::function<CallInput(const std::string&)> json_pages(std::string limit, std::string token_in) {
  return [limit = std::move(limit), token_in = std::move(token_in)](const std::string& token) {
    CallInput in;
    std::string fields = limit;
    if (!token.empty()) fields += (fields.empty() ? "" : ",") + json_quote(token_in) + ":" + json_quote(token);
    in.json = "{" + fields + "}";
    return in;
  };
}

struct Account {
  std::string label;        // how the user named it: a role ARN, an org account, the caller
  std::string expected_id;  // the account a role ARN or the org listing names; may be empty
  std::shared_ptr<CredentialProvider> credentials;
  std::string setup_error;  // credentials could not be obtained
  std::string id;           // from sts:GetCallerIdentity
  size_t summary = 0;
  std::set<std::string> requested_keys;
  std::set<std::string> alias_regions;  // regions whose KMS aliases were asked for
  std::set<std::string> described_tables;  // region|name: a table is described once per scan
  std::set<std::string> trails;  // ARNs read: a multi-region trail is listed in every region
  // What was listed per region (empty reason) or why not; becomes one AccountRegion each.
  std::map<std::string, std::map<Collection, std::string>> coverage;
  // IAM is global: read once per account; its outcome applies to every region.
  bool iam_read = false;
  std::string iam_error;
};

// The VPCs that hold a DAX cluster or cache in one region: subnets, route tables and VPC
// endpoints are listed for these only. Known once the lists that name them have ended.
struct RegionNetwork {
  int waiting = 0;                            // those lists still running
  std::set<std::string> vpcs;
  std::set<std::string> grouped_subnets;      // subnets of the subnet groups (their VPC is known)
  std::set<std::string> serverless_subnets;   // subnets serverless caches name (VPC still to learn)
  std::string incomplete;                     // why a VPC may be missing from `vpcs`
};

struct Paging {
  const char* token_in;
  const char* token_out;
  const char* more = nullptr;  // KMS: Truncated
};

class LiveScan {
 public:
  LiveScan(const LiveOptions& options, Inventory& inventory)
      : options_(deduplicated(options)), inventory_(inventory), http_(http_config(options_)),
        client_(http_, client_options()) {}

  std::vector<InputSummary> run(LiveStats* stats);

 private:
  const LiveOptions options_;
  Inventory& inventory_;
  ChainOptions chain_ = chain_options();
  HttpClient http_;
  AwsClient client_;
  std::deque<Account> accounts_;
  std::vector<InputSummary> summaries_;
  std::string home_region_;
  size_t outstanding_ = 0;  // operations asked for and not yet answered
  size_t regions_scanned_ = 0;
  bool progress_shown_ = false;

  // A region or role named twice is scanned once.
  static LiveOptions deduplicated(LiveOptions o) {
    for (auto* list : {&o.regions, &o.role_arns}) {
      std::vector<std::string> unique;
      for (std::string& item : *list) {
        if (!item.empty() && std::find(unique.begin(), unique.end(), item) == unique.end()) unique.push_back(std::move(item));
      }
      *list = std::move(unique);
    }
    return o;
  }

  ChainOptions chain_options() const {
    ChainOptions c;
    c.profile = options_.profile;
    c.sts_endpoint = options_.endpoint_url;  // else the chain reads AWS_ENDPOINT_URL[_STS] itself
    return c;
  }

  static HttpConfig http_config(const LiveOptions& o) {
    HttpConfig h;
    h.max_in_flight = o.max_concurrency == 0 ? 64 : o.max_concurrency;
    if (const char* ca = std::getenv("AWS_CA_BUNDLE"); ca != nullptr) h.ca_bundle = ca;
    return h;
  }

  ClientOptions client_options() {
    ClientOptions c;
    c.max_attempts = options_.max_attempts;
    if (c.max_attempts <= 0) {
      const char* env = std::getenv("AWS_MAX_ATTEMPTS");
      c.max_attempts = env != nullptr ? std::max(1, std::atoi(env)) : 3;
    }
    c.endpoint_url = options_.endpoint_url;
    // Resolved once per service: the lookup reads the environment and the shared config files.
    auto cache = std::make_shared<std::map<const Service*, std::string>>();
    c.endpoint_override = [this, cache](const Service& s) {
      if (!options_.endpoint_url.empty()) return std::string();
      auto [it, fresh] = cache->try_emplace(&s);
      if (fresh) {
        try {
          it->second = resolve_endpoint_override(chain_, s.env_name);
        } catch (const std::exception&) {
          it->second.clear();  // a broken config file is reported by the credential chain
        }
      }
      return it->second;
    };
    if (options_.verbose) c.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    return c;
  }

  InputSummary& summary(Account& a) { return summaries_[a.summary]; }

  Target target(const Account& a, const std::string& region) const { return {a.credentials, a.id, region}; }

  // One operation; `done` runs on the loop thread.
  void call(const Account& a, const std::string& region, const Operation& op, CallInput input,
            std::function<void(CallResult)> done) {
    ++outstanding_;
    client_.call(target(a, region), op, std::move(input), [this, done = std::move(done)](CallResult r) {
      --outstanding_;
      done(std::move(r));
    });
  }

  // Every page of a list operation; `page` gets each answer, `end` the error that stopped it
  // (null when the list was read to the end).
  void paginate(const Account& a, const std::string& region, const Operation& op, Paging paging,
                std::function<CallInput(const std::string& token)> input,
                std::function<void(const std::string& json)> page,
                std::function<void(const CallResult* error)> end) {
    struct State {
      std::set<std::string> seen;
      size_t pages = 0;
    };
    auto state = std::make_shared<State>();
    auto next = std::make_shared<std::function<void(const std::string&)>>();
    *next = [this, &a, region, &op, paging, input, page, end, state, next](const std::string& token) {
      CallInput in = input(token);
      in.urgent = true;
      call(a, region, op, std::move(in), [paging, page, end, state, next, sent = token](CallResult r) {
        if (!r.ok) {
          end(&r);
          *next = nullptr;  // breaks the self-reference
          return;
        }
        // One parse for the token and, for KMS, the Truncated flag.
        std::string token;
        bool more = false;
        {
          thread_local simdjson::dom::parser parser;
          simdjson::dom::element doc;
          std::string_view t;
          const bool parsed = parser.parse(r.json).get(doc) == simdjson::SUCCESS;
          if (parsed && doc[paging.token_out].get(t) == simdjson::SUCCESS) token = t;
          bool truncated = true;
          if (paging.more != nullptr && (!parsed || doc[paging.more].get(truncated) != simdjson::SUCCESS)) {
            truncated = false;
          }
          more = !token.empty() && truncated;
        }
        auto stop_loop = [&](const char* why) {
          CallResult loop;
          loop.error_code = "PaginationLoop";
          loop.error_message = why;
          loop.attempts = 1;
          end(&loop);
          *next = nullptr;
        };
        if (!token.empty() && token == sent) {
          // The service handed back the token it was given: this page is the one already read.
          stop_loop("the service returned the pagination token it was sent; the list is incomplete");
          return;
        }
        page(r.json);
        if (more && (!state->seen.insert(token).second || ++state->pages > 100000)) {
          stop_loop("the service returned a pagination token it had already returned; the list is incomplete");
          return;
        }
        if (!more) {
          end(nullptr);
          *next = nullptr;
          return;
        }
        (*next)(token);
      });
    };
    (*next)(std::string());
  }

  // Every resource of `types` in a region is unreadable: one unreadable placeholder per type,
  // so every check that would judge them says ERROR, naming the call.
  void scope_error(Account& a, const std::string& region, std::initializer_list<ResourceType> types,
                   const Operation& op, const CallResult& r) {
    std::string why = r.describe(op, region);
    summary(a).errors.push_back(fmt::format("aws {}: {}", a.id.empty() ? a.label : a.id, why));
    for (ResourceType type : types) add_unreadable(a, region, type, "*", op, why);
  }

  void add_unreadable(Account& a, const std::string& region, ResourceType type, std::string id,
                      const Operation& op, const std::string& why) {
    auto fill = [&](Resource& r) {
      r.id = std::move(id);
      r.arn = Field<std::string>::absent();
      std::string account = a.id.empty() ? a.expected_id : a.id;
      r.account = account.empty() ? nullptr : intern(account);
      r.region = region.empty() ? nullptr : intern(region);
      r.origin.kind = SourceKind::kAws;
      r.origin.api = intern(fmt::format("{}:{}", op.service->id, op.name));
      r.read_error = intern(why);
    };
    switch (type) {
      case ResourceType::kDaxCluster: { DaxCluster c; fill(c); inventory_.add(std::move(c)); break; }
      case ResourceType::kDynamoDbTable: { DynamoDbTable t; fill(t); inventory_.add(std::move(t)); break; }
      case ResourceType::kKmsKey: { KmsKey k; fill(k); inventory_.add(std::move(k)); break; }
      case ResourceType::kEc2SecurityGroup: { SecurityGroup g; fill(g); inventory_.add(std::move(g)); break; }
      case ResourceType::kElastiCacheReplicationGroup:
      case ResourceType::kElastiCacheCacheCluster:
      case ResourceType::kElastiCacheServerlessCache: { ElastiCache c(type); fill(c); inventory_.add(std::move(c)); break; }
      default: break;
    }
  }

  SnapshotOptions scope(const Account& a, const std::string& region) const { return {a.id, region}; }

  // Reads an answer into `into`; format errors go to the account's summary.
  void read(Account& a, const std::string& region, const std::string& json, const Operation& op, Inventory& into,
            ApiAnswer* answer = nullptr) {
    std::vector<std::string> errors;
    static thread_local std::string api;
    api = fmt::format("{}:{}", op.service->id, op.name);
    ApiAnswer got = read_api_answer(json, intern(api)->c_str(), scope(a, region), into, errors);
    summary(a).resources += got.resources;
    for (std::string& e : errors) summary(a).errors.push_back(fmt::format("aws {} {}: {}", a.id, region, e));
    if (answer != nullptr) *answer = std::move(got);
  }

  // A list page: one no reader recognises (and that is not just an empty page) leaves that
  // list unread, so every resource of the type in the region is reported ERROR.
  void read_page(Account& a, const std::string& region, const std::string& json, const Operation& op,
                 std::initializer_list<ResourceType> types, Inventory& into) {
    ApiAnswer answer;
    read(a, region, json, op, into, &answer);
    if (answer.recognised || is_empty_page(json)) return;
    CallResult bad;
    bad.ok = false;
    bad.error_code = "InvalidResponse";
    bad.error_message = "the answer holds no list atrest recognises";
    bad.status = 200;
    bad.attempts = 1;
    scope_error(a, region, types, op, bad);
  }

  // Records that `c` was listed completely in the region (empty `why`) or why it was not; a
  // failure also goes to the account's summary. The first failure of a collection is kept.
  void record_listing(Account& a, const std::string& region, Collection c, const std::string& why) {
    auto& slot = a.coverage[region];
    auto [it, fresh] = slot.try_emplace(c, why);
    if (!why.empty()) {
      // One cause (the VPCs not known) can leave several collections unlisted: say it once.
      std::string line = fmt::format("aws {}: {}", a.id, why);
      auto& errors = summary(a).errors;
      if (std::find(errors.begin(), errors.end(), line) == errors.end()) errors.push_back(std::move(line));
      if (!fresh && it->second.empty()) it->second = why;
    }
  }

  // One page of a list whose resources are judged through an AccountRegion: false (and a
  // reason in `why`) when no reader recognises it and it is not an empty page.
  bool read_list_page(Account& a, const std::string& region, const std::string& json, const Operation& op,
                      Inventory& into, std::string& why) {
    ApiAnswer answer;
    read(a, region, json, op, into, &answer);
    if (answer.recognised || is_empty_page(json)) return true;
    if (why.empty()) {
      why = fmt::format("{}:{} in {}: InvalidResponse: the answer holds no list atrest recognises", op.service->id,
                        op.name, region);
    }
    return false;
  }

  void add_coverage();
  void start_account(Account& a);
  void start_region(Account& a, const std::string& region);
  void scan_iam(Account& a);
  void scan_trails(Account& a, const std::string& region);
  void read_trail(Account& a, const std::string& listed_in, Trail trail);
  void scan_config(Account& a, const std::string& region);
  void scan_backup(Account& a, const std::string& region);
  void scan_scalable_targets(Account& a, const std::string& region);
  void scan_cache_subnet_groups(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net);
  void network_source_done(Account& a, const std::string& region, const std::shared_ptr<RegionNetwork>& net,
                           const std::string& why);
  void locate_serverless_subnets(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net);
  void describe_network(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net);
  void scan_dax(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net);
  void scan_tables(Account& a, const std::string& region);
  void describe_security_groups(Account& a, const std::string& region, std::vector<std::string> ids);
  void describe_table(Account& a, const std::string& region, std::string name);
  void scan_elasticache(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net);
  void request_key(Account& a, const std::string& resource_region, const std::string& ref);
  void request_keys_of(Account& a, const std::string& region, Inventory& found);
  void list_organization(Account& caller);
  void show_progress(bool final);
  void schedule_progress();
};

void LiveScan::start_account(Account& a) {
  if (!a.setup_error.empty()) {
    std::string why = fmt::format("credentials for {}: {}", a.label, a.setup_error);
    summary(a).errors.push_back(fmt::format("aws {}: {}", a.label, why));
    for (ResourceType t : {ResourceType::kDaxCluster, ResourceType::kDynamoDbTable}) {
      add_unreadable(a, "", t, "*", ops::kStsAssumeRole, why);
    }
    for (ResourceType t : kElastiCacheTypes) add_unreadable(a, "", t, "*", ops::kStsAssumeRole, why);
    return;
  }
  call(a, home_region_, ops::kStsGetCallerIdentity, {}, [this, &a](CallResult r) {
    if (!r.ok) {
      scope_error(a, "", {ResourceType::kDaxCluster, ResourceType::kDynamoDbTable,
                          ResourceType::kElastiCacheReplicationGroup, ResourceType::kElastiCacheCacheCluster,
                          ResourceType::kElastiCacheServerlessCache},
                  ops::kStsGetCallerIdentity, r);
      return;
    }
    a.id = json_string(r.json, "Account");
    if (a.id.empty()) a.id = a.expected_id;
    scan_iam(a);
    summary(a).source = fmt::format("aws account {}{}", a.id,
                                    a.label.empty() || a.label == a.id ? "" : fmt::format(" ({})", a.label));
    if (!options_.regions.empty()) {
      for (const std::string& region : options_.regions) start_region(a, region);
      return;
    }
    call(a, home_region_, ops::kEc2DescribeRegions, {}, [this, &a](CallResult regions) {
      if (!regions.ok) {
        // Without the region list only the home region can be scanned; say so.
        summary(a).errors.push_back(fmt::format("aws {}: {}; only {} was scanned", a.id,
                                                regions.describe(ops::kEc2DescribeRegions, home_region_),
                                                home_region_));
        start_region(a, home_region_);
        return;
      }
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      simdjson::dom::array list;
      bool any = false;
      if (parser.parse(regions.json).get(doc) == simdjson::SUCCESS && doc["Regions"].get(list) == simdjson::SUCCESS) {
        for (simdjson::dom::element item : list) {
          std::string_view name, opt_in;
          if (item["RegionName"].get(name) != simdjson::SUCCESS) continue;
          if (item["OptInStatus"].get(opt_in) == simdjson::SUCCESS && opt_in == "not-opted-in") continue;
          any = true;
          start_region(a, std::string(name));
        }
      }
      if (!any) {
        summary(a).errors.push_back(fmt::format("aws {}: ec2:DescribeRegions listed no region; only {} was scanned",
                                                a.id, home_region_));
        start_region(a, home_region_);
      }
    });
  });
}

void LiveScan::start_region(Account& a, const std::string& region) {
  ++regions_scanned_;
  a.coverage[region];  // an AccountRegion even when every listing of the region fails
  auto net = std::make_shared<RegionNetwork>();
  net->waiting = dax_offered_in(region) ? 3 : 2;  // DAX subnet groups, cache subnet groups, serverless caches
  if (dax_offered_in(region)) scan_dax(a, region, net);
  scan_tables(a, region);
  scan_elasticache(a, region, net);
  scan_cache_subnet_groups(a, region, net);
  scan_trails(a, region);
  scan_config(a, region);
  scan_backup(a, region);
  scan_scalable_targets(a, region);
}

void LiveScan::scan_dax(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net) {
  auto groups = std::make_shared<std::set<std::string>>();  // security groups the clusters use
  paginate(a, region, ops::kDaxDescribeClusters, {"NextToken", "NextToken"}, json_pages("\"MaxResults\":100", "NextToken"),
           [this, &a, region, groups](const std::string& json) {
             Inventory found;
             read_page(a, region, json, ops::kDaxDescribeClusters, {ResourceType::kDaxCluster}, found);
             for (const DaxCluster& c : found.dax_clusters()) {
               if (c.security_group_ids.is_known()) groups->insert(c.security_group_ids.value().begin(), c.security_group_ids.value().end());
             }
             inventory_.absorb(std::move(found));
           },
           [this, &a, region, groups](const CallResult* error) {
             if (error != nullptr) scope_error(a, region, {ResourceType::kDaxCluster}, ops::kDaxDescribeClusters, *error);
             describe_security_groups(a, region, std::vector<std::string>(groups->begin(), groups->end()));
           });
  // Subnet groups tell how far DAX can spread nodes and where the clusters' subnets are; without
  // them dax-multi-az judges by the nodes alone, so a failure here is reported but leaves the
  // clusters readable (the VPCs' subnets are then marked not listed).
  paginate(a, region, ops::kDaxDescribeSubnetGroups, {"NextToken", "NextToken"}, json_pages("\"MaxResults\":100", "NextToken"),
           [this, &a, region, net](const std::string& json) {
             Inventory found;
             read(a, region, json, ops::kDaxDescribeSubnetGroups, found);
             for (const SubnetGroup& g : found.subnet_groups()) {
               if (g.vpc_id.is_known() && !g.vpc_id.value().empty()) net->vpcs.insert(g.vpc_id.value());
               if (g.subnet_ids.is_known()) net->grouped_subnets.insert(g.subnet_ids.value().begin(), g.subnet_ids.value().end());
             }
             inventory_.absorb(std::move(found));
           },
           [this, &a, region, net](const CallResult* error) {
             std::string why;
             if (error != nullptr) {
               why = error->describe(ops::kDaxDescribeSubnetGroups, region);
               summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
             }
             network_source_done(a, region, net, why);
           });
}

void LiveScan::scan_cache_subnet_groups(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net) {
  // Captured as `&op = op`: clang sees a reference to a constant as needing no capture, gcc does.
  const Operation& op = ops::kElastiCacheDescribeCacheSubnetGroups;
  auto bad_page = std::make_shared<std::string>();
  paginate(a, region, op, {"Marker", "Marker"},
           [](const std::string& token) {
             CallInput in;
             in.form.emplace_back("MaxRecords", "100");
             if (!token.empty()) in.form.emplace_back("Marker", token);
             return in;
           },
           [this, &a, region, net, bad_page, &op = op](const std::string& json) {
             Inventory found;
             read_list_page(a, region, json, op, found, *bad_page);
             for (const SubnetGroup& g : found.subnet_groups()) {
               if (g.vpc_id.is_known() && !g.vpc_id.value().empty()) net->vpcs.insert(g.vpc_id.value());
               if (g.subnet_ids.is_known()) net->grouped_subnets.insert(g.subnet_ids.value().begin(), g.subnet_ids.value().end());
             }
             inventory_.absorb(std::move(found));
           },
           [this, &a, region, net, bad_page, &op = op](const CallResult* error) {
             std::string why = error != nullptr ? error->describe(op, region) : *bad_page;
             if (!why.empty()) summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
             network_source_done(a, region, net, why);
           });
}

// One of the lists naming the region's VPCs has ended; when all have, the network is read.
void LiveScan::network_source_done(Account& a, const std::string& region, const std::shared_ptr<RegionNetwork>& net,
                                   const std::string& why) {
  if (!why.empty() && net->incomplete.empty()) {
    net->incomplete = "the VPCs holding DAX clusters and caches are not all known (" + why + ")";
  }
  if (--net->waiting > 0) return;
  locate_serverless_subnets(a, region, net);
}

// Serverless caches name subnets, not a group: their VPCs come from DescribeSubnets by id.
void LiveScan::locate_serverless_subnets(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net) {
  std::vector<std::string> ids;
  for (const std::string& id : net->serverless_subnets) {
    if (!net->grouped_subnets.contains(id)) ids.push_back(id);
  }
  if (ids.empty()) {
    describe_network(a, region, net);
    return;
  }
  auto chunks = std::make_shared<size_t>((ids.size() + 199) / 200);
  for (size_t start = 0; start < ids.size(); start += 200) {
    std::vector<std::string> chunk(ids.begin() + static_cast<long>(start),
                                   ids.begin() + static_cast<long>(std::min(ids.size(), start + 200)));
    paginate(a, region, ops::kEc2DescribeSubnets, {"NextToken", "NextToken"},
             [chunk](const std::string& token) {
               CallInput in;
               in.form.emplace_back("Filter.1.Name", "subnet-id");
               for (size_t i = 0; i < chunk.size(); ++i) in.form.emplace_back(fmt::format("Filter.1.Value.{}", i + 1), chunk[i]);
               in.form.emplace_back("MaxResults", "1000");
               if (!token.empty()) in.form.emplace_back("NextToken", token);
               return in;
             },
             [this, &a, region, net](const std::string& json) {
               Inventory found;  // only their VPCs: the subnets themselves are listed by VPC below
               std::string why;
               if (!read_list_page(a, region, json, ops::kEc2DescribeSubnets, found, why) && net->incomplete.empty()) {
                 net->incomplete = why;
               }
               for (const Subnet& sn : found.subnets()) {
                 if (sn.vpc_id.is_known() && !sn.vpc_id.value().empty()) net->vpcs.insert(sn.vpc_id.value());
               }
             },
             [this, &a, region, net, chunks](const CallResult* error) {
               if (error != nullptr && net->incomplete.empty()) {
                 net->incomplete = "the VPCs of the serverless caches' subnets are not known (" +
                                   error->describe(ops::kEc2DescribeSubnets, region) + ")";
               }
               if (--*chunks == 0) describe_network(a, region, net);
             });
  }
}

// Subnets, route tables and VPC endpoints of the VPCs that hold DAX clusters and caches, 200
// VPC ids per filter (the EC2 limit on filter values), every page.
void LiveScan::describe_network(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net) {
  struct List {
    const Operation* op;
    Collection collection;
    const char* max_results;
  };
  static const List kLists[] = {{&ops::kEc2DescribeSubnets, Collection::kSubnets, "1000"},
                                {&ops::kEc2DescribeRouteTables, Collection::kRouteTables, "100"},
                                {&ops::kEc2DescribeVpcEndpoints, Collection::kVpcEndpoints, "1000"}};
  std::vector<std::string> vpcs(net->vpcs.begin(), net->vpcs.end());
  for (const List& list : kLists) {
    if (vpcs.empty()) {
      record_listing(a, region, list.collection, net->incomplete);
      continue;
    }
    struct Progress {
      size_t chunks;
      std::string why;
    };
    auto progress = std::make_shared<Progress>(Progress{(vpcs.size() + 199) / 200, net->incomplete});
    for (size_t start = 0; start < vpcs.size(); start += 200) {
      std::vector<std::string> chunk(vpcs.begin() + static_cast<long>(start),
                                     vpcs.begin() + static_cast<long>(std::min(vpcs.size(), start + 200)));
      paginate(a, region, *list.op, {"NextToken", "NextToken"},
               [chunk, max = list.max_results](const std::string& token) {
                 CallInput in;
                 in.form.emplace_back("Filter.1.Name", "vpc-id");
                 for (size_t i = 0; i < chunk.size(); ++i) in.form.emplace_back(fmt::format("Filter.1.Value.{}", i + 1), chunk[i]);
                 in.form.emplace_back("MaxResults", max);
                 if (!token.empty()) in.form.emplace_back("NextToken", token);
                 return in;
               },
               [this, &a, region, progress, op = list.op](const std::string& json) {
                 read_list_page(a, region, json, *op, inventory_, progress->why);
               },
               [this, &a, region, progress, list](const CallResult* error) {
                 if (error != nullptr && progress->why.empty()) progress->why = error->describe(*list.op, region);
                 if (--progress->chunks == 0) record_listing(a, region, list.collection, progress->why);
               });
    }
  }
}

// IAM roles (inline and attached policies), customer managed policies and the inline policies
// of users and groups: one listing per account (IAM is global), every page. The pages are
// joined into one answer before reading: a policy's attached roles are found among the roles
// of the same answer.
void LiveScan::scan_iam(Account& a) {
  const Operation& op = ops::kIamGetAccountAuthorizationDetails;
  static constexpr const char* kLists[] = {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"};
  struct Joined {
    std::vector<std::string> items[std::size(kLists)];  // minified JSON of each list's items
    std::string why;
  };
  auto joined = std::make_shared<Joined>();
  paginate(a, home_region_, op, {"Marker", "Marker", "IsTruncated"},
           [](const std::string& token) {
             CallInput in;
             const char* filters[] = {"Role", "LocalManagedPolicy", "User", "Group"};
             for (size_t i = 0; i < std::size(filters); ++i) in.form.emplace_back(fmt::format("Filter.member.{}", i + 1), filters[i]);
             in.form.emplace_back("MaxItems", "1000");
             if (!token.empty()) in.form.emplace_back("Marker", token);
             return in;
           },
           [joined, &op = op](const std::string& json) {
             thread_local simdjson::dom::parser parser;
             simdjson::dom::element doc;
             bool any = false;
             if (parser.parse(json).get(doc) == simdjson::SUCCESS) {
               for (size_t i = 0; i < std::size(kLists); ++i) {
                 simdjson::dom::array list;
                 if (doc[kLists[i]].get(list) != simdjson::SUCCESS) continue;
                 any = true;
                 for (simdjson::dom::element item : list) joined->items[i].push_back(simdjson::to_string(item));
               }
             }
             if (!any && !is_empty_page(json) && joined->why.empty()) {
               joined->why = fmt::format("{}:{}: InvalidResponse: the answer holds no list atrest recognises",
                                         op.service->id, op.name);
             }
           },
           [this, &a, joined, &op = op](const CallResult* error) {
             a.iam_read = true;
             a.iam_error = error != nullptr ? error->describe(op, "") : joined->why;
             if (!a.iam_error.empty()) {
               summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, a.iam_error));
               return;  // a partial listing would judge roles by the policies of some pages only
             }
             std::string json = "{";
             for (size_t i = 0; i < std::size(kLists); ++i) {
               json += (i == 0 ? "" : ",") + json_quote(kLists[i]) + ":[";
               for (size_t k = 0; k < joined->items[i].size(); ++k) json += (k == 0 ? "" : ",") + joined->items[i][k];
               json += "]";
             }
             json += ",\"IsTruncated\":false}";
             read(a, "", json, op, inventory_);  // global resources: no region of their own
           });
}

// Trails the region lists, shadow trails included (a multi-region trail homed elsewhere also
// covers this region); each trail is read once per account, its status and selectors in its
// home region.
void LiveScan::scan_trails(Account& a, const std::string& region) {
  const Operation& op = ops::kCloudTrailDescribeTrails;
  call(a, region, op, {"{\"includeShadowTrails\":true}", {}, {}}, [this, &a, region, &op = op](CallResult r) {
    if (!r.ok) {
      record_listing(a, region, Collection::kTrails, r.describe(op, region));
      return;
    }
    Inventory found;
    std::string why;
    read_list_page(a, region, r.json, op, found, why);
    for (const Trail& t : found.trails()) {
      std::string key = t.arn.is_known() ? t.arn.value() : t.id;
      if (a.trails.insert(key).second) read_trail(a, region, t);
    }
    record_listing(a, region, Collection::kTrails, why);
  });
}

void LiveScan::read_trail(Account& a, const std::string& listed_in, Trail trail) {
  struct Pending {
    Trail trail;
    int waiting = 2;
    CallResult status, selectors;
  };
  auto p = std::make_shared<Pending>();
  p->trail = std::move(trail);
  const std::string home = p->trail.home_region.is_known() && !p->trail.home_region.value().empty()
                               ? p->trail.home_region.value()
                               : listed_in;
  const std::string name = p->trail.arn.is_known() ? p->trail.arn.value() : p->trail.id;
  auto finish = [this, &a, home, p] {
    if (--p->waiting > 0) return;
    Trail& t = p->trail;
    Inventory none;
    if (p->status.ok) {
      ApiAnswer answer;
      read(a, home, p->status.json, ops::kCloudTrailGetTrailStatus, none, &answer);
      t.logging = answer.has_trail_status ? answer.logging
                                          : Field<bool>::unknown("GetTrailStatus answered without IsLogging");
    } else {
      std::string why = p->status.describe(ops::kCloudTrailGetTrailStatus, home);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      t.logging = Field<bool>::unknown(why);
    }
    if (p->selectors.ok) {
      ApiAnswer answer;
      read(a, home, p->selectors.json, ops::kCloudTrailGetEventSelectors, none, &answer);
      if (answer.has_event_selectors) {
        t.event_selectors = answer.event_selectors;
        t.advanced_event_selectors = answer.advanced_event_selectors;
      } else {
        t.event_selectors = Field<std::vector<ClassicEventSelector>>::unknown("GetEventSelectors answered without selectors");
        t.advanced_event_selectors = Field<std::vector<AdvancedEventSelector>>::unknown("GetEventSelectors answered without selectors");
      }
    } else {
      std::string why = p->selectors.describe(ops::kCloudTrailGetEventSelectors, home);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      t.event_selectors = Field<std::vector<ClassicEventSelector>>::unknown(why);
      t.advanced_event_selectors = Field<std::vector<AdvancedEventSelector>>::unknown(why);
    }
    inventory_.add(std::move(t));
  };
  call(a, home, ops::kCloudTrailGetTrailStatus, {"{\"Name\":" + json_quote(name) + "}", {}, {}}, [p, finish](CallResult r) {
    p->status = std::move(r);
    finish();
  });
  call(a, home, ops::kCloudTrailGetEventSelectors, {"{\"TrailName\":" + json_quote(name) + "}", {}, {}},
       [p, finish](CallResult r) {
         p->selectors = std::move(r);
         finish();
       });
}

// The region's Config recorders and whether each is recording.
void LiveScan::scan_config(Account& a, const std::string& region) {
  struct Pending {
    int waiting = 2;
    CallResult recorders, status;
  };
  auto p = std::make_shared<Pending>();
  auto finish = [this, &a, region, p] {
    if (--p->waiting > 0) return;
    if (!p->recorders.ok) {
      record_listing(a, region, Collection::kConfigRecorders,
                     p->recorders.describe(ops::kConfigDescribeConfigurationRecorders, region));
      return;
    }
    Inventory found;
    std::string why;
    read_list_page(a, region, p->recorders.json, ops::kConfigDescribeConfigurationRecorders, found, why);
    std::map<std::string, Field<bool>> recording;
    std::string status_error;
    if (p->status.ok) {
      ApiAnswer answer;
      Inventory none;
      read(a, region, p->status.json, ops::kConfigDescribeConfigurationRecorderStatus, none, &answer);
      for (auto& [name, on] : answer.recorder_status) recording[name] = on;
    } else {
      status_error = p->status.describe(ops::kConfigDescribeConfigurationRecorderStatus, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, status_error));
    }
    Inventory keep;
    for (ConfigRecorder c : found.config_recorders()) {
      auto it = recording.find(c.id);
      c.recording = it != recording.end()     ? it->second
                    : !status_error.empty() ? Field<bool>::unknown(status_error)
                                            : Field<bool>::unknown("DescribeConfigurationRecorderStatus did not report this recorder");
      keep.add(std::move(c));
    }
    inventory_.absorb(std::move(keep));
    record_listing(a, region, Collection::kConfigRecorders, why);
  };
  call(a, region, ops::kConfigDescribeConfigurationRecorders, {}, [p, finish](CallResult r) {
    p->recorders = std::move(r);
    finish();
  });
  call(a, region, ops::kConfigDescribeConfigurationRecorderStatus, {}, [p, finish](CallResult r) {
    p->status = std::move(r);
    finish();
  });
}

// AWS Backup: every plan, every selection of each plan, each selection read in full. The
// collection is listed only when every one of those calls succeeded.
void LiveScan::scan_backup(Account& a, const std::string& region) {
  struct Progress {
    int pending = 1;
    std::string why;
  };
  auto progress = std::make_shared<Progress>();
  auto done = [this, &a, region, progress](const std::string& why) {
    if (!why.empty() && progress->why.empty()) progress->why = why;
    if (--progress->pending == 0) record_listing(a, region, Collection::kBackupSelections, progress->why);
  };
  // The ids in a list page (plans or selections): {list_key}[].{id_key}.
  auto ids_of = [](const std::string& json, const char* list_key, const char* id_key, bool& ok) {
    std::vector<std::string> ids;
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::array list;
    ok = parser.parse(json).get(doc) == simdjson::SUCCESS;
    if (!ok) return ids;
    if (doc[list_key].get(list) != simdjson::SUCCESS) {
      ok = is_empty_page(json);
      return ids;
    }
    for (simdjson::dom::element item : list) {
      std::string_view id;
      if (item[id_key].get(id) == simdjson::SUCCESS && !id.empty()) {
        ids.emplace_back(id);
      } else {
        ok = false;
      }
    }
    return ids;
  };
  auto rest_pages = [](std::string path) {
    return [path = std::move(path)](const std::string& token) {
      CallInput in;
      in.path = path + "?maxResults=1000" + (token.empty() ? std::string() : "&nextToken=" + uri_encode(token));
      return in;
    };
  };
  auto get_selection = [this, &a, region, progress, done](const std::string& plan, const std::string& selection) {
    ++progress->pending;
    CallInput in;
    in.path = "/backup/plans/" + uri_encode(plan) + "/selections/" + uri_encode(selection);
    call(a, region, ops::kBackupGetBackupSelection, std::move(in), [this, &a, region, done](CallResult r) {
      if (!r.ok) {
        done(r.describe(ops::kBackupGetBackupSelection, region));
        return;
      }
      std::string why;
      read_list_page(a, region, r.json, ops::kBackupGetBackupSelection, inventory_, why);
      done(why);
    });
  };
  auto list_selections = [this, &a, region, progress, done, ids_of, rest_pages, get_selection](const std::string& plan) {
    ++progress->pending;
    paginate(a, region, ops::kBackupListBackupSelections, {"nextToken", "NextToken"},
             rest_pages("/backup/plans/" + uri_encode(plan) + "/selections/"),
             [region, plan, progress, ids_of, get_selection](const std::string& json) {
               bool ok = true;
               for (const std::string& id : ids_of(json, "BackupSelectionsList", "SelectionId", ok)) get_selection(plan, id);
               if (!ok && progress->why.empty()) {
                 progress->why = fmt::format("backup:ListBackupSelections in {}: InvalidResponse: a page without "
                                             "BackupSelectionsList[].SelectionId", region);
               }
             },
             [region, done](const CallResult* error) {
               done(error != nullptr ? error->describe(ops::kBackupListBackupSelections, region) : std::string());
             });
  };
  paginate(a, region, ops::kBackupListBackupPlans, {"nextToken", "NextToken"}, rest_pages("/backup/plans/"),
           [region, progress, ids_of, list_selections](const std::string& json) {
             bool ok = true;
             for (const std::string& id : ids_of(json, "BackupPlansList", "BackupPlanId", ok)) list_selections(id);
             if (!ok && progress->why.empty()) {
               progress->why = fmt::format("backup:ListBackupPlans in {}: InvalidResponse: a page without "
                                           "BackupPlansList[].BackupPlanId", region);
             }
           },
           [region, done](const CallResult* error) {
             done(error != nullptr ? error->describe(ops::kBackupListBackupPlans, region) : std::string());
           });
}

// Application Auto Scaling targets of DynamoDB tables and indexes.
void LiveScan::scan_scalable_targets(Account& a, const std::string& region) {
  const Operation& op = ops::kApplicationAutoScalingDescribeScalableTargets;
  auto bad_page = std::make_shared<std::string>();
  paginate(a, region, op, {"NextToken", "NextToken"}, json_pages("\"ServiceNamespace\":\"dynamodb\",\"MaxResults\":50", "NextToken"),
           [this, &a, region, bad_page, &op = op](const std::string& json) {
             read_list_page(a, region, json, op, inventory_, *bad_page);
           },
           [this, &a, region, bad_page, &op = op](const CallResult* error) {
             record_listing(a, region, Collection::kScalableTargets, error != nullptr ? error->describe(op, region) : *bad_page);
           });
}

// One AccountRegion per account and region scanned, plus one without a region for IAM (its
// resources are global).
void LiveScan::add_coverage() {
  for (Account& a : accounts_) {
    std::string account = a.id.empty() ? a.expected_id : a.id;
    auto make = [&](const std::string& region, const std::map<Collection, std::string>& lists) {
      AccountRegion ar;
      ar.id = region.empty() ? account : account + "/" + region;
      ar.arn = Field<std::string>::absent();
      ar.account = account.empty() ? nullptr : intern(account);
      ar.region = region.empty() ? nullptr : intern(region);
      ar.origin.kind = SourceKind::kAws;
      for (const auto& [c, why] : lists) {
        if (why.empty()) {
          ar.listed.push_back(c);
        } else {
          ar.failed.emplace_back(c, why);
        }
      }
      if (a.iam_read && a.iam_error.empty()) {
        ar.listed.push_back(Collection::kIamPolicies);
      } else {
        ar.failed.emplace_back(Collection::kIamPolicies,
                               a.iam_read ? a.iam_error : "iam:GetAccountAuthorizationDetails was not called");
      }
      inventory_.add(std::move(ar));
    };
    if (a.coverage.empty() && !a.iam_read) continue;  // the account could not be scanned at all
    for (const auto& [region, lists] : a.coverage) make(region, lists);
    make("", {});
  }
}

// The security groups of the region's DAX clusters, 100 ids per call. A group that cannot be read is unreadable itself; the clusters are not.
void LiveScan::describe_security_groups(Account& a, const std::string& region, std::vector<std::string> ids) {
  for (size_t start = 0; start < ids.size(); start += 100) {
    CallInput in;
    std::vector<std::string> chunk(ids.begin() + static_cast<long>(start),
                                   ids.begin() + static_cast<long>(std::min(ids.size(), start + 100)));
    // A filter, not GroupId.N: a group deleted since the cluster named it is then simply absent
    // instead of failing the whole call with InvalidGroup.NotFound.
    in.form.emplace_back("Filter.1.Name", "group-id");
    for (size_t i = 0; i < chunk.size(); ++i) in.form.emplace_back(fmt::format("Filter.1.Value.{}", i + 1), chunk[i]);
    call(a, region, ops::kEc2DescribeSecurityGroups, std::move(in), [this, &a, region, chunk](CallResult r) {
      if (r.ok) {
        read_page(a, region, r.json, ops::kEc2DescribeSecurityGroups, {}, inventory_);
        return;
      }
      std::string why = r.describe(ops::kEc2DescribeSecurityGroups, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      for (const std::string& id : chunk) {
        add_unreadable(a, region, ResourceType::kEc2SecurityGroup, id, ops::kEc2DescribeSecurityGroups, why);
      }
    });
  }
}

void LiveScan::scan_tables(Account& a, const std::string& region) {
  paginate(a, region, ops::kDynamoDbListTables, {"ExclusiveStartTableName", "LastEvaluatedTableName"},
           json_pages("\"Limit\":100", "ExclusiveStartTableName"),
           [this, &a, region](const std::string& json) {
             simdjson::dom::parser parser;
             simdjson::dom::element doc;
             simdjson::dom::array names;
             if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc["TableNames"].get(names) != simdjson::SUCCESS) {
               summary(a).errors.push_back(fmt::format("aws {} {}: dynamodb:ListTables answered without TableNames", a.id, region));
               return;
             }
             for (simdjson::dom::element n : names) {
               std::string_view name;
               if (n.get(name) == simdjson::SUCCESS) describe_table(a, region, std::string(name));
             }
           },
           [this, &a, region](const CallResult* error) {
             if (error != nullptr) scope_error(a, region, {ResourceType::kDynamoDbTable}, ops::kDynamoDbListTables, *error);
           });
}

// DescribeTable and DescribeContinuousBackups for one table, both in flight; the table is read
// when both have answered. A failure touches this table only.
void LiveScan::describe_table(Account& a, const std::string& region, std::string name) {
  if (!a.described_tables.insert(region + '|' + name).second) return;
  struct Pair {
    std::string name;
    int waiting = 4;
    CallResult table, backups, policy;
    std::vector<Tag> tags;
    std::string tags_error;
  };
  auto p = std::make_shared<Pair>();
  p->name = std::move(name);
  auto finish = [this, &a, region, p] {
    if (--p->waiting > 0) return;
    if (!p->table.ok) {
      // Deleted between ListTables and DescribeTable: nothing to judge.
      if (p->table.error_code == "ResourceNotFoundException") return;
      std::string why = p->table.describe(ops::kDynamoDbDescribeTable, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      add_unreadable(a, region, ResourceType::kDynamoDbTable, p->name, ops::kDynamoDbDescribeTable, why);
      return;
    }
    Inventory found;
    read(a, region, p->table.json, ops::kDynamoDbDescribeTable, found);
    const bool got_it = std::any_of(found.tables().begin(), found.tables().end(),
                                    [&](const DynamoDbTable& t) { return t.id == p->name; });
    if (!got_it) {
      std::string why = fmt::format("dynamodb:DescribeTable in {}: the answer does not describe table {}", region, p->name);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      add_unreadable(a, region, ResourceType::kDynamoDbTable, p->name, ops::kDynamoDbDescribeTable, why);
      return;
    }
    Field<std::string> pitr;
    Field<int64_t> days;
    if (p->backups.ok) {
      ApiAnswer b;
      Inventory none;
      read(a, region, p->backups.json, ops::kDynamoDbDescribeContinuousBackups, none, &b);
      pitr = b.has_backups ? b.pitr_status : Field<std::string>::unknown("DescribeContinuousBackups answered without a description");
      days = b.has_backups ? b.pitr_recovery_days : Field<int64_t>::unknown("DescribeContinuousBackups answered without a description");
    } else {
      std::string why = p->backups.describe(ops::kDynamoDbDescribeContinuousBackups, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      pitr = Field<std::string>::unknown(why);
      days = Field<int64_t>::unknown(why);
    }
    // Tags and the resource policy: a failure leaves that field unknown, the table readable.
    Field<std::vector<Tag>> tags = Field<std::vector<Tag>>::known(p->tags);
    if (!p->tags_error.empty()) {
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, p->tags_error));
      tags = Field<std::vector<Tag>>::unknown(p->tags_error);
    }
    Field<std::string> policy;
    if (p->policy.ok) {
      ApiAnswer answer;
      Inventory none;
      read(a, region, p->policy.json, ops::kDynamoDbGetResourcePolicy, none, &answer);
      policy = answer.has_resource_policy ? answer.resource_policy
                                          : Field<std::string>::unknown("GetResourcePolicy answered without a Policy");
    } else if (p->policy.error_code == "PolicyNotFoundException" || p->policy.error_code == "ResourceNotFoundException") {
      policy = Field<std::string>::absent();  // the table has no resource policy
    } else {
      std::string why = p->policy.describe(ops::kDynamoDbGetResourcePolicy, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      policy = Field<std::string>::unknown(why);
    }
    for (DynamoDbTable& t : found.mutable_tables()) {
      t.pitr_status = pitr;
      t.pitr_recovery_days = days;
      t.tags = tags;
      t.resource_policy = policy;
    }
    request_keys_of(a, region, found);
    inventory_.absorb(std::move(found));
  };
  std::string input = "{\"TableName\":" + json_quote(p->name) + "}";
  call(a, region, ops::kDynamoDbDescribeTable, {input, {}}, [p, finish](CallResult r) {
    p->table = std::move(r);
    finish();
  });
  call(a, region, ops::kDynamoDbDescribeContinuousBackups, {input, {}}, [p, finish](CallResult r) {
    p->backups = std::move(r);
    finish();
  });
  // Both take the table's ARN, built here so that all four calls are in flight at once.
  const std::string arn = fmt::format("arn:{}:dynamodb:{}:{}:table/{}", partition_of(region), region, a.id, p->name);
  const std::string by_arn = "{\"ResourceArn\":" + json_quote(arn) + "}";
  call(a, region, ops::kDynamoDbGetResourcePolicy, {by_arn, {}}, [p, finish](CallResult r) {
    p->policy = std::move(r);
    finish();
  });
  paginate(a, region, ops::kDynamoDbListTagsOfResource, {"NextToken", "NextToken"},
           [arn](const std::string& token) {
             CallInput in;
             in.json = "{\"ResourceArn\":" + json_quote(arn) +
                       (token.empty() ? std::string() : ",\"NextToken\":" + json_quote(token)) + "}";
             return in;
           },
           [this, &a, region, p](const std::string& json) {
             ApiAnswer answer;
             Inventory none;
             read(a, region, json, ops::kDynamoDbListTagsOfResource, none, &answer);
             if (answer.has_tags && answer.tags.is_known()) {
               p->tags.insert(p->tags.end(), answer.tags.value().begin(), answer.tags.value().end());
             } else if (!is_empty_page(json) && p->tags_error.empty()) {
               p->tags_error = fmt::format("dynamodb:ListTagsOfResource in {}: InvalidResponse: the answer holds no Tags", region);
             }
           },
           [region, p, finish](const CallResult* error) {
             if (error != nullptr && p->tags_error.empty()) p->tags_error = error->describe(ops::kDynamoDbListTagsOfResource, region);
             finish();
           });
}

void LiveScan::scan_elasticache(Account& a, const std::string& region, std::shared_ptr<RegionNetwork> net) {
  struct List {
    const Operation* op;
    ResourceType type;
    Paging paging;
    const char* limit_key;
    std::vector<std::pair<std::string, std::string>> extra;
  };
  const List lists[] = {
      {&ops::kElastiCacheDescribeReplicationGroups, ResourceType::kElastiCacheReplicationGroup,
       {"Marker", "Marker"}, "MaxRecords", {}},
      {&ops::kElastiCacheDescribeCacheClusters, ResourceType::kElastiCacheCacheCluster,
       {"Marker", "Marker"}, "MaxRecords", {{"ShowCacheNodeInfo", "true"}}},
      {&ops::kElastiCacheDescribeServerlessCaches, ResourceType::kElastiCacheServerlessCache,
       {"NextToken", "NextToken"}, "MaxResults", {}},
  };
  for (const List& list : lists) {
    const Operation& op = *list.op;
    // Serverless caches name their subnets, which locate their VPCs.
    const bool serverless = list.type == ResourceType::kElastiCacheServerlessCache;
    paginate(a, region, op, list.paging,
             [list](const std::string& token) {
               CallInput in;
               in.form = list.extra;
               in.form.emplace_back(list.limit_key, list.op == &ops::kElastiCacheDescribeServerlessCaches ? "50" : "100");
               if (!token.empty()) in.form.emplace_back(list.paging.token_in, token);
               return in;
             },
             [this, &a, region, &op, type = list.type, serverless, net](const std::string& json) {
               Inventory found;
               read_page(a, region, json, op, {type}, found);
               request_keys_of(a, region, found);
               if (serverless) {
                 for (const ElastiCache& c : found.caches()) {
                   if (c.subnet_ids.is_known()) net->serverless_subnets.insert(c.subnet_ids.value().begin(), c.subnet_ids.value().end());
                 }
               }
               inventory_.absorb(std::move(found));
             },
             [this, &a, region, &op, type = list.type, serverless, net](const CallResult* error) {
               if (error != nullptr) scope_error(a, region, {type}, op, *error);
               if (serverless) network_source_done(a, region, net, error != nullptr ? error->describe(op, region) : std::string());
             });
  }
}

void LiveScan::request_keys_of(Account& a, const std::string& region, Inventory& found) {
  for (const DynamoDbTable& t : found.tables()) {
    if (t.sse_type.is_known() && iequals(t.sse_type.value(), "KMS") && t.kms_key_arn.is_known()) {
      request_key(a, region, t.kms_key_arn.value());
    }
  }
  for (const ElastiCache& c : found.caches()) {
    if (c.kms_key_id.is_known() && !c.kms_key_id.value().empty()) request_key(a, region, c.kms_key_id.value());
  }
}

// DescribeKey and GetKeyRotationStatus for a key a resource uses, once per key, in the key's
// own region (a key ARN says which).
void LiveScan::request_key(Account& a, const std::string& resource_region, const std::string& ref) {
  Arn arn;
  std::string region = parse_arn(ref, arn) && !arn.region.empty() ? std::string(arn.region) : resource_region;
  if (!a.requested_keys.insert(region + '|' + ref).second) return;
  if (a.alias_regions.insert(region).second) {
    paginate(a, region, ops::kKmsListAliases, {"Marker", "NextMarker", "Truncated"}, json_pages("\"Limit\":100", "Marker"),
             [this, &a, region](const std::string& json) { read(a, region, json, ops::kKmsListAliases, inventory_); },
             [this, &a, region](const CallResult* error) {
               // Without aliases an AWS managed key is still told by its KeyManager.
               if (error != nullptr) {
                 summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, error->describe(ops::kKmsListAliases, region)));
               }
             });
  }
  struct Pair {
    std::string ref;
    int waiting = 2;
    CallResult key, rotation;
  };
  auto p = std::make_shared<Pair>();
  p->ref = ref;
  auto finish = [this, &a, region, p] {
    if (--p->waiting > 0) return;
    if (!p->key.ok) {
      // NotFound: KMS says the key does not exist, so its users cannot decrypt (a tombstone).
      // Any other failure leaves the key unreadable.
      const bool gone = p->key.error_code == "NotFoundException";
      std::string why = p->key.describe(ops::kKmsDescribeKey, region);
      if (!gone) summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      KmsKey k;
      k.id = key_id_of(p->ref);
      Arn parsed;
      k.arn = parse_arn(p->ref, parsed) ? Field<std::string>::known(p->ref) : Field<std::string>::absent();
      k.account = intern(parsed.account.empty() ? a.id : std::string(parsed.account));
      k.region = intern(region);
      k.origin.kind = SourceKind::kAws;
      k.origin.api = intern("kms:DescribeKey");
      if (gone) {
        k.deleted = true;
      } else {
        k.read_error = intern(why);
      }
      inventory_.add(std::move(k));
      return;
    }
    Inventory found;
    read(a, region, p->key.json, ops::kKmsDescribeKey, found);
    Field<bool> rotation;
    if (p->rotation.ok) {
      thread_local simdjson::dom::parser parser;
      simdjson::dom::element doc;
      bool enabled = false;
      rotation = parser.parse(p->rotation.json).get(doc) == simdjson::SUCCESS &&
                         doc["KeyRotationEnabled"].get(enabled) == simdjson::SUCCESS
                     ? Field<bool>::known(enabled)
                     : Field<bool>::unknown("GetKeyRotationStatus answered without KeyRotationEnabled");
    } else if (p->rotation.error_code == "UnsupportedOperationException") {
      rotation = Field<bool>::absent();  // asymmetric, HMAC or imported keys do not rotate
    } else if (p->rotation.error_code == "KMSInvalidStateException") {
      // Normal for a disabled or pending-deletion key: its state is what the checks judge.
      rotation = Field<bool>::unknown(fmt::format("the key's state does not allow {}",
                                                  p->rotation.describe(ops::kKmsGetKeyRotationStatus, region)));
    } else {
      std::string why = p->rotation.describe(ops::kKmsGetKeyRotationStatus, region);
      summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
      rotation = Field<bool>::unknown(why);
    }
    bool customer_managed = false;
    for (KmsKey& k : found.mutable_kms_keys()) {
      k.rotation_enabled = rotation;
      if (p->ref.starts_with("alias/")) inventory_.add_kms_alias(k.account, k.region, nullptr, p->ref, k.id);
      customer_managed |= k.key_manager.is_known() && k.key_manager.value() == "CUSTOMER";
    }
    if (!customer_managed || found.kms_keys().size() != 1) {
      inventory_.absorb(std::move(found));
      return;
    }
    // The key policy of a customer managed key (AWS managed keys' policies are AWS's).
    const KmsKey& key = found.kms_keys().front();
    std::string by_key = "{\"KeyId\":" + json_quote(key.arn.is_known() ? key.arn.value() : key.id) +
                         ",\"PolicyName\":\"default\"}";
    auto held = std::make_shared<Inventory>(std::move(found));
    call(a, region, ops::kKmsGetKeyPolicy, {by_key, {}}, [this, &a, region, held](CallResult r) {
      Field<std::string> policy;
      if (r.ok) {
        ApiAnswer answer;
        Inventory none;
        read(a, region, r.json, ops::kKmsGetKeyPolicy, none, &answer);
        policy = answer.has_key_policy ? answer.key_policy : Field<std::string>::unknown("GetKeyPolicy answered without a Policy");
      } else {
        std::string why = r.describe(ops::kKmsGetKeyPolicy, region);
        summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, why));
        policy = Field<std::string>::unknown(why);
      }
      for (KmsKey& k : held->mutable_kms_keys()) k.policy = policy;
      inventory_.absorb(std::move(*held));
    });
  };
  std::string input = "{\"KeyId\":" + json_quote(ref) + "}";
  call(a, region, ops::kKmsDescribeKey, {input, {}}, [p, finish](CallResult r) {
    p->key = std::move(r);
    finish();
  });
  call(a, region, ops::kKmsGetKeyRotationStatus, {input, {}}, [p, finish](CallResult r) {
    p->rotation = std::move(r);
    finish();
  });
}

void LiveScan::list_organization(Account& caller) {
  std::vector<std::pair<std::string, std::string>> members;  // id, name
  bool failed = false;
  bool page_error = false;
  paginate(caller, home_region_, ops::kOrganizationsListAccounts, {"NextToken", "NextToken"}, json_pages("", "NextToken"),
           [&members, &page_error](const std::string& json) {
             simdjson::dom::parser parser;
             simdjson::dom::element doc;
             simdjson::dom::array list;
             if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc["Accounts"].get(list) != simdjson::SUCCESS) {
               if (!is_empty_page(json)) page_error = true;
               return;
             }
             for (simdjson::dom::element item : list) {
               std::string_view id, status, state;
               if (item["Id"].get(id) != simdjson::SUCCESS) continue;
               bool has_state = item["State"].get(state) == simdjson::SUCCESS;
               bool has_status = item["Status"].get(status) == simdjson::SUCCESS;
               if ((has_state && state != "ACTIVE") || (!has_state && has_status && status != "ACTIVE")) continue;
               members.emplace_back(std::string(id), std::string(id));
             }
           },
           [this, &caller, &failed](const CallResult* error) {
             if (error != nullptr) {
               failed = true;
               summary(caller).errors.push_back(fmt::format(
                   "aws: {}; scanning only the caller's account", error->describe(ops::kOrganizationsListAccounts, "")));
             }
           });
  // The caller's identity decides which member is "self" (scanned with the caller's credentials).
  call(caller, home_region_, ops::kStsGetCallerIdentity, {}, [&caller](CallResult r) {
    if (r.ok) caller.id = json_string(r.json, "Account");
  });
  http_.run();
  if (page_error && !failed) {
    failed = true;
    summary(caller).errors.push_back(
        "aws: organizations:ListAccounts answered a page without Accounts; scanning only the caller's account");
  }
  if (failed) return;
  for (const auto& [id, name] : members) {
    if (id == caller.id) continue;
    Account& member = accounts_.emplace_back();
    member.label = fmt::format("arn:aws:iam::{}:role/{}", id, options_.org_role);
    member.expected_id = id;
    member.credentials = assume_role_provider(caller.credentials, member.label, "atrest-scan", options_.external_id,
                                              chain_, home_region_);
    member.summary = summaries_.size();
    InputSummary& s = summaries_.emplace_back();
    s.kind = SourceKind::kAws;
    s.source = fmt::format("aws account {} (organization member)", id);
  }
  caller.id.clear();  // read again by start_account
}

void LiveScan::show_progress(bool final) {
  if (!options_.progress) return;
  if (final) {
    if (progress_shown_) std::fprintf(stderr, "\r\033[K");
    return;
  }
  progress_shown_ = true;
  const ClientStats& s = client_.stats();
  std::fprintf(stderr, "\r\033[Katrest: %zu account(s), %zu region(s), %zu calls done, %zu in flight, %zu retried",
               accounts_.size(), regions_scanned_, s.calls - outstanding_, http_.in_flight(), s.retries);
  std::fflush(stderr);
}

void LiveScan::schedule_progress() {
  if (!options_.progress) return;
  http_.after(std::chrono::milliseconds(200), [this] {
    show_progress(false);
    if (outstanding_ > 0) schedule_progress();
  });
}

std::vector<InputSummary> LiveScan::run(LiveStats* stats) {
  try {
    home_region_ = resolve_region(chain_);
  } catch (const std::exception&) {
    home_region_.clear();  // the same problem is reported by the credential chain below
  }
  if (home_region_.empty()) home_region_ = options_.regions.empty() ? "us-east-1" : options_.regions.front();

  std::shared_ptr<CredentialProvider> base;
  std::string base_error;
  try {
    base = default_credential_chain(chain_);
  } catch (const std::exception& e) {
    base_error = e.what();
  }
  auto add_account = [this](std::string label, std::string expected, std::shared_ptr<CredentialProvider> creds,
                            std::string error) -> Account& {
    Account& a = accounts_.emplace_back();
    a.label = std::move(label);
    a.expected_id = std::move(expected);
    a.credentials = std::move(creds);
    a.setup_error = std::move(error);
    a.summary = summaries_.size();
    InputSummary& s = summaries_.emplace_back();
    s.kind = SourceKind::kAws;
    s.source = "aws " + a.label;
    return a;
  };
  if (options_.role_arns.empty()) {
    Account& caller = add_account(options_.profile.empty() ? "default credentials" : "profile " + options_.profile, "",
                                  base, base_error);
    if (options_.organization && base_error.empty()) list_organization(caller);
  } else {
    for (const std::string& role : options_.role_arns) {
      Arn parsed;
      std::string expected = parse_arn(role, parsed) ? std::string(parsed.account) : std::string();
      std::shared_ptr<CredentialProvider> creds;
      if (base) creds = assume_role_provider(base, role, "atrest-scan", options_.external_id, chain_, home_region_);
      add_account(role, expected, creds, base_error);
    }
  }
  // Credentials (AssumeRole, process, metadata) are fetched up front and in parallel, so that
  // no call inside the event loop waits on them.
  // At most 16 at a time: an organization of a thousand accounts must not burst STS.
  std::vector<Account*> pending;
  for (Account& a : accounts_) {
    if (a.setup_error.empty() && a.credentials) pending.push_back(&a);
  }
  std::atomic<size_t> next{0};
  auto warm = [&] {
    for (size_t i = next++; i < pending.size(); i = next++) {
      try {
        (void)pending[i]->credentials->get();
      } catch (const std::exception& e) {
        pending[i]->setup_error = e.what();
      }
    }
  };
  std::vector<std::thread> workers;
  for (size_t j = 0; j < std::min<size_t>(16, pending.size()); ++j) workers.emplace_back(warm);
  for (std::thread& t : workers) t.join();
  for (Account& a : accounts_) start_account(a);
  schedule_progress();
  http_.run();
  add_coverage();
  show_progress(true);
  if (stats != nullptr) {
    const ClientStats& s = client_.stats();
    stats->accounts = accounts_.size();
    stats->regions = regions_scanned_;
    stats->calls = s.calls;
    stats->http_requests = s.attempts;
    stats->retries = s.retries;
    stats->throttled = s.throttled;
    stats->failed_calls = s.failed;
  }
  return std::move(summaries_);
}

}  // namespace

std::vector<InputSummary> scan_aws(const LiveOptions& options, Inventory& inventory, LiveStats* stats) {
  LiveScan scan(options, inventory);
  return scan.run(stats);
}

}  // namespace atrest
