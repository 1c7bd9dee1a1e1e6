// Credential and setting resolution following botocore 1.43's rules: its INI dialect (Python's
// configparser), its provider order, and the wire behaviour of STS, container and IMDS sources.
#include "sources/aws/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <pugixml.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace atrest::aws {

Environment process_environment() {
  return [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return std::string(v == nullptr ? "" : v);
  };
}

namespace {

// Refresh this long before expiry (the header's contract; botocore itself uses 15 minutes).
constexpr std::time_t kRefreshWindow = 5 * 60;
// A failed early refresh keeps the current credentials while they have this long left, as
// botocore's advisory refresh does; closer to expiry the failure is reported.
constexpr std::time_t kKeepOnFailure = 60;

// ---------------------------------------------------------------------------------------------
// Small string helpers. Python's str.strip() is the reference, so whitespace includes \v, \f and
// the ASCII separators 0x1c-0x1f.

bool py_space(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == ' ' || (u >= '\t' && u <= '\r') || (u >= 0x1c && u <= 0x1f);
}

std::string_view rstrip(std::string_view s) {
  while (!s.empty() && py_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && py_space(s.front())) s.remove_prefix(1);
  return rstrip(s);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// botocore's ensure_boolean: only the string "true", in any case.
bool is_true(std::string_view s) { return lower(s) == "true"; }

const std::string* find(const Profile& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? nullptr : &it->second;
}

std::string get_or_empty(const Profile& p, const std::string& key) {
  const std::string* v = find(p, key);
  return v == nullptr ? std::string() : *v;
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Text from outside (a process's stderr, an HTTP body, an STS message) made safe for an error
// message: known secrets and anything shaped like a key or token removed, whitespace collapsed,
// length bounded.
std::string scrub(std::string_view text, const std::vector<std::string>& secrets = {}) {
  std::string s(text);
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) continue;
    for (size_t at = s.find(secret); at != std::string::npos; at = s.find(secret, at)) {
      s.replace(at, secret.size(), "[redacted]");
    }
  }
  auto token_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  };
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (token_char(s[i])) {
      size_t j = i;
      bool digit = false, alpha = false;
      while (j < s.size() && token_char(s[j])) {
        digit |= (s[j] >= '0' && s[j] <= '9');
        alpha |= ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z');
        ++j;
      }
      // Secret keys are 40 random base64 characters and session tokens longer still.
      if (j - i >= 32 && digit && alpha) {
        out += "[redacted]";
      } else {
        out.append(s, i, j - i);
      }
      i = j;
    } else if (py_space(s[i])) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
    } else {
      out += s[i++];
    }
  }
  out = std::string(strip(out));
  constexpr size_t kMax = 300;
  if (out.size() > kMax) out = out.substr(0, kMax) + "...";
  return out;
}

// RFC 3986 percent-encoding, as botocore's query serializer sends form values.
std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time: ISO-8601 as STS, IMDS, containers and credential processes write it.

bool read_digits(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

// YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]]; no zone means UTC.
std::optional<std::time_t> parse_time(std::string_view text) {
  std::string_view s = strip(text);
  size_t i = 0;
  int year, mon, day, hour, min, sec;
  auto expect = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!read_digits(s, i, 4, year) || !expect('-') || !read_digits(s, i, 2, mon) || !expect('-') ||
      !read_digits(s, i, 2, day)) {
    return std::nullopt;
  }
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return std::nullopt;
  ++i;
  if (!read_digits(s, i, 2, hour) || !expect(':') || !read_digits(s, i, 2, min) || !expect(':') ||
      !read_digits(s, i, 2, sec)) {
    return std::nullopt;
  }
  if (expect('.')) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  long offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int oh = 0, om = 0;
      if (!read_digits(s, i, 2, oh)) return std::nullopt;
      if (expect(':')) {
        if (!read_digits(s, i, 2, om)) return std::nullopt;
      } else if (i < s.size()) {
        if (!read_digits(s, i, 2, om)) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600L + om * 60L);
    }
  }
  if (i != s.size()) return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return timegm(&tm) - offset;
}

std::string format_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// JSON answers (credential_process, container, IMDS).

