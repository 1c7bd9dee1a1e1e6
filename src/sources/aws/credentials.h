// Credentials and settings resolved exactly as the AWS SDKs do: environment, shared config and
// credentials files with profiles, assumed roles (source_profile, credential_source), web
// identity, credential_process, container credentials and EC2 instance metadata (IMDSv2).
#pragma once

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sources/aws/http.h"
#include "sources/aws/sigv4.h"

namespace atrest::aws {

// The environment, injectable so tests need not touch the process's own.
using Environment = std::function<std::string(const std::string& name)>;  // "" when unset
Environment process_environment();

// One profile's keys from ~/.aws/config ("profile NAME" sections, "default") merged with
// ~/.aws/credentials ([NAME] sections; credentials win), as the SDKs read them. Key names are
// lower-cased, values trimmed; inline "# ..." is part of the value, as in botocore.
using Profile = std::map<std::string, std::string>;

struct SharedConfig {
  std::map<std::string, Profile> profiles;  // by profile name
  // Each file on its own: the SDKs look for static keys in the credentials file before
  // credential_process, and in the config file after it.
  std::map<std::string, Profile> config_file_profiles;
  std::map<std::string, Profile> credentials_file_profiles;
  // Indented sub-sections ("s3 =\n  addressing_style = path"): profile -> key -> its keys.
  std::map<std::string, std::map<std::string, Profile>> subsections;
  // [services NAME] sections of the config file: NAME -> service key (dynamodb) -> its keys.
  std::map<std::string, std::map<std::string, Profile>> services;
  std::string config_path, credentials_path;  // after ~ and $VAR expansion

  // Reads AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (defaults under $HOME/.aws). Missing
  // files are not an error; unreadable or malformed ones throw CredentialError with file:line.
  static SharedConfig load(const Environment& env);
};

struct CredentialError : std::runtime_error {
  using std::runtime_error::runtime_error;
  CredentialError(const std::string& message, std::string error_code)
      : std::runtime_error(message), code(std::move(error_code)) {}
  std::string code;  // the AWS error code when STS refused (AccessDenied, ...); else empty
};

// A source of credentials that may expire; refreshed before expiry (5 minutes ahead).
class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  // Current credentials, refreshing when they expire within 5 minutes. Thread-safe. Throws
  // CredentialError with a message that never contains a secret.
  Credentials get();
  // A short, secret-free description: "environment", "profile audit: assume role ARN via
  // profile base", "container", "instance metadata", ...
  virtual std::string describe() const = 0;

 protected:
  virtual Credentials fetch() = 0;
  // The clock for expiry decisions; providers made by the chain use ChainOptions.now.
  std::function<std::time_t()> now_ = [] { return std::time(nullptr); };

 private:
  std::mutex mutex_;
  Credentials cached_;
  bool have_ = false;
};

struct ChainOptions {
  std::string profile;             // --profile; else AWS_DEFAULT_PROFILE, AWS_PROFILE; else "default"
  std::string region;              // --region: wins over the environment and the profile
  Environment env = process_environment();
  HttpConfig http;                 // for STS, container and IMDS calls
  std::string sts_endpoint;        // override (tests, AWS_ENDPOINT_URL[_STS]); empty: regional AWS
  std::string imds_endpoint;       // override; else AWS_EC2_METADATA_SERVICE_ENDPOINT; else 169.254.169.254
  std::function<std::time_t()> now = [] { return std::time(nullptr); };
};

// The profile in use: --profile, else AWS_DEFAULT_PROFILE, else AWS_PROFILE, else "default".
// Throws CredentialError when a profile was named but exists in neither file.
std::string resolve_profile(const ChainOptions& options);

// The default chain, in botocore's order: env keys (not with --profile); the profile's role_arn
// (source_profile or credential_source); web identity (AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN,
// not with --profile, else the profile's web_identity_token_file); static keys from the
// credentials file; credential_process; static keys from the config file; container
// credentials; IMDS. Providers that botocore runs at once (process, container, IMDS) have been
// run when this returns; assumed roles are fetched on first get(). Throws CredentialError when
// none applies or the one that applies fails.
std::shared_ptr<CredentialProvider> default_credential_chain(const ChainOptions& options);

// sts:AssumeRole with credentials from `base`; refreshes itself. `external_id` may be empty.
std::shared_ptr<CredentialProvider> assume_role_provider(std::shared_ptr<CredentialProvider> base,
                                                         std::string role_arn, std::string session_name,
                                                         std::string external_id, const ChainOptions& options,
                                                         std::string region);

// The region as the SDKs pick it: ChainOptions.region, AWS_REGION, AWS_DEFAULT_REGION, the
// profile's `region`; empty when none is set.
std::string resolve_region(const ChainOptions& options);

// The endpoint for a service as the SDKs pick it: AWS_ENDPOINT_URL_<SERVICE> (service id
// upper-cased, spaces to underscores), then AWS_ENDPOINT_URL, then `endpoint_url` under the
// service's key (lower-cased env name, e.g. config_service) in the profile's `services` section,
// then the profile's endpoint_url; empty when none is set (use the AWS default) or when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is true.
std::string resolve_endpoint_override(const ChainOptions& options, std::string_view service_env_name);

}  // namespace atrest::aws
