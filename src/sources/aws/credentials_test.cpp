#include "sources/aws/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace atrest::aws {
namespace {

constexpr std::time_t kNow = 1800000000;  // 2027-01-15T08:00:00Z
const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

std::string iso(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Every test runs in its own directory with HOME, both files and IMDS pointed away from the
// machine's own (IMDS disabled so nothing reaches 169.254.169.254).
class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/atrest-cred-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    vars_["HOME"] = dir_;
    vars_["AWS_CONFIG_FILE"] = dir_ + "/config";
    vars_["AWS_SHARED_CREDENTIALS_FILE"] = dir_ + "/credentials";
    vars_["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, bool executable = false) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    if (executable) chmod(path.c_str(), 0755);
    return path;
  }

  ChainOptions options() {
    ChainOptions o;
    o.env = [this](const std::string& n) {
      auto it = vars_.find(n);
      return it == vars_.end() ? std::string() : it->second;
    };
    o.now = [this] { return now_; };
    o.http.connect_timeout_ms = 500;
    o.http.total_timeout_ms = 1000;
    return o;
  }

  SharedConfig load() { return SharedConfig::load(options().env); }

  // The message of the CredentialError that `fn` throws ("" when it does not throw).
  template <typename Fn>
  static std::string error_of(Fn fn) {
    try {
      fn();
    } catch (const CredentialError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_;
  std::map<std::string, std::string> vars_;
  std::time_t now_ = kNow;
};

// --- INI dialect ------------------------------------------------------------------------------

TEST_F(CredentialsTest, IniCommentsSpacesAndDelimiters) {
  write("config",
        "# leading comment\n"
        "; another\n"
        "[default]\n"
        "region=eu-west-1\n"
        "   # indented comment\n"
        "Output :  json  \n"
        "cli_pager = less # not a comment: botocore keeps inline text\n"
        "\n"
        "[profile spaced]\n"
        "  region   =   us-west-2   \n");
  SharedConfig c = load();
  EXPECT_EQ(c.profiles["default"]["region"], "eu-west-1");
  EXPECT_EQ(c.profiles["default"]["output"], "json");  // key lower-cased, ':' accepted
  EXPECT_EQ(c.profiles["default"]["cli_pager"], "less # not a comment: botocore keeps inline text");
  EXPECT_EQ(c.profiles["spaced"]["region"], "us-west-2");
}

TEST_F(CredentialsTest, IniSubSectionsAndContinuations) {
  write("config",
        "[default]\n"
        "s3 =\n"
        "  addressing_style = path\n"
        "\n"
        "  signature_version=s3v4\n"
        "  # comment inside\n"
        "multi = first\n"
        "  second\n"
        "region = us-east-2\n"
        "services = local\n"
        "[services local]\n"
        "dynamodb =\n"
        "  endpoint_url = http://localhost:8000\n");
  SharedConfig c = load();
  EXPECT_EQ(c.subsections["default"]["s3"]["addressing_style"], "path");
  EXPECT_EQ(c.subsections["default"]["s3"]["signature_version"], "s3v4");
  EXPECT_EQ(c.profiles["default"].count("s3"), 0u);
  EXPECT_EQ(c.profiles["default"]["multi"], "first\nsecond");
  EXPECT_EQ(c.profiles["default"]["region"], "us-east-2");
  EXPECT_EQ(c.services["local"]["dynamodb"]["endpoint_url"], "http://localhost:8000");
}

TEST_F(CredentialsTest, IniProfileSectionNamesFollowBotocore) {
  write("config",
        "[default]\nregion = a\n"
        "[profile default]\nregion = b\n"      // the later of the two wins, wholesale
        "[profile \"two words\"]\nregion = c\n"
        "[profilex odd]\nregion = d\n"         // botocore only tests the prefix
        "[ profile spaced ]\nregion = e\n"     // not a profile: the name starts with a space
        "[plugins]\nx = y\n");
  SharedConfig c = load();
  EXPECT_EQ(c.profiles["default"]["region"], "b");
  EXPECT_EQ(c.profiles["two words"]["region"], "c");
  EXPECT_EQ(c.profiles["odd"]["region"], "d");
  EXPECT_EQ(c.profiles.count("spaced"), 0u);
  EXPECT_EQ(c.profiles.count("plugins"), 0u);
}

TEST_F(CredentialsTest, IniCredentialsFileWinsPerKey) {
  write("config", "[profile p]\nregion = eu-north-1\naws_access_key_id = FROMCONFIG\n");
  write("credentials", "[p]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n[profile q]\nx = 1\n");
  SharedConfig c = load();
  EXPECT_EQ(c.profiles["p"]["aws_access_key_id"], "FROMCREDS");
  EXPECT_EQ(c.profiles["p"]["region"], "eu-north-1");
  EXPECT_EQ(c.config_file_profiles["p"]["aws_access_key_id"], "FROMCONFIG");
  EXPECT_EQ(c.profiles.count("profile q"), 1u);  // the credentials file takes section names as they are
}

TEST_F(CredentialsTest, IniDefaultSectionIsInherited) {
  write("credentials", "[DEFAULT]\nregion = ap-south-1\n[a]\nx = 1\n[b]\nregion = own\n");
  SharedConfig c = load();
  EXPECT_EQ(c.profiles["a"]["region"], "ap-south-1");
  EXPECT_EQ(c.profiles["b"]["region"], "own");
  EXPECT_EQ(c.profiles.count("DEFAULT"), 0u);
}

TEST_F(CredentialsTest, IniMissingFilesAreEmpty) {
  SharedConfig c = load();
  EXPECT_TRUE(c.profiles.empty());
  EXPECT_EQ(c.config_path, dir_ + "/config");
}

TEST_F(CredentialsTest, IniPathsExpandHomeAndVariables) {
  vars_["AWS_CONFIG_FILE"] = "~/cfg-$MYVAR";
  vars_["MYVAR"] = "x";
  write("cfg-x", "[default]\nregion = r\n");
  EXPECT_EQ(load().profiles["default"]["region"], "r");
}

TEST_F(CredentialsTest, IniErrorsNameFileAndLineButNotTheLine) {
  auto check = [&](const std::string& text, const std::string& where) {
    write("credentials", text);
    std::string e = error_of([&] { load(); });
    EXPECT_NE(e.find(dir_ + "/credentials:" + where), std::string::npos) << e;
    EXPECT_EQ(e.find(kSecret), std::string::npos) << e;
  };
  check(std::string("[a]\naws_secret_access_key ") + kSecret + "\n", "2:");             // no delimiter
  check(std::string("aws_secret_access_key = ") + kSecret + "\n", "1:");                // before any section
  check("[a]\nx = 1\n[a]\n", "3:");                                                     // duplicate section
  check("[a]\nx = 1\nX = 2\n", "3:");                                                   // duplicate key (case-folded)
  check(std::string("[a]\ns3 =\n  ") + kSecret + "\n", "3:");                           // nested line without '='
  check("\xEF\xBB\xBF[a]\nx = 1\n", "1:");                                              // byte order mark
}

// --- profile choice ---------------------------------------------------------------------------

TEST_F(CredentialsTest, NamedProfileMustExist) {
  write("credentials", "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
  ChainOptions o = options();
  o.profile = "nope";
  EXPECT_NE(error_of([&] { default_credential_chain(o); }).find("The config profile (nope) could not be found"),
            std::string::npos);
  vars_["AWS_PROFILE"] = "nope2";
  EXPECT_NE(error_of([&] { resolve_profile(options()); }).find("nope2"), std::string::npos);
  vars_.erase("AWS_PROFILE");
  EXPECT_EQ(resolve_profile(options()), "default");
  std::filesystem::remove(dir_ + "/credentials");
  EXPECT_EQ(resolve_region(options()), "");  // an absent default profile is fine
}

TEST_F(CredentialsTest, DefaultProfileVariableWinsOverProfileVariable) {
  write("config", "[profile a]\nregion = ra\n[profile b]\nregion = rb\n");
  vars_["AWS_PROFILE"] = "a";
  vars_["AWS_DEFAULT_PROFILE"] = "b";
  EXPECT_EQ(resolve_profile(options()), "b");
  EXPECT_EQ(resolve_region(options()), "rb");
}

// --- environment and static keys --------------------------------------------------------------

TEST_F(CredentialsTest, EnvironmentKeysComeFirst) {
  write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  vars_["AWS_SESSION_TOKEN"] = "newtoken";
  vars_["AWS_SECURITY_TOKEN"] = "legacytoken";
  auto p = default_credential_chain(options());
  Credentials c = p->get();
  EXPECT_EQ(p->describe(), "environment");
  EXPECT_EQ(c.source, "environment");
  EXPECT_EQ(c.access_key_id, "ENVKEY");
  EXPECT_EQ(c.session_token, "legacytoken");  // botocore reads AWS_SECURITY_TOKEN first
  EXPECT_EQ(c.expiration, 0);
}

TEST_F(CredentialsTest, ExplicitProfileSkipsEnvironmentKeys) {
  write("credentials", "[audit]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  ChainOptions o = options();
  o.profile = "audit";
  EXPECT_EQ(default_credential_chain(o)->get().access_key_id, "FILEKEY");
  vars_["AWS_PROFILE"] = "audit";  // the variable is not explicit: env keys still win
  EXPECT_EQ(default_credential_chain(options())->get().access_key_id, "ENVKEY");
}

TEST_F(CredentialsTest, PartialEnvironmentKeysAreAnError) {
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(CredentialsTest, EnvironmentExpiration) {
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  vars_["AWS_CREDENTIAL_EXPIRATION"] = "2027-01-15T10:00:00+02:00";
  auto p = default_credential_chain(options());
  EXPECT_EQ(p->get().expiration, kNow);  // not expired yet: "now" is not "before now"
  vars_["AWS_CREDENTIAL_EXPIRATION"] = "2027-01-15T09:00:00.123Z";
  EXPECT_EQ(p->get().expiration, kNow + 3600);  // refreshed from the environment
  vars_["AWS_CREDENTIAL_EXPIRATION"] = "yesterday";
  std::string e = error_of([&] { default_credential_chain(options()); });
  EXPECT_NE(e.find("AWS_CREDENTIAL_EXPIRATION"), std::string::npos);
  EXPECT_EQ(e.find(kSecret), std::string::npos);
}

TEST_F(CredentialsTest, StaticKeysOrderCredentialsFileProcessConfigFile) {
  std::string script = write("proc.sh",
                             "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", \"SecretAccessKey\": \"x\"}'\n",
                             true);
  write("config", "[default]\naws_access_key_id = CONFIGKEY\naws_secret_access_key = s\ncredential_process = " +
                      script + "\n");
  EXPECT_EQ(default_credential_chain(options())->get().access_key_id, "PROCKEY");
  write("credentials", "[default]\naws_access_key_id = CREDSKEY\naws_secret_access_key = s\naws_session_token = t\n");
  auto p = default_credential_chain(options());
  EXPECT_EQ(p->get().access_key_id, "CREDSKEY");
  EXPECT_EQ(p->get().session_token, "t");
  EXPECT_EQ(p->describe(), "profile default: static keys (credentials file)");
  std::filesystem::remove(dir_ + "/credentials");
  write("config", "[default]\naws_access_key_id = CONFIGKEY\naws_secret_access_key = s\n");
  EXPECT_EQ(default_credential_chain(options())->get().access_key_id, "CONFIGKEY");
}

TEST_F(CredentialsTest, PartialProfileKeysAreAnError) {
  write("credentials", std::string("[default]\naws_access_key_id = AKID\n"));
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("aws_secret_access_key is missing"),
            std::string::npos);
}

TEST_F(CredentialsTest, NothingFound) {
  std::string e = error_of([&] { default_credential_chain(options()); });
  EXPECT_NE(e.find("Unable to locate credentials"), std::string::npos) << e;
  EXPECT_NE(e.find("AWS_EC2_METADATA_DISABLED"), std::string::npos) << e;
}

// --- credential_process -----------------------------------------------------------------------

TEST_F(CredentialsTest, ProcessSuccessWithArgumentsSplitLikeShlex) {
  std::string script = write("proc.sh",
                             "#!/bin/sh\n"
                             "printf '%s|%s|%s' \"$1\" \"$2\" \"$3\" > \"$(dirname \"$0\")/args\"\n"
                             "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", \"SecretAccessKey\": \"" +
                                 std::string(kSecret) +
                                 "\", \"SessionToken\": \"tok\", \"Expiration\": \"2027-01-15T09:00:00Z\"}'\n",
                             true);
  write("config", "[profile p]\ncredential_process = " + script + " \"two words\" 'single $HOME' a\\ b\n");
  ChainOptions o = options();
  o.profile = "p";
  auto p = default_credential_chain(o);
  Credentials c = p->get();
  EXPECT_EQ(p->describe(), "profile p: credential_process");
  EXPECT_EQ(c.access_key_id, "PROCKEY");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, "tok");
  EXPECT_EQ(c.expiration, kNow + 3600);
  std::ifstream args(dir_ + "/args");
  std::string got((std::istreambuf_iterator<char>(args)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, "two words|single $HOME|a b");  // no shell: nothing expanded
}

TEST_F(CredentialsTest, ProcessFailureNamesProfileWithoutSecrets) {
  std::string script = write("proc.sh",
                             std::string("#!/bin/sh\necho 'token expired for key ") + kSecret +
                                 ", run   login' >&2\necho '{\"SecretAccessKey\": \"" + kSecret + "\"}'\nexit 3\n",
                             true);
  write("config", "[profile p]\ncredential_process = " + script + "\n");
  ChainOptions o = options();
  o.profile = "p";
  std::string e = error_of([&] { default_credential_chain(o); });
  EXPECT_NE(e.find("profile \"p\""), std::string::npos) << e;
  EXPECT_NE(e.find("exited with status 3"), std::string::npos) << e;
  EXPECT_NE(e.find("token expired for key [redacted], run login"), std::string::npos) << e;
  EXPECT_EQ(e.find(kSecret), std::string::npos) << e;
}

TEST_F(CredentialsTest, ProcessBadOutput) {
  ChainOptions o = options();
  o.profile = "p";
  auto with_output = [&](const std::string& json) {
    std::string script = write("proc.sh", "#!/bin/sh\necho '" + json + "'\n", true);
    write("config", "[profile p]\ncredential_process = " + script + "\n");
    return error_of([&] { default_credential_chain(o); });
  };
  EXPECT_NE(with_output(std::string("not json ") + kSecret).find("not a JSON object"), std::string::npos);
  EXPECT_EQ(with_output(std::string("not json ") + kSecret).find(kSecret), std::string::npos);
  EXPECT_NE(with_output(R"({"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"})").find("Version"),
            std::string::npos);
  EXPECT_NE(with_output(R"({"AccessKeyId": "a", "SecretAccessKey": "b"})").find("Version"), std::string::npos);
  EXPECT_NE(with_output(R"({"Version": 1, "SecretAccessKey": "b"})").find("AccessKeyId is missing"),
            std::string::npos);
  EXPECT_EQ(with_output(R"({"Version": 1.0, "AccessKeyId": "a", "SecretAccessKey": "b"})"), "");
  write("config", "[profile p]\ncredential_process = " + dir_ + "/does-not-exist\n");
  EXPECT_NE(error_of([&] { default_credential_chain(o); }).find("cannot run"), std::string::npos);
  write("config", "[profile p]\ncredential_process = x 'unclosed\n");
  EXPECT_NE(error_of([&] { default_credential_chain(o); }).find("unclosed"), std::string::npos);
}

TEST_F(CredentialsTest, ProcessRefreshesBeforeExpiryAndKeepsCredentialsOnEarlyFailure) {
  // Each run prints a new key; from the third run on it fails.
  std::string script = write("proc.sh",
                             "#!/bin/sh\n"
                             "d=$(dirname \"$0\"); n=$(cat \"$d/count\" 2>/dev/null || echo 0); n=$((n+1)); "
                             "echo $n > \"$d/count\"\n"
                             "[ $n -ge 3 ] && { echo broken >&2; exit 1; }\n"
                             "echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"KEY$n\\\", \\\"SecretAccessKey\\\": "
                             "\\\"s\\\", \\\"Expiration\\\": \\\"$1\\\"}\"\n",
                             true);
  write("config", "[default]\ncredential_process = " + script + " " + iso(kNow + 3600) + "\n");
  auto p = default_credential_chain(options());
  EXPECT_EQ(p->get().access_key_id, "KEY1");
  now_ = kNow + 3600 - 301;
  EXPECT_EQ(p->get().access_key_id, "KEY1");  // still more than 5 minutes left
  now_ = kNow + 3600 - 299;
  EXPECT_EQ(p->get().access_key_id, "KEY2");  // refreshed 5 minutes ahead
  now_ = kNow + 3600 - 120;
  EXPECT_EQ(p->get().access_key_id, "KEY2");  // the refresh failed, the old keys still work
  now_ = kNow + 3600 - 30;
  EXPECT_NE(error_of([&] { p->get(); }).find("broken"), std::string::npos);
}

// --- assumed roles (resolution only; STS itself is in tests/live) ------------------------------

TEST_F(CredentialsTest, SourceProfileChains) {
  write("config",
        "[profile audit]\nrole_arn = arn:aws:iam::111111111111:role/Audit\nsource_profile = middle\n"
        "[profile middle]\nrole_arn = arn:aws:iam::222222222222:role/Hop\nsource_profile = base\n"
        "external_id = ext\nduration_seconds = 900\n");
  write("credentials", std::string("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = ") + kSecret + "\n");
  ChainOptions o = options();
  o.profile = "audit";
  auto p = default_credential_chain(o);
  EXPECT_EQ(p->describe(), "profile audit: assume role arn:aws:iam::111111111111:role/Audit via profile middle");
}

TEST_F(CredentialsTest, SourceProfileCycles) {
  ChainOptions o = options();
  o.profile = "a";
  write("config",
        "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n");
  EXPECT_NE(error_of([&] { default_credential_chain(o); }).find("Infinite loop"), std::string::npos);
  write("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\n");
  EXPECT_NE(error_of([&] { default_credential_chain(o); }).find("Infinite loop"), std::string::npos);
  // Naming itself is allowed when the profile has its own static keys.
  write("config",
        "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\n"
        "aws_access_key_id = AKID\naws_secret_access_key = s\n");
  EXPECT_EQ(default_credential_chain(o)->describe(), "profile a: assume role arn:aws:iam::1:role/A via profile a");
}

TEST_F(CredentialsTest, AssumeRoleConfigurationErrors) {
  ChainOptions o = options();
  o.profile = "a";
  auto with_config = [&](const std::string& text) {
    write("config", text);
    return error_of([&] { default_credential_chain(o); });
  };
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\nsource_profile = gone\n").find("does not exist"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\nsource_profile = b\ncredential_source = Environment\n"
                        "[profile b]\nx = 1\n")
                .find("both source_profile and credential_source"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\n").find("source_profile or credential_source"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\ncredential_source = environment\n").find("is not valid"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\ncredential_source = Environment\n").find("No credentials found"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nregion = x\n")
                .find("must have credentials"),
            std::string::npos);
  EXPECT_NE(with_config("[profile a]\nrole_arn = r\nsource_profile = b\nmfa_serial = m\n"
                        "[profile b]\naws_access_key_id = k\naws_secret_access_key = s\n")
                .find("MFA"),
            std::string::npos);
}

TEST_F(CredentialsTest, CredentialSourceEnvironment) {
  write("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Environment\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  ChainOptions o = options();
  o.profile = "a";
  EXPECT_EQ(default_credential_chain(o)->describe(), "profile a: assume role arn:aws:iam::1:role/A via Environment");
}

TEST_F(CredentialsTest, AssumeRoleFailureHidesSourceSecret) {
  write("config", "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n");
  write("credentials", std::string("[b]\naws_access_key_id = BKEY\naws_secret_access_key = ") + kSecret +
                           "\naws_session_token = SESSIONTOKENSESSIONTOKENSESSIONTOKEN1234\n");
  ChainOptions o = options();
  o.profile = "a";
  o.sts_endpoint = "http://127.0.0.1:9";  // nothing listens on the discard port
  auto p = default_credential_chain(o);
  std::string e = error_of([&] { p->get(); });
  EXPECT_NE(e.find("profile a: assume role arn:aws:iam::1:role/A"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot reach STS"), std::string::npos) << e;
  EXPECT_EQ(e.find(kSecret), std::string::npos) << e;
  EXPECT_EQ(e.find("SESSIONTOKEN"), std::string::npos) << e;
}

// --- web identity -----------------------------------------------------------------------------

TEST_F(CredentialsTest, WebIdentityOrder) {
  std::string token = write("token", "eyJhbGciOi.jwt.sig");
  write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  vars_["AWS_WEB_IDENTITY_TOKEN_FILE"] = token;
  vars_["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/Web";
  // As in botocore, the environment's web identity comes before the profile's static keys.
  EXPECT_EQ(default_credential_chain(options())->describe(),
            "environment: web identity, assume role arn:aws:iam::1:role/Web");
  ChainOptions o = options();
  o.profile = "default";  // --profile: the environment's web identity is ignored
  EXPECT_EQ(default_credential_chain(o)->describe(), "profile default: static keys (credentials file)");
  vars_.erase("AWS_ROLE_ARN");
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("no role ARN"), std::string::npos);
}

TEST_F(CredentialsTest, WebIdentityInProfileIsNotAssumeRole) {
  std::string token = write("token", "jwt");
  write("config", "[profile w]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = " + token + "\n");
  ChainOptions o = options();
  o.profile = "w";
  EXPECT_EQ(default_credential_chain(o)->describe(), "profile w: web identity, assume role arn:aws:iam::1:role/W");
}

// --- container and IMDS (configuration only; requests are in tests/live) ------------------------

TEST_F(CredentialsTest, ContainerFullUriMustBeLocalForHttp) {
  vars_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("unsupported host \"example.com\""),
            std::string::npos);
  vars_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.2:9/creds";  // loopback: allowed, then refused
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("container: cannot reach"), std::string::npos);
}

TEST_F(CredentialsTest, ContainerTokenWithLineBreakIsRejected) {
  vars_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://localhost:9/creds";
  vars_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = write("tok", "secret-token\n");
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("line break"), std::string::npos);
}

TEST_F(CredentialsTest, ImdsEndpointModeMustBeValid) {
  vars_.erase("AWS_EC2_METADATA_DISABLED");
  vars_["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "ipv5";
  EXPECT_NE(error_of([&] { default_credential_chain(options()); }).find("ipv5"), std::string::npos);
}

// --- region and endpoints ---------------------------------------------------------------------

TEST_F(CredentialsTest, RegionPrecedence) {
  write("config", "[default]\nregion = from-profile\n");
  ChainOptions o = options();
  EXPECT_EQ(resolve_region(o), "from-profile");
  vars_["AWS_DEFAULT_REGION"] = "from-default-region";
  EXPECT_EQ(resolve_region(o), "from-default-region");
  vars_["AWS_REGION"] = "from-region";
  EXPECT_EQ(resolve_region(o), "from-region");
  o.region = "from-flag";
  EXPECT_EQ(resolve_region(o), "from-flag");
}

TEST_F(CredentialsTest, EndpointPrecedence) {
  write("config",
        "[default]\nendpoint_url = http://profile\nservices = svc\n"
        "[services svc]\ndynamodb =\n  endpoint_url = http://services-ddb\n"
        "config_service =\n  endpoint_url = http://services-config\n");
  ChainOptions o = options();
  EXPECT_EQ(resolve_endpoint_override(o, "DYNAMODB"), "http://services-ddb");
  EXPECT_EQ(resolve_endpoint_override(o, "CONFIG_SERVICE"), "http://services-config");
  EXPECT_EQ(resolve_endpoint_override(o, "KMS"), "http://profile");
  vars_["AWS_ENDPOINT_URL"] = "http://global";
  EXPECT_EQ(resolve_endpoint_override(o, "DYNAMODB"), "http://global");
  vars_["AWS_ENDPOINT_URL_DYNAMODB"] = "http://env-ddb";
  EXPECT_EQ(resolve_endpoint_override(o, "DYNAMODB"), "http://env-ddb");
  EXPECT_EQ(resolve_endpoint_override(o, "KMS"), "http://global");
  vars_["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "TRUE";
  EXPECT_EQ(resolve_endpoint_override(o, "DYNAMODB"), "");
  vars_["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false";  // the variable decides over the profile
  write("config", "[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = true\n");
  EXPECT_EQ(resolve_endpoint_override(o, "KMS"), "http://global");
  vars_.erase("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  EXPECT_EQ(resolve_endpoint_override(o, "KMS"), "");
}

TEST_F(CredentialsTest, EndpointServicesSectionMustExist) {
  write("config", "[default]\nservices = missing\n");
  EXPECT_NE(error_of([&] { resolve_endpoint_override(options(), "EC2"); }).find("\"missing\""), std::string::npos);
}

// --- caching ----------------------------------------------------------------------------------

class CountingProvider : public CredentialProvider {
 public:
  explicit CountingProvider(std::time_t* now) { now_ = [now] { return *now; }; }
  std::string describe() const override { return "counting"; }
  std::atomic<int> fetches{0};

 protected:
  Credentials fetch() override {
    int n = ++fetches;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Credentials c;
    c.access_key_id = "K" + std::to_string(n);
    c.secret_access_key = "s";
    c.expiration = kNow + 3600;
    return c;
  }
};

TEST_F(CredentialsTest, GetCachesAndIsThreadSafe) {
  CountingProvider p(&now_);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) EXPECT_EQ(p.get().access_key_id, "K1");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(p.fetches.load(), 1);
  EXPECT_EQ(p.get().source, "counting");
}

}  // namespace
}  // namespace atrest::aws