class JsonObject {
 public:
  bool parse(std::string_view text) {
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    if (parser_.parse(padded).get(root) != simdjson::SUCCESS) return false;
    return root.get(obj_) == simdjson::SUCCESS;
  }
  bool has(const char* key) const {
    simdjson::dom::element e;
    return obj_.at_key(key).get(e) == simdjson::SUCCESS;
  }
  // The member as a string; nullopt when absent, null or not a string.
  std::optional<std::string> str(const char* key) const {
    std::string_view v;
    if (obj_.at_key(key).get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
    return std::string(v);
  }
  bool is_one(const char* key) const {
    simdjson::dom::element e;
    if (obj_.at_key(key).get(e) != simdjson::SUCCESS) return false;
    int64_t i;
    uint64_t u;
    double d;
    if (e.get(i) == simdjson::SUCCESS) return i == 1;
    if (e.get(u) == simdjson::SUCCESS) return u == 1;
    if (e.get(d) == simdjson::SUCCESS) return d == 1.0;  // Python: 1.0 == 1
    return false;
  }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object obj_;
};

// ---------------------------------------------------------------------------------------------
// The INI dialect: Python's RawConfigParser defaults (delimiters = and :, full-line comments
// only, keys lower-cased, indented continuation lines, blank lines kept inside values,
// duplicates rejected, a [DEFAULT] section inherited by all), then botocore's nesting rule: a
// value that starts with a newline is a sub-section of "key = value" lines.

struct ParsedSection {
  Profile flat;
  std::map<std::string, Profile> nested;
};
using ParsedFile = std::vector<std::pair<std::string, ParsedSection>>;  // in file order

[[noreturn]] void ini_error(const std::string& path, size_t line, const std::string& what) {
  // Never quote the line: in a credentials file it may hold a secret.
  throw CredentialError(path + ":" + std::to_string(line) + ": " + what);
}

ParsedFile parse_ini(std::string_view text, const std::string& path) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    ini_error(path, 1, "the file starts with a UTF-8 byte order mark, which the AWS CLI and SDKs reject; "
                       "save it without one");
  }
  struct Piece {
    std::string text;
    size_t line;
  };
  using RawSection = std::map<std::string, std::vector<Piece>>;
  std::vector<std::pair<std::string, RawSection>> sections;
  RawSection defaults;
  std::set<std::pair<std::string, std::string>> seen_options;

  RawSection* cur = nullptr;
  std::string sect_name;
  std::optional<std::string> opt_name;
  size_t indent_level = 0;

  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // Universal newlines, as Python reads text files.
    size_t end = text.find_first_of("\r\n", pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (end == std::string_view::npos) {
      pos = text.size();
    } else {
      pos = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    }
    ++line_no;

    std::string_view value = strip(line);
    if (value.starts_with('#') || value.starts_with(';')) continue;  // comment lines vanish entirely
    if (value.empty()) {
      if (cur != nullptr && opt_name) (*cur)[*opt_name].push_back({"", line_no});
      continue;
    }
    size_t indent = 0;
    while (indent < line.size() && py_space(line[indent])) ++indent;
    if (cur != nullptr && opt_name && indent > indent_level) {
      (*cur)[*opt_name].push_back({std::string(value), line_no});
      continue;
    }
    indent_level = indent;
    // "[" header "]" with the header running to the last "]" on the line.
    if (value.front() == '[') {
      size_t close = value.rfind(']');
      if (close != std::string_view::npos && close >= 2) {
        std::string name(value.substr(1, close - 1));
        opt_name.reset();
        if (name == "DEFAULT") {
          cur = &defaults;
          sect_name = name;
          continue;
        }
        for (auto& [n, s] : sections) {
          if (n == name) ini_error(path, line_no, "section [" + name + "] appears twice");
        }
        sections.emplace_back(name, RawSection{});
        cur = &sections.back().second;
        sect_name = name;
        continue;
      }
    }
    if (cur == nullptr) ini_error(path, line_no, "a line before the first [section] header");
    size_t delim = value.find_first_of("=:");
    if (delim == std::string_view::npos) ini_error(path, line_no, "expected \"key = value\"");
    std::string key = lower(rstrip(value.substr(0, delim)));
    if (key.empty()) ini_error(path, line_no, "a value without a key");
    if (!seen_options.insert({sect_name, key}).second) {
      ini_error(path, line_no, "key \"" + key + "\" appears twice in section [" + sect_name + "]");
    }
    (*cur)[key] = {{std::string(strip(value.substr(delim + 1))), line_no}};
    opt_name = key;
  }

  auto finish = [&](const std::string& section, const std::string& key, const std::vector<Piece>& pieces,
                    ParsedSection& out) {
    std::string joined;
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) joined += '\n';
      joined += pieces[i].text;
    }
    joined = std::string(rstrip(joined));
    if (!joined.starts_with('\n')) {
      out.flat[key] = joined;
      out.nested.erase(key);
      return;
    }
    Profile sub;
    for (const Piece& p : pieces) {
      std::string_view l = strip(p.text);
      if (l.empty()) continue;
      size_t eq = l.find('=');  // only "=" here: botocore splits nested lines itself
      if (eq == std::string_view::npos) {
        ini_error(path, p.line, "the indented lines under \"" + key + "\" in [" + section + "] must be \"key = value\"");
      }
      sub[std::string(strip(l.substr(0, eq)))] = std::string(strip(l.substr(eq + 1)));
    }
    out.nested[key] = std::move(sub);
    out.flat.erase(key);
  };

  ParsedFile result;
  for (auto& [name, raw] : sections) {
    ParsedSection out;
    for (const auto& [key, pieces] : defaults) {
      if (raw.count(key) == 0) finish(name, key, pieces, out);
    }
    for (const auto& [key, pieces] : raw) finish(name, key, pieces, out);
    result.emplace_back(name, std::move(out));
  }
  return result;
}

// Python's shlex.split (POSIX mode, no comments): botocore splits credential_process with it
// and runs the words without a shell.
std::vector<std::string> shell_split(std::string_view s, const std::string& what) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_ws(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) throw CredentialError(what + ": the command ends with a lone backslash");
      word += s[++i];
      in_word = true;
    } else if (c == '\'' || c == '"') {
      in_word = true;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size()) throw CredentialError(what + ": the command has an unclosed " + std::string(1, c) + " quote");
        if (s[j] == c) break;
        if (c == '"' && s[j] == '\\') {
          if (j + 1 >= s.size()) throw CredentialError(what + ": the command has an unclosed \" quote");
          // Inside double quotes a backslash only escapes a backslash or a double quote.
          if (s[j + 1] != '\\' && s[j + 1] != '"') word += '\\';
          word += s[++j];
          continue;
        }
        word += s[j];
      }
      i = j;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

// Python's os.path.expandvars then expanduser, as botocore applies them to file paths.
std::string expand_path(const std::string& path, const Environment& env) {
  std::string s;
  for (size_t i = 0; i < path.size();) {
    if (path[i] != '$') {
      s += path[i++];
      continue;
    }
    size_t name_start, name_end, next;
    if (i + 1 < path.size() && path[i + 1] == '{') {
      size_t close = path.find('}', i + 2);
      if (close == std::string::npos) {
        s += path[i++];
        continue;
      }
      name_start = i + 2;
      name_end = close;
      next = close + 1;
    } else {
      size_t j = i + 1;
      while (j < path.size() && (std::isalnum(static_cast<unsigned char>(path[j])) || path[j] == '_')) ++j;
      if (j == i + 1) {
        s += path[i++];
        continue;
      }
      name_start = i + 1;
      name_end = j;
      next = j;
    }
    std::string value = env(path.substr(name_start, name_end - name_start));
    if (value.empty()) {
      s.append(path, i, next - i);
    } else {
      s += value;
    }
    i = next;
  }
  if (!s.starts_with('~')) return s;
  size_t slash = s.find('/', 1);
  if (slash == std::string::npos) slash = s.size();
  std::string home;
  if (slash == 1) {
    home = env("HOME");
    if (home.empty()) {
      if (const passwd* pw = getpwuid(getuid()); pw != nullptr) home = pw->pw_dir;
    }
  } else {
    const passwd* pw = getpwnam(s.substr(1, slash - 1).c_str());
    if (pw == nullptr) return s;
    home = pw->pw_dir;
  }
  while (!home.empty() && home.back() == '/') home.pop_back();
  std::string out = home + s.substr(slash);
  return out.empty() ? "/" : out;
}

// A missing (or non-regular) file is "no file", as botocore's isfile check makes it.
std::optional<ParsedFile> read_ini(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CredentialError("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw CredentialError("cannot read " + path + ": " + std::strerror(errno));
  return parse_ini(buf.str(), path);
}

// "profile NAME" split as shlex does; botocore takes the second word when there are exactly two.
std::optional<std::string> section_name_part(const std::string& section) {
  try {
    std::vector<std::string> parts = shell_split(section, "section");
    if (parts.size() == 2) return parts[1];
  } catch (const CredentialError&) {
  }
  return std::nullopt;
}

}  // namespace

