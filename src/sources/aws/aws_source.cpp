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
// nothing but pagination and request metadata (some services leave an empty list out).
bool is_empty_page(const std::string& json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc.get(obj) != simdjson::SUCCESS) return false;
  for (auto field : obj) {
    std::string_view k = field.key;
    if (k == "NextToken" || k == "Marker" || k == "NextMarker" || k == "Truncated" || k == "ResponseMetadata" ||
        k == "requestId" || k == "RequestId" || k == "LastEvaluatedTableName") {
      continue;
    }
    return false;
  }
  return true;
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

  void start_account(Account& a);
  void start_region(Account& a, const std::string& region);
  void scan_dax(Account& a, const std::string& region);
  void scan_tables(Account& a, const std::string& region);
  void describe_security_groups(Account& a, const std::string& region, std::vector<std::string> ids);
  void describe_table(Account& a, const std::string& region, std::string name);
  void scan_elasticache(Account& a, const std::string& region);
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
  if (dax_offered_in(region)) scan_dax(a, region);
  scan_tables(a, region);
  scan_elasticache(a, region);
}

void LiveScan::scan_dax(Account& a, const std::string& region) {
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
  // Subnet groups tell how far DAX can spread nodes; without them dax-multi-az judges by the
  // nodes alone, so a failure here is reported but leaves the clusters readable.
  paginate(a, region, ops::kDaxDescribeSubnetGroups, {"NextToken", "NextToken"}, json_pages("\"MaxResults\":100", "NextToken"),
           [this, &a, region](const std::string& json) { read(a, region, json, ops::kDaxDescribeSubnetGroups, inventory_); },
           [this, &a, region](const CallResult* error) {
             if (error != nullptr) {
               summary(a).errors.push_back(fmt::format("aws {}: {}", a.id, error->describe(ops::kDaxDescribeSubnetGroups, region)));
             }
           });
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
    int waiting = 2;
    CallResult table, backups;
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
    for (DynamoDbTable& t : found.mutable_tables()) {
      t.pitr_status = pitr;
      t.pitr_recovery_days = days;
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
}

void LiveScan::scan_elasticache(Account& a, const std::string& region) {
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
    paginate(a, region, op, list.paging,
             [list](const std::string& token) {
               CallInput in;
               in.form = list.extra;
               in.form.emplace_back(list.limit_key, list.op == &ops::kElastiCacheDescribeServerlessCaches ? "50" : "100");
               if (!token.empty()) in.form.emplace_back(list.paging.token_in, token);
               return in;
             },
             [this, &a, region, &op, type = list.type](const std::string& json) {
               Inventory found;
               read_page(a, region, json, op, {type}, found);
               request_keys_of(a, region, found);
               inventory_.absorb(std::move(found));
             },
             [this, &a, region, &op, type = list.type](const CallResult* error) {
               if (error != nullptr) scope_error(a, region, {type}, op, *error);
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
    for (KmsKey& k : found.mutable_kms_keys()) {
      k.rotation_enabled = rotation;
      if (p->ref.starts_with("alias/")) inventory_.add_kms_alias(k.account, k.region, nullptr, p->ref, k.id);
    }
    inventory_.absorb(std::move(found));
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