SharedConfig SharedConfig::load(const Environment& env) {
  SharedConfig cfg;
  std::string config_file = env("AWS_CONFIG_FILE");
  std::string credentials_file = env("AWS_SHARED_CREDENTIALS_FILE");
  cfg.config_path = expand_path(config_file.empty() ? "~/.aws/config" : config_file, env);
  cfg.credentials_path = expand_path(credentials_file.empty() ? "~/.aws/credentials" : credentials_file, env);

  std::map<std::string, ParsedSection> config_profiles;
  if (auto parsed = read_ini(cfg.config_path)) {
    for (auto& [name, section] : *parsed) {
      // botocore tests prefixes, so "[profilex a]" names profile "a" and "[servicesx s]" a services section.
      if (name.starts_with("profile")) {
        if (auto p = section_name_part(name)) config_profiles[*p] = section;
      } else if (name.starts_with("sso-session")) {
        // SSO sessions are not supported; profiles that use them are reported when chosen.
      } else if (name.starts_with("services")) {
        if (auto p = section_name_part(name)) cfg.services[*p] = section.nested;
      } else if (name == "default") {
        config_profiles[name] = section;  // a later [profile default] or [default] replaces it
      }
    }
  }
  for (auto& [name, section] : config_profiles) {
    cfg.config_file_profiles[name] = section.flat;
    cfg.profiles[name] = section.flat;
    if (!section.nested.empty()) cfg.subsections[name] = section.nested;
  }
  if (auto parsed = read_ini(cfg.credentials_path)) {
    for (auto& [name, section] : *parsed) {
      cfg.credentials_file_profiles[name] = section.flat;
      // Merged key by key; a key from the credentials file replaces the config file's.
      Profile& merged = cfg.profiles[name];
      for (const auto& [k, v] : section.flat) {
        merged[k] = v;
        if (auto it = cfg.subsections.find(name); it != cfg.subsections.end()) it->second.erase(k);
      }
      for (const auto& [k, sub] : section.nested) {
        merged.erase(k);
        cfg.subsections[name][k] = sub;
      }
    }
  }
  return cfg;
}

// -------------------------------------------------------------------------------------------------

Credentials CredentialProvider::get() {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::time_t now = now_();
  if (have_ && (cached_.expiration == 0 || cached_.expiration - now >= kRefreshWindow)) return cached_;
  Credentials fresh;
  try {
    fresh = fetch();
  } catch (const CredentialError&) {
    if (have_ && cached_.expiration - now >= kKeepOnFailure) return cached_;
    throw;
  }
  if (fresh.expiration != 0 && fresh.expiration < now) {
    throw CredentialError(describe() + ": the credentials obtained expired at " + format_time(fresh.expiration));
  }
  if (fresh.source.empty()) fresh.source = describe();
  cached_ = std::move(fresh);
  have_ = true;
  return cached_;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Providers.

class StaticProvider : public CredentialProvider {
 public:
  StaticProvider(Credentials c, std::string description) : creds_(std::move(c)), description_(std::move(description)) {}
  std::string describe() const override { return description_; }

 protected:
  Credentials fetch() override { return creds_; }

 private:
  Credentials creds_;
  std::string description_;
};

// AWS_ACCESS_KEY_ID and friends, re-read on refresh when AWS_CREDENTIAL_EXPIRATION is set.
class EnvProvider : public CredentialProvider {
 public:
  EnvProvider(Environment env, std::function<std::time_t()> now) : env_(std::move(env)) { now_ = std::move(now); }
  std::string describe() const override { return "environment"; }

 protected:
  Credentials fetch() override {
    Credentials c;
    c.access_key_id = env_("AWS_ACCESS_KEY_ID");
    if (c.access_key_id.empty()) {
      throw CredentialError("environment: partial credentials, AWS_ACCESS_KEY_ID is not set");
    }
    c.secret_access_key = env_("AWS_SECRET_ACCESS_KEY");
    if (c.secret_access_key.empty()) {
      throw CredentialError("environment: partial credentials, AWS_SECRET_ACCESS_KEY is not set");
    }
    // botocore checks the legacy name first.
    c.session_token = env_("AWS_SECURITY_TOKEN");
    if (c.session_token.empty()) c.session_token = env_("AWS_SESSION_TOKEN");
    std::string expiry = env_("AWS_CREDENTIAL_EXPIRATION");
    if (expiry.empty() && refreshing_) {
      throw CredentialError("environment: partial credentials, AWS_CREDENTIAL_EXPIRATION is not set");
    }
    if (!expiry.empty()) {
      auto t = parse_time(expiry);
      if (!t) throw CredentialError("environment: AWS_CREDENTIAL_EXPIRATION is not an ISO-8601 time");
      c.expiration = *t;
      refreshing_ = true;
    }
    return c;
  }

 private:
  Environment env_;
  bool refreshing_ = false;
};

struct ProcessOutput {
  int status = 0;
  std::string out, err;
};

// Runs argv without a shell (PATH searched, stdin inherited), collecting stdout and stderr.
ProcessOutput run_process(const std::vector<std::string>& argv, const std::string& what) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw CredentialError(what + ": pipe: " + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw CredentialError(what + ": pipe: " + std::strerror(e));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw CredentialError(what + ": cannot run " + in_quotes(argv[0]) + ": " + std::strerror(rc));
  }
  ProcessOutput result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  constexpr size_t kMaxOutput = 16u << 20;  // a runaway process is an error, not an OOM
  bool too_much = false;
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      char buf[65536];
      ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_count;
        continue;
      }
      if (sinks[k]->size() + static_cast<size_t>(n) > kMaxOutput) {
        too_much = true;
      } else {
        sinks[k]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = status;
  if (too_much) throw CredentialError(what + ": the process wrote more than 16 MiB");
  return result;
}

// credential_process: botocore runs it at once and again whenever its answer expires.
class ProcessProvider : public CredentialProvider {
 public:
  ProcessProvider(std::string profile, std::string command, std::function<std::time_t()> now)
      : profile_(std::move(profile)), command_(std::move(command)) {
    now_ = std::move(now);
  }
  std::string describe() const override { return "profile " + profile_ + ": credential_process"; }

 protected:
  Credentials fetch() override {
    const std::string what = "credential_process of profile " + in_quotes(profile_);
    std::vector<std::string> argv = shell_split(command_, what);
    if (argv.empty()) throw CredentialError(what + ": the command is empty");
    ProcessOutput p = run_process(argv, what);
    if (!WIFEXITED(p.status) || WEXITSTATUS(p.status) != 0) {
      std::string how = WIFSIGNALED(p.status) ? "was killed by signal " + std::to_string(WTERMSIG(p.status))
                                              : "exited with status " + std::to_string(WEXITSTATUS(p.status));
      std::string err = scrub(p.err);
      throw CredentialError(what + " " + how + (err.empty() ? "" : ": " + err));
    }
    // The output holds the secret: never quote it.
    JsonObject json;
    if (!json.parse(p.out)) throw CredentialError(what + ": the output is not a JSON object");
    if (!json.is_one("Version")) {
      throw CredentialError(what + ": unsupported Version (only 1 is supported)");
    }
    Credentials c;
    auto key = json.str("AccessKeyId");
    auto secret = json.str("SecretAccessKey");
    if (!key) throw CredentialError(what + ": AccessKeyId is missing from the output");
    if (!secret) throw CredentialError(what + ": SecretAccessKey is missing from the output");
    c.access_key_id = *key;
    c.secret_access_key = *secret;
    c.session_token = json.str("SessionToken").value_or("");
    if (auto exp = json.str("Expiration")) {
      auto t = parse_time(*exp);
      if (!t) throw CredentialError(what + ": Expiration is not an ISO-8601 time");
      c.expiration = *t;
    }
    return c;
  }

 private:
  std::string profile_, command_;
};

// One STS query-protocol call; `signer` null sends it unsigned (AssumeRoleWithWebIdentity).
struct StsTarget {
  std::string endpoint;  // https://sts.us-east-1.amazonaws.com or an override
  std::string region;
  HttpConfig http;
  std::function<std::time_t()> now;
};

std::string sts_url(const std::string& endpoint) {
  size_t scheme = endpoint.find("://");
  size_t path = endpoint.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? endpoint + "/" : endpoint;
}

bool retryable_sts(long status, const std::string& code) {
  static const std::set<std::string> codes = {"Throttling",          "ThrottlingException", "ThrottledException",
                                              "RequestThrottledException", "TooManyRequestsException",
                                              "RequestLimitExceeded", "IDPCommunicationError",
                                              "RequestTimeout",      "RequestTimeoutException",
                                              "PriorRequestNotComplete", "InternalError", "ServiceUnavailable"};
  return status >= 500 || codes.count(code) > 0;
}

std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

Credentials sts_call(const StsTarget& target, const std::string& action,
                     const std::vector<std::pair<std::string, std::string>>& params, const Credentials* signer,
                     const std::string& what, const std::vector<std::string>& secrets) {
  std::string body = "Action=" + action + "&Version=2011-06-15";
  for (const auto& [k, v] : params) body += "&" + percent_encode(k) + "=" + percent_encode(v);
  std::vector<std::string> hide = secrets;
  if (signer != nullptr) {
    hide.push_back(signer->secret_access_key);
    hide.push_back(signer->session_token);
  }

  constexpr int kAttempts = 3;  // botocore's standard retry mode: three attempts in all
  std::string last;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(std::chrono::milliseconds(500 << (attempt - 2)));
    HttpRequest req;
    req.method = "POST";
    req.url = sts_url(target.endpoint);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = body;
    if (signer != nullptr) sign_v4(req, *signer, target.region, "sts", target.now());
    HttpResponse resp = http_fetch(req, target.http);
    if (!resp.transport_error.empty()) {
      last = what + ": cannot reach STS at " + target.endpoint + ": " + scrub(resp.transport_error, hide);
      continue;
    }
    pugi::xml_document doc;
    bool xml = doc.load_buffer(resp.body.data(), resp.body.size());
    if (resp.status == 200) {
      pugi::xml_node creds = child(child(doc.document_element(), action + "Result"), "Credentials");
      Credentials c;
      c.access_key_id = child(creds, "AccessKeyId").text().as_string();
      c.secret_access_key = child(creds, "SecretAccessKey").text().as_string();
      c.session_token = child(creds, "SessionToken").text().as_string();
      auto exp = parse_time(child(creds, "Expiration").text().as_string());
      if (!xml || c.empty() || !exp) {
        throw CredentialError(what + ": STS " + action + " answered HTTP 200 without readable credentials");
      }
      c.expiration = *exp;
      return c;
    }
    std::string code, message;
    if (xml) {
      pugi::xml_node root = doc.document_element();
      pugi::xml_node error = local_name(root) == "Error" ? root : child(root, "Error");
      code = child(error, "Code").text().as_string();
      message = child(error, "Message").text().as_string();
    }
    if (code.empty()) code = "HttpError" + std::to_string(resp.status);
    last = what + ": STS " + action + " failed: " + code;
    if (!message.empty()) last += ": " + scrub(message, hide);
    last += " (HTTP " + std::to_string(resp.status) + ")";
    if (!retryable_sts(resp.status, code) || attempt == kAttempts) throw CredentialError(last, code);
  }
  throw CredentialError(last, "TransportError");
}

std::string sts_regional_endpoint(const std::string& region) {
  std::string suffix = "amazonaws.com";
  if (region.starts_with("cn-")) {
    suffix = "amazonaws.com.cn";
  } else if (region.starts_with("us-isob-")) {
    suffix = "sc2s.sgov.gov";
  } else if (region.starts_with("us-iso-")) {
    suffix = "c2s.ic.gov";
  }
  return "https://sts." + region + "." + suffix;
}

class AssumeRoleProvider : public CredentialProvider {
 public:
  AssumeRoleProvider(std::shared_ptr<CredentialProvider> base, std::string role_arn, std::string session_name,
                     std::string external_id, std::optional<long> duration, StsTarget target, std::string description)
      : base_(std::move(base)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        external_id_(std::move(external_id)),
        duration_(duration),
        target_(std::move(target)),
        description_(std::move(description)) {
    now_ = target_.now;
  }
  std::string describe() const override { return description_; }

 protected:
  Credentials fetch() override {
    Credentials source = base_->get();
    std::vector<std::pair<std::string, std::string>> params = {{"RoleArn", role_arn_},
                                                               {"RoleSessionName", session_name_}};
    if (duration_) params.emplace_back("DurationSeconds", std::to_string(*duration_));
    if (!external_id_.empty()) params.emplace_back("ExternalId", external_id_);
    return sts_call(target_, "AssumeRole", params, &source, description_, {});
  }

 private:
  std::shared_ptr<CredentialProvider> base_;
  std::string role_arn_, session_name_, external_id_;
  std::optional<long> duration_;
  StsTarget target_;
  std::string description_;
};

class WebIdentityProvider : public CredentialProvider {
 public:
  WebIdentityProvider(std::string token_file, std::string role_arn, std::string session_name, StsTarget target,
                      std::string description)
      : token_file_(std::move(token_file)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        target_(std::move(target)),
        description_(std::move(description)) {
    now_ = target_.now;
  }
  std::string describe() const override { return description_; }

 protected:
  Credentials fetch() override {
    // Read on every fetch: the orchestrator rotates the file. Sent exactly as read, like botocore.
    std::ifstream in(token_file_, std::ios::binary);
    if (!in) {
      throw CredentialError(description_ + ": cannot read the web identity token file " + token_file_ + ": " +
                            std::strerror(errno));
    }
    std::stringstream buf;
    buf << in.rdbuf();
    std::string token = buf.str();
    return sts_call(target_, "AssumeRoleWithWebIdentity",
                    {{"RoleArn", role_arn_}, {"RoleSessionName", session_name_}, {"WebIdentityToken", token}},
                    nullptr, description_, {token});
  }

 private:
  std::string token_file_, role_arn_, session_name_;
  StsTarget target_;
  std::string description_;
};

struct UrlParts {
  std::string scheme, host;  // host lower-cased, without brackets, port or user info
};

std::optional<UrlParts> split_url(const std::string& url) {
  size_t sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  UrlParts u;
  u.scheme = lower(url.substr(0, sep));
  size_t start = sep + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
  } else {
    u.host = authority.substr(0, authority.find(':'));
  }
  u.host = lower(u.host);
  return u;
}

// Python's ip_address(host).is_loopback: 127.0.0.0/8 in strict dotted-quad form, or ::1.
bool is_loopback(const std::string& host) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  int parts = 0;
  int first = -1;
  size_t i = 0;
  while (i <= host.size()) {
    size_t j = host.find('.', i);
    if (j == std::string::npos) j = host.size();
    std::string part = host.substr(i, j - i);
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    if (std::stoi(part) > 255) return false;
    if (parts == 0) first = std::stoi(part);
    ++parts;
    i = j + 1;
  }
  return parts == 4 && first == 127;
}

// Container credentials (ECS task roles, EKS Pod Identity).
class ContainerProvider : public CredentialProvider {
 public:
  ContainerProvider(Environment env, std::string url, HttpConfig http, std::function<std::time_t()> now)
      : env_(std::move(env)), url_(std::move(url)), http_(std::move(http)) {
    now_ = std::move(now);
    http_.connect_timeout_ms = 2000;  // botocore's ContainerMetadataFetcher: 2 s, 3 attempts
    http_.total_timeout_ms = 2000;
  }
  std::string describe() const override { return "container"; }

 protected:
  Credentials fetch() override {
    validate();
    HttpRequest req;
    req.method = "GET";
    req.url = url_;
    req.headers = {{"Accept", "application/json"}};
    std::string token;
    std::string token_file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (!token_file.empty()) {
      // Re-read each time (EKS rotates it); like botocore, not trimmed.
      std::ifstream in(token_file, std::ios::binary);
      if (!in) {
        throw CredentialError("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file + ": " +
                              std::strerror(errno));
      }
      std::stringstream buf;
      buf << in.rdbuf();
      token = buf.str();
    } else {
      token = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      throw CredentialError("container: the authorization token contains a line break, which is not a legal header value");
    }
    if (!token.empty()) req.headers.emplace_back("Authorization", token);

    constexpr int kAttempts = 3;
    std::string last;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      if (attempt > 1) std::this_thread::sleep_for(std::chrono::seconds(1));
      HttpResponse resp = http_fetch(req, http_);
      if (!resp.transport_error.empty()) {
        last = "cannot reach " + url_ + ": " + scrub(resp.transport_error, {token});
        continue;
      }
      if (resp.status != 200) {
        last = "HTTP " + std::to_string(resp.status) + " from " + url_;
        if (std::string b = scrub(resp.body, {token}); !b.empty()) last += ": " + b;
        continue;
      }
      JsonObject json;
      if (!json.parse(resp.body)) {
        last = "the answer from " + url_ + " is not JSON";
        continue;
      }
      Credentials c;
      for (const char* key : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
        if (!json.str(key)) throw CredentialError(std::string("container: the answer has no ") + key);
      }
      c.access_key_id = *json.str("AccessKeyId");
      c.secret_access_key = *json.str("SecretAccessKey");
      c.session_token = *json.str("Token");
      auto exp = parse_time(*json.str("Expiration"));
      if (!exp) throw CredentialError("container: Expiration is not an ISO-8601 time");
      c.expiration = *exp;
      return c;
    }
    throw CredentialError("container: " + last);
  }

 private:
  // botocore allows plain http only to loopback addresses and the ECS/EKS link-local hosts.
  void validate() const {
    auto u = split_url(url_);
    if (!u) throw CredentialError("container: " + url_ + " is not a URL");
    if (u->scheme == "https") return;
    static const std::set<std::string> allowed = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"};
    if (is_loopback(u->host) || allowed.count(u->host) > 0) return;
    throw CredentialError("container: unsupported host " + in_quotes(u->host) +
                          " in AWS_CONTAINER_CREDENTIALS_FULL_URI; plain http is allowed only to a loopback address "
                          "or 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost");
  }

  Environment env_;
  std::string url_;
  HttpConfig http_;
};

// EC2 instance metadata: IMDSv2 token, then role name, then the role's credentials; IMDSv1 when
// no token can be had (unless disabled), exactly botocore's InstanceMetadataFetcher.
class ImdsProvider : public CredentialProvider {
 public:
  ImdsProvider(std::string base, int timeout_s, int attempts, bool disabled, bool v1_disabled, HttpConfig http,
               std::function<std::time_t()> now)
      : base_(std::move(base)), attempts_(std::max(1, attempts)), disabled_(disabled), v1_disabled_(v1_disabled),
        http_(std::move(http)) {
    now_ = std::move(now);
    // curl reads 0 as "no timeout"; Python's 0 means "fail at once".
    http_.connect_timeout_ms = std::max(1L, timeout_s * 1000L);
    http_.total_timeout_ms = std::max(1L, timeout_s * 1000L);
  }
  std::string describe() const override { return "instance metadata"; }

  // The chain's first attempt: false means "no credentials here", and the chain ends.
  bool probe() {
    primed_ = retrieve();
    return primed_.has_value();
  }
  const std::string& why() const { return why_; }

 protected:
  Credentials fetch() override {
    if (primed_) {
      Credentials c = std::move(*primed_);
      primed_.reset();
      return c;
    }
    auto c = retrieve();
    if (!c) throw CredentialError("instance metadata: " + why_);
    return *c;
  }

 private:
  std::string url(std::string_view path) const {
    return base_ + (base_.ends_with('/') ? "" : "/") + std::string(path);
  }

  struct BadRequest {};

  std::optional<std::string> token() {
    HttpRequest req;
    req.method = "PUT";
    req.url = url("latest/api/token");
    req.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    for (int i = 0; i < attempts_; ++i) {
      HttpResponse resp = http_fetch(req, http_);
      if (!resp.transport_error.empty()) {
        why_ = "no answer from " + base_ + ": " + resp.transport_error;
        continue;
      }
      if (resp.status == 200) return resp.body;
      if (resp.status == 403 || resp.status == 404 || resp.status == 405) return std::nullopt;
      if (resp.status == 400) throw BadRequest{};
    }
    return std::nullopt;
  }

  // A GET retried on errors, non-200, empty bodies (and bad JSON when asked); nullopt when the
  // attempts run out.
  std::optional<std::string> get(std::string_view path, const std::optional<std::string>& token, bool json) {
    if ((!token || token->empty()) && v1_disabled_) {
      throw CredentialError(
          "instance metadata: no IMDSv2 token could be obtained and IMDSv1 is disabled "
          "(AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)");
    }
    HttpRequest req;
    req.method = "GET";
    req.url = url(path);
    if (token) req.headers.emplace_back("x-aws-ec2-metadata-token", *token);
    for (int i = 0; i < attempts_; ++i) {
      HttpResponse resp = http_fetch(req, http_);
      if (!resp.transport_error.empty()) {
        why_ = "no answer from " + base_ + ": " + resp.transport_error;
        continue;
      }
      if (resp.status != 200) {
        why_ = "HTTP " + std::to_string(resp.status) + " for /" + std::string(path);
        continue;
      }
      if (resp.body.empty()) {
        why_ = "an empty answer from " + base_;
        continue;
      }
      if (json) {
        JsonObject probe;
        if (!probe.parse(resp.body)) {
          why_ = "the role's credentials are not JSON";
          continue;
        }
      }
      return resp.body;
    }
    return std::nullopt;
  }

  std::optional<Credentials> retrieve() {
    if (disabled_) {
      why_ = "disabled by AWS_EC2_METADATA_DISABLED";
      return std::nullopt;
    }
    try {
      std::optional<std::string> tok = token();
      constexpr std::string_view kPath = "latest/meta-data/iam/security-credentials/";
      auto role = get(kPath, tok, false);
      if (!role) return std::nullopt;
      auto body = get(std::string(kPath) + *role, tok, true);
      if (!body) return std::nullopt;
      JsonObject json;
      json.parse(*body);
      for (const char* key : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
        if (!json.has(key)) {
          why_ = std::string("the role's credentials have no ") + key;
          if (auto code = json.str("Code")) why_ += " (" + scrub(*code) + ")";
          return std::nullopt;
        }
      }
      Credentials c;
      c.access_key_id = json.str("AccessKeyId").value_or("");
      c.secret_access_key = json.str("SecretAccessKey").value_or("");
      c.session_token = json.str("Token").value_or("");
      std::string exp = json.str("Expiration").value_or("");
      if (auto t = parse_time(exp)) {
        c.expiration = *t;
        extend(c);
      } else {
        throw CredentialError("instance metadata: Expiration is not an ISO-8601 time");
      }
      return c;
    } catch (const BadRequest&) {
      why_ = "HTTP 400 for the IMDSv2 token";
      return std::nullopt;
    }
  }

  // Static stability, as botocore does it: credentials that IMDS still serves after (or just
  // before) their expiry are used a little longer, refreshed again after 2-10 minutes.
  void extend(Credentials& c) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    const std::time_t jitter = std::uniform_int_distribution<int>(120, 600)(rng);
    const std::time_t now = now_();
    const std::time_t offset = kRefreshWindow + jitter;
    if (now >= c.expiration - offset) c.expiration = now + offset;
  }

  std::string base_;
  int attempts_;
  bool disabled_, v1_disabled_;
  HttpConfig http_;
  std::optional<Credentials> primed_;
  std::string why_ = "no answer";
};

// ---------------------------------------------------------------------------------------------
// The chain.

struct ProfileChoice {
  std::string name;
  bool named = false;     // chosen by --profile or the environment: it must exist
  bool explicit_ = false; // --profile: botocore then ignores env keys and env web identity
};

ProfileChoice choose_profile(const ChainOptions& o) {
  ProfileChoice c;
  if (!o.profile.empty()) {
    c.name = o.profile;
    c.named = c.explicit_ = true;
  } else if (std::string p = o.env("AWS_DEFAULT_PROFILE"); !p.empty()) {
    c.name = p;  // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE
    c.named = true;
  } else if (std::string q = o.env("AWS_PROFILE"); !q.empty()) {
    c.name = q;
    c.named = true;
  } else {
    c.name = "default";
  }
  return c;
}

void require_profile(const ProfileChoice& c, const SharedConfig& cfg) {
  if (c.named && cfg.profiles.count(c.name) == 0) {
    throw CredentialError("The config profile (" + c.name + ") could not be found in " + cfg.config_path + " or " +
                          cfg.credentials_path);
  }
}

const Profile& empty_profile() {
  static const Profile p;
  return p;
}

const Profile& profile_of(const SharedConfig& cfg, const std::string& name) {
  auto it = cfg.profiles.find(name);
  return it == cfg.profiles.end() ? empty_profile() : it->second;
}

std::string region_from(const ChainOptions& o, const Profile& p) {
  if (!o.region.empty()) return o.region;
  if (std::string r = o.env("AWS_REGION"); !r.empty()) return r;
  if (std::string r = o.env("AWS_DEFAULT_REGION"); !r.empty()) return r;
  return get_or_empty(p, "region");
}

std::string endpoint_from(const ChainOptions& o, const SharedConfig& cfg, const Profile& p,
                          std::string_view service_env_name) {
  std::string ignore = o.env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (ignore.empty()) ignore = get_or_empty(p, "ignore_configured_endpoint_urls");
  if (is_true(ignore)) return {};
  if (std::string v = o.env("AWS_ENDPOINT_URL_" + std::string(service_env_name)); !v.empty()) return v;
  if (std::string v = o.env("AWS_ENDPOINT_URL"); !v.empty()) return v;
  if (const std::string* section = find(p, "services")) {
    auto it = cfg.services.find(*section);
    if (it == cfg.services.end() || it->second.empty()) {
      throw CredentialError("The profile is configured to use the services section but the " + in_quotes(*section) +
                            " services configuration does not exist.");
    }
    if (auto svc = it->second.find(lower(service_env_name)); svc != it->second.end()) {
      if (std::string v = get_or_empty(svc->second, "endpoint_url"); !v.empty()) return v;
    }
  }
  return get_or_empty(p, "endpoint_url");
}

bool has(const Profile& p, const char* key) { return p.count(key) > 0; }

// Where STS calls go: the override, else the configured endpoint for STS, else the regional
// endpoint of the region in use (us-east-1 when none is set).
StsTarget sts_target(const ChainOptions& o, const SharedConfig& cfg, const Profile& p, const std::string& region) {
  StsTarget t;
  t.region = region.empty() ? region_from(o, p) : region;
  if (t.region.empty()) t.region = "us-east-1";
  t.endpoint = o.sts_endpoint;
  if (t.endpoint.empty()) t.endpoint = endpoint_from(o, cfg, p, "STS");
  if (t.endpoint.empty()) t.endpoint = sts_regional_endpoint(t.region);
  t.http = o.http;
  t.now = o.now;
  return t;
}

// Everything one resolution needs, with botocore's list of profiles visited by role chains.
class Chain {
 public:
  explicit Chain(const ChainOptions& o) : o_(o), cfg_(SharedConfig::load(o.env)), choice_(choose_profile(o)) {
    require_profile(choice_, cfg_);
  }

  std::shared_ptr<CredentialProvider> resolve() {
    const std::string& name = choice_.name;
    if (!choice_.explicit_) {
      if (auto env = env_provider()) return env;
    }
    const Profile& p = profile_of(cfg_, name);
    visited_ = {name};
    if (wants_assume_role(p)) return assume_role(name);
    if (auto provider = profile_providers(name, choice_.explicit_)) return provider;
    if (auto c = container_provider()) return c;
    std::string imds_note;
    if (auto i = imds_provider(&imds_note)) return i;
    std::string checked = choice_.explicit_ ? "" : "environment, ";
    throw CredentialError("Unable to locate credentials (checked " + checked + "profile " + in_quotes(name) +
                          ", container, instance metadata: " + imds_note + ")");
  }

 private:
  static bool wants_assume_role(const Profile& p) {
    return has(p, "role_arn") && !has(p, "web_identity_token_file");
  }
  static bool has_static(const Profile& p) {
    return has(p, "aws_access_key_id") || has(p, "aws_secret_access_key");
  }

  std::shared_ptr<CredentialProvider> env_provider() {
    if (o_.env("AWS_ACCESS_KEY_ID").empty()) return nullptr;
    auto p = std::make_shared<EnvProvider>(o_.env, o_.now);
    p->get();  // partial keys are an error now, as in botocore
    return p;
  }

  std::string setting(const char* env_name, const char* key) const {
    if (std::string v = o_.env(env_name); !v.empty()) return v;
    return get_or_empty(profile_of(cfg_, choice_.name), key);
  }

  std::shared_ptr<CredentialProvider> container_provider() {
    std::string relative = o_.env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    std::string full = o_.env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (relative.empty() && full.empty()) return nullptr;
    std::string url = relative.empty() ? full : "http://169.254.170.2" + relative;
    auto p = std::make_shared<ContainerProvider>(o_.env, url, o_.http, o_.now);
    p->get();  // botocore fetches at once and fails the chain when this fails
    return p;
  }

  std::shared_ptr<CredentialProvider> imds_provider(std::string* why) {
    std::string base = o_.imds_endpoint;
    if (base.empty()) base = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
    if (base.empty()) {
      std::string mode = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode");
      bool ipv6 = false;
      if (!mode.empty()) {
        std::string m = lower(mode);
        if (m != "ipv4" && m != "ipv6") {
          throw CredentialError("Invalid EC2 metadata endpoint mode " + in_quotes(mode) + ": use ipv4 or ipv6");
        }
        ipv6 = m == "ipv6";
      } else {
        ipv6 = is_true(setting("AWS_IMDS_USE_IPV6", "imds_use_ipv6"));
      }
      base = ipv6 ? "http://[fd00:ec2::254]/" : "http://169.254.169.254/";
    }
    auto number = [&](const char* env_name, const char* key, int fallback) {
      std::string v = setting(env_name, key);
      if (v.empty()) return fallback;
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || n < 0 || n > 3600) {
        throw CredentialError(std::string(key) + " must be a whole number, not " + in_quotes(v));
      }
      return static_cast<int>(n);
    };
    int timeout = number("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", 1);
    int attempts = number("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts", 1);
    bool disabled = is_true(o_.env("AWS_EC2_METADATA_DISABLED"));
    bool v1_disabled = is_true(setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"));
    auto p = std::make_shared<ImdsProvider>(base, timeout, attempts, disabled, v1_disabled, o_.http, o_.now);
    if (p->probe()) return p;
    if (why != nullptr) *why = p->why();
    return nullptr;
  }

  // botocore's ProfileProviderBuilder list for one profile: web identity, (SSO), credentials
  // file keys, (login), credential_process, config file keys.
  std::shared_ptr<CredentialProvider> profile_providers(const std::string& name, bool env_disabled) {
    const Profile& p = profile_of(cfg_, name);
    if (auto w = web_identity(name, env_disabled)) return w;
    if (has(p, "sso_role_name") || has(p, "sso_account_id")) {
      throw CredentialError("profile " + in_quotes(name) +
                            " uses IAM Identity Center (SSO), which atrest does not support; set credential_process = "
                            "aws configure export-credentials --profile " + name + " --format process in another profile");
    }
    auto creds_file = cfg_.credentials_file_profiles.find(name);
    if (creds_file != cfg_.credentials_file_profiles.end() && has(creds_file->second, "aws_access_key_id")) {
      return static_keys(name, creds_file->second, "credentials file");
    }
    if (has(p, "login_session")) {
      throw CredentialError("profile " + in_quotes(name) + " uses login_session (aws login), which atrest does not support");
    }
    if (const std::string* command = find(p, "credential_process")) {
      auto proc = std::make_shared<ProcessProvider>(name, *command, o_.now);
      proc->get();
      return proc;
    }
    auto config_file = cfg_.config_file_profiles.find(name);
    if (config_file != cfg_.config_file_profiles.end() && has(config_file->second, "aws_access_key_id")) {
      return static_keys(name, config_file->second, "config file");
    }
    return nullptr;
  }

  std::shared_ptr<CredentialProvider> static_keys(const std::string& name, const Profile& p, const std::string& file) {
    Credentials c;
    c.access_key_id = get_or_empty(p, "aws_access_key_id");
    const std::string* secret = find(p, "aws_secret_access_key");
    if (secret == nullptr) {
      throw CredentialError("profile " + in_quotes(name) + ": partial credentials in the " + file +
                            ", aws_secret_access_key is missing");
    }
    c.secret_access_key = *secret;
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      throw CredentialError("profile " + in_quotes(name) + ": empty aws_access_key_id or aws_secret_access_key in the " + file);
    }
    // botocore prefers the legacy aws_security_token when both are present.
    if (const std::string* t = find(p, "aws_security_token")) {
      c.session_token = *t;
    } else {
      c.session_token = get_or_empty(p, "aws_session_token");
    }
    return std::make_shared<StaticProvider>(c, "profile " + name + ": static keys (" + file + ")");
  }

  std::shared_ptr<CredentialProvider> web_identity(const std::string& name, bool env_disabled) {
    const Profile& p = profile_of(cfg_, name);
    bool from_env = false;
    // Each setting separately: the environment's value, else the profile's.
    auto pick = [&](const char* env_name, const char* key) {
      if (!env_disabled) {
        if (std::string v = o_.env(env_name); !v.empty()) {
          from_env = true;
          return v;
        }
      }
      return get_or_empty(p, key);
    };
    std::string token_file = pick("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
    if (token_file.empty()) return nullptr;
    bool token_from_env = from_env;
    std::string role_arn = pick("AWS_ROLE_ARN", "role_arn");
    if (role_arn.empty()) {
      throw CredentialError(
          "web identity is configured (a token file) but no role ARN: set role_arn in the profile or AWS_ROLE_ARN");
    }
    std::string session = pick("AWS_ROLE_SESSION_NAME", "role_session_name");
    if (session.empty()) session = default_session_name();
    std::string where = token_from_env ? "environment" : "profile " + name;
    return std::make_shared<WebIdentityProvider>(token_file, role_arn, session, sts(),
                                                 where + ": web identity, assume role " + role_arn);
  }

  // Worked out only when a role is assumed, as botocore creates its STS client only then.
  const StsTarget& sts() {
    if (!sts_) {
      sts_ = sts_target(o_, cfg_, profile_of(cfg_, choice_.name), "");
    }
    return *sts_;
  }

  std::string default_session_name() const { return "atrest-session-" + std::to_string(o_.now()); }

  std::shared_ptr<CredentialProvider> source_for(const std::string& name, const std::string& credential_source) {
    std::shared_ptr<CredentialProvider> src;
    if (credential_source == "Environment") {
      src = env_provider();
    } else if (credential_source == "EcsContainer") {
      src = container_provider();
    } else {
      src = imds_provider(nullptr);
    }
    if (src == nullptr) {
      throw CredentialError("No credentials found in credential_source " + credential_source +
                            " referenced in profile " + in_quotes(name));
    }
    return src;
  }

  // botocore's AssumeRoleProvider._load_creds_via_assume_role, recursively for chains.
  std::shared_ptr<CredentialProvider> assume_role(const std::string& name) {
    const Profile& p = profile_of(cfg_, name);
    const std::string role_arn = get_or_empty(p, "role_arn");
    const std::string* source_profile = find(p, "source_profile");
    const std::string* credential_source = find(p, "credential_source");
    if (source_profile != nullptr && credential_source != nullptr) {
      throw CredentialError("The profile " + in_quotes(name) + " contains both source_profile and credential_source.");
    }
    if (source_profile == nullptr && credential_source == nullptr) {
      throw CredentialError("profile " + in_quotes(name) + ": partial credentials, role_arn needs source_profile or "
                            "credential_source");
    }
    if (has(p, "mfa_serial")) {
      throw CredentialError("profile " + in_quotes(name) + " needs an MFA code (mfa_serial), which atrest cannot prompt for");
    }
    std::shared_ptr<CredentialProvider> base;
    std::string via;
    if (credential_source != nullptr) {
      // The names are matched exactly, as botocore validates them.
      if (*credential_source != "Environment" && *credential_source != "Ec2InstanceMetadata" &&
          *credential_source != "EcsContainer") {
        throw CredentialError("The credential source " + in_quotes(*credential_source) + " referenced in profile " +
                              in_quotes(name) + " is not valid (use Environment, Ec2InstanceMetadata or EcsContainer).");
      }
      base = source_for(name, *credential_source);
      via = *credential_source;
    } else {
      const std::string& src = *source_profile;
      if (cfg_.profiles.count(src) == 0) {
        throw CredentialError("The source_profile " + in_quotes(src) + " referenced in the profile " + in_quotes(name) +
                              " does not exist.");
      }
      const Profile& sp = profile_of(cfg_, src);
      bool seen = std::find(visited_.begin(), visited_.end(), src) != visited_.end();
      // A profile may name itself to use its own static keys; any other revisit is a loop.
      if (seen && (src != name || !has_static(sp))) {
        std::string list;
        for (const std::string& v : visited_) list += (list.empty() ? "" : ", ") + v;
        throw CredentialError("Infinite loop in credential configuration detected. Attempting to load from profile " +
                              src + " which has already been visited. Visited profiles: " + list);
      }
      visited_.push_back(src);
      if (has_static(sp) || !wants_assume_role(sp)) {
        base = profile_providers(src, /*env_disabled=*/true);
        if (base == nullptr) throw CredentialError("The source profile " + in_quotes(src) + " must have credentials.");
      } else {
        base = assume_role(src);
      }
      via = "profile " + src;
    }
    std::optional<long> duration;
    if (const std::string* d = find(p, "duration_seconds")) {
      // Python's int(): surrounding spaces allowed; anything unparsable is ignored.
      std::string t(strip(*d));
      char* end = nullptr;
      long n = std::strtol(t.c_str(), &end, 10);
      if (!t.empty() && *end == '\0') duration = n;
    }
    std::string session = get_or_empty(p, "role_session_name");
    if (session.empty()) session = default_session_name();
    return std::make_shared<AssumeRoleProvider>(base, role_arn, session, get_or_empty(p, "external_id"), duration, sts(),
                                                "profile " + name + ": assume role " + role_arn + " via " + via);
  }

  const ChainOptions& o_;
  SharedConfig cfg_;
  ProfileChoice choice_;
  std::optional<StsTarget> sts_;
  std::vector<std::string> visited_;
};

}  // namespace

std::string resolve_profile(const ChainOptions& options) {
  ProfileChoice c = choose_profile(options);
  if (c.named) require_profile(c, SharedConfig::load(options.env));
  return c.name;
}

std::shared_ptr<CredentialProvider> default_credential_chain(const ChainOptions& options) {
  Chain chain(options);
  return chain.resolve();
}

std::shared_ptr<CredentialProvider> assume_role_provider(std::shared_ptr<CredentialProvider> base,
                                                         std::string role_arn, std::string session_name,
                                                         std::string external_id, const ChainOptions& options,
                                                         std::string region) {
  SharedConfig cfg = SharedConfig::load(options.env);
  ProfileChoice choice = choose_profile(options);
  require_profile(choice, cfg);
  StsTarget target = sts_target(options, cfg, profile_of(cfg, choice.name), region);
  if (session_name.empty()) session_name = "atrest-session-" + std::to_string(options.now());
  std::string description = "assume role " + role_arn + " via " + base->describe();
  return std::make_shared<AssumeRoleProvider>(std::move(base), std::move(role_arn), std::move(session_name),
                                              std::move(external_id), std::nullopt, std::move(target),
                                              std::move(description));
}

std::string resolve_region(const ChainOptions& options) {
  if (!options.region.empty()) return options.region;
  if (std::string r = options.env("AWS_REGION"); !r.empty()) return r;
  if (std::string r = options.env("AWS_DEFAULT_REGION"); !r.empty()) return r;
  SharedConfig cfg = SharedConfig::load(options.env);
  ProfileChoice choice = choose_profile(options);
  require_profile(choice, cfg);
  return get_or_empty(profile_of(cfg, choice.name), "region");
}

std::string resolve_endpoint_override(const ChainOptions& options, std::string_view service_env_name) {
  SharedConfig cfg = SharedConfig::load(options.env);
  ProfileChoice choice = choose_profile(options);
  require_profile(choice, cfg);
  return endpoint_from(options, cfg, profile_of(cfg, choice.name), service_env_name);
}

}  // namespace atrest::aws
