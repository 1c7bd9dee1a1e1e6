// The framework registry (data) and the per-requirement summary of a scan.
//
// Requirement titles are the frameworks' own, for the ids that the checks' metadata cite
// (see /work/shared/reference/compliance.md for the mapping sources). A cited id whose title
// is not held here is still reported, with an empty title.
#include "report/compliance.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace atrest {
namespace {

std::vector<Framework> build_registry() {
  std::vector<Framework> f;
  f.push_back({"aws-fsbp", "AWS Foundational Security Best Practices (AWS Security Hub)", "v1.0.0",
               "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
               {
                   {"DynamoDB.1", "DynamoDB tables should automatically scale capacity with demand"},
                   {"DynamoDB.2", "DynamoDB tables should have point-in-time recovery enabled"},
                   {"DynamoDB.3", "DynamoDB Accelerator (DAX) clusters should be encrypted at rest"},
                   {"DynamoDB.4", "DynamoDB tables should be present in a backup plan"},
                   {"DynamoDB.6", "DynamoDB tables should have deletion protection enabled"},
                   {"DynamoDB.7", "DynamoDB Accelerator clusters should be encrypted in transit"},
                   {"ElastiCache.1", "ElastiCache (Redis OSS) clusters should have automatic backups enabled"},
                   {"ElastiCache.2", "ElastiCache clusters should have automatic minor version upgrades enabled"},
                   {"ElastiCache.3", "ElastiCache replication groups should have automatic failover enabled"},
                   {"ElastiCache.4", "ElastiCache replication groups should be encrypted at rest"},
                   {"ElastiCache.5", "ElastiCache replication groups should be encrypted in transit"},
                   {"ElastiCache.6", "ElastiCache (Redis OSS) replication groups of earlier versions should have Redis OSS AUTH enabled"},
                   {"ElastiCache.7", "ElastiCache clusters should not use the default subnet group"},
                   {"KMS.3", "AWS KMS keys should not be deleted unintentionally"},
                   {"KMS.4", "AWS KMS key rotation should be enabled"},
                   {"KMS.5", "KMS keys should not be publicly accessible"},
                   {"CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events"},
                   {"Config.1", "AWS Config should be enabled and use the service-linked role for resource recording"},
               }});
  f.push_back({"pci-dss-4.0", "Payment Card Industry Data Security Standard", "v4.0 (v4.0.1 numbering)",
               "https://www.pcisecuritystandards.org/document_library/",
               {
                   {"2.2.7", "All non-console administrative access is encrypted using strong cryptography"},
                   {"3.5.1", "PAN is rendered unreadable anywhere it is stored"},
                   {"3.7.4", "Cryptographic key changes for keys that have reached the end of their cryptoperiod"},
                   {"4.2.1", "Strong cryptography and security protocols safeguard PAN during transmission over open, public networks"},
                   {"4.2.1.1", "An inventory of the entity's trusted keys and certificates used to protect PAN during transmission is maintained"},
                   {"6.3.3", "System components are protected from known vulnerabilities by installing applicable security patches/updates"},
                   {"8.3.1", "All user access to system components is authenticated via at least one authentication factor"},
                   {"8.3.2", "Strong cryptography renders all authentication factors unreadable during transmission and storage"},
               }});
  f.push_back({"pci-dss-3.2.1", "Payment Card Industry Data Security Standard", "v3.2.1",
               "https://www.pcisecuritystandards.org/document_library/",
               {
                   {"3.4", "Render PAN unreadable anywhere it is stored"},
                   {"3.4.1", "Disk encryption: logical access managed independently of native operating system authentication"},
                   {"8.2", "Proper user-authentication management for users and administrators on all system components"},
                   {"8.2.1", "Using strong cryptography, render all authentication credentials unreadable during transmission and storage"},
               }});
  f.push_back({"hipaa", "HIPAA Security Rule (45 CFR Part 164, Subpart C)", "45 CFR 164.302-164.318",
               "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C",
               {
                   {"164.308(a)(1)(ii)(A)", "Risk analysis"},
                   {"164.308(a)(1)(ii)(B)", "Risk management"},
                   {"164.308(a)(1)(ii)(D)", "Information system activity review"},
                   {"164.308(a)(4)(ii)(A)", "Isolating health care clearinghouse functions"},
                   {"164.308(a)(7)(i)", "Contingency plan"},
                   {"164.308(a)(7)(ii)(A)", "Data backup plan"},
                   {"164.308(a)(7)(ii)(B)", "Disaster recovery plan"},
                   {"164.308(a)(7)(ii)(C)", "Emergency mode operation plan"},
                   {"164.312(a)(1)", "Access control"},
                   {"164.312(a)(2)(ii)", "Emergency access procedure"},
                   {"164.312(a)(2)(iv)", "Encryption and decryption"},
                   {"164.312(b)", "Audit controls"},
                   {"164.312(e)(1)", "Transmission security"},
                   {"164.312(e)(2)(ii)", "Encryption"},
               }});
  f.push_back({"gdpr", "General Data Protection Regulation (EU) 2016/679", "2016/679",
               "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
               {
                   {"Art. 25", "Data protection by design and by default"},
                   {"Art. 30", "Records of processing activities"},
                   {"Art. 32", "Security of processing"},
               }});
  f.push_back({"nist-800-53-r5", "NIST SP 800-53 Security and Privacy Controls for Information Systems and Organizations",
               "Revision 5", "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
               {
                   {"AC-2", "Account Management"},
                   {"AC-3", "Access Enforcement"},
                   {"AC-4", "Information Flow Enforcement"},
                   {"AC-6", "Least Privilege"},
                   {"AC-17", "Remote Access"},
                   {"AC-17(2)", "Remote Access | Protection of Confidentiality and Integrity Using Encryption"},
                   {"AU-2", "Event Logging"},
                   {"AU-9(3)", "Protection of Audit Information | Cryptographic Protection"},
                   {"AU-12", "Audit Record Generation"},
                   {"CA-9(1)", "Internal System Connections | Compliance Checks"},
                   {"CM-2", "Baseline Configuration"},
                   {"CM-3(6)", "Configuration Change Control | Cryptography Management"},
                   {"CM-8", "System Component Inventory"},
                   {"CP-6", "Alternate Storage Site"},
                   {"CP-9", "System Backup"},
                   {"CP-9d", "System Backup (statement d.)"},
                   {"CP-10", "System Recovery and Reconstitution"},
                   {"IA-5(1)", "Authenticator Management | Password-based Authentication"},
                   {"SC-5(2)", "Denial-of-service Protection | Capacity, Bandwidth, and Redundancy"},
                   {"SC-7", "Boundary Protection"},
                   {"SC-7(4)", "Boundary Protection | External Telecommunications Services"},
                   {"SC-7(10)", "Boundary Protection | Prevent Exfiltration"},
                   {"SC-8", "Transmission Confidentiality and Integrity"},
                   {"SC-8(1)", "Transmission Confidentiality and Integrity | Cryptographic Protection"},
                   {"SC-8(2)", "Transmission Confidentiality and Integrity | Pre- and Post-transmission Handling"},
                   {"SC-8(3)", "Transmission Confidentiality and Integrity | Cryptographic Protection for Message Externals"},
                   {"SC-8(4)", "Transmission Confidentiality and Integrity | Conceal or Randomize Communications"},
                   {"SC-12", "Cryptographic Key Establishment and Management"},
                   {"SC-12(2)", "Cryptographic Key Establishment and Management | Symmetric Keys"},
                   {"SC-12(3)", "Cryptographic Key Establishment and Management | Asymmetric Keys"},
                   {"SC-13", "Cryptographic Protection"},
                   {"SC-13a", "Cryptographic Protection (statement a.)"},
                   {"SC-23", "Session Authenticity"},
                   {"SC-23(3)", "Session Authenticity | Unique System-generated Session Identifiers"},
                   {"SC-28", "Protection of Information at Rest"},
                   {"SC-28(1)", "Protection of Information at Rest | Cryptographic Protection"},
                   {"SC-36", "Distributed Processing and Storage"},
                   {"SI-2", "Flaw Remediation"},
                   {"SI-7(6)", "Software, Firmware, and Information Integrity | Cryptographic Protection"},
                   {"SI-12", "Information Management and Retention"},
                   {"SI-13(5)", "Predictable Failure Prevention | Failover Capability"},
                   {"SI-19(4)", "De-identification | Removal, Masking, Encryption, Hashing, or Replacement of Direct Identifiers"},
               }});
  f.push_back({"iso-27001-2022", "ISO/IEC 27001 Information security management systems, Annex A", "2022",
               "https://www.iso.org/standard/27001",
               {
                   {"A.5.15", "Access control"},
                   {"A.5.16", "Identity management"},
                   {"A.5.22", "Monitoring, review and change management of supplier services"},
                   {"A.8.1", "User endpoint devices"},
                   {"A.8.5", "Secure authentication"},
                   {"A.8.11", "Data masking"},
                   {"A.8.12", "Data leakage prevention"},
                   {"A.8.13", "Information backup"},
                   {"A.8.14", "Redundancy of information processing facilities"},
                   {"A.8.15", "Logging"},
                   {"A.8.16", "Monitoring activities"},
                   {"A.8.20", "Networks security"},
                   {"A.8.22", "Segregation of networks"},
                   {"A.8.24", "Use of cryptography"},
               }});
  // The criteria are statements without short titles; ids are shown alone.
  f.push_back({"soc2", "AICPA SOC 2 Trust Services Criteria", "2017 (points of focus revised 2022)",
               "https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022",
               {}});
  // AWS's APRA conformance pack maps to the prudential practice guide CPG 234 (paragraphs 52c,
  // 36l, AttachmentE_4 ...); no source maps these checks to the standard CPS 234 itself.
  f.push_back({"apra-cpg-234", "APRA Prudential Practice Guide CPG 234 Information Security", "June 2019",
               "https://www.apra.gov.au/information-security", {}});
  f.push_back({"mas-trm-2021", "MAS Technology Risk Management Guidelines", "January 2021",
               "https://www.mas.gov.sg/regulation/guidelines/technology-risk-management-guidelines", {}});
  f.push_back({"cis-aws-7.0", "CIS Amazon Web Services Foundations Benchmark", "v7.0.0",
               "https://www.cisecurity.org/benchmark/amazon_web_services",
               {
                   {"2.21", "Ensure AWS resource policies do not allow unrestricted access using 'Principal': '*'"},
                   {"4.1", "Ensure CloudTrail is enabled in all regions"},
                   {"4.3", "Ensure AWS Config is enabled in all regions"},
                   {"4.6", "Ensure rotation for customer-created symmetric CMKs is enabled"},
                   {"6.8", "Ensure VPC Endpoints are used for access to AWS Services"},
               }});
  f.push_back({"aws-control-tower", "AWS Control Tower proactive controls", "Control Catalog",
               "https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html",
               {
                   {"CT.DAX.PR.1", "Require encryption at rest for all Amazon DynamoDB Accelerator (DAX) clusters"},
                   {"CT.DAX.PR.2", "Require an Amazon DAX cluster to deploy nodes to at least three Availability Zones"},
                   {"CT.DAX.PR.3", "Require an Amazon DAX cluster to encrypt data in transit with Transport Layer Security (TLS)"},
                   {"CT.ELASTICACHE.PR.1", "Require an Amazon ElastiCache (Redis OSS) cluster to have automatic backups activated"},
               }});
  return f;
}

}  // namespace

std::string_view Framework::title_of(std::string_view requirement) const {
  for (const Requirement& r : requirements) {
    if (r.id == requirement) return r.title;
  }
  return {};
}

const std::vector<Framework>& frameworks() {
  static const std::vector<Framework> registry = build_registry();
  return registry;
}

const Framework* find_framework(std::string_view id) {
  for (const Framework& f : frameworks()) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::string framework_ids() {
  std::string out;
  for (const Framework& f : frameworks()) {
    if (!out.empty()) out += ", ";
    out += f.id;
  }
  return out;
}

const std::vector<std::string>* mapped_requirements(const CheckMeta& check, std::string_view framework) {
  for (const auto& [name, ids] : check.compliance) {
    if (name == framework && !ids.empty()) return &ids;
  }
  return nullptr;
}

bool requirement_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {  // compare whole numbers by value
      size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      const std::string_view na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      const std::string_view ta = na.substr(std::min(na.find_first_not_of('0'), na.size()));
      const std::string_view tb = nb.substr(std::min(nb.find_first_not_of('0'), nb.size()));
      if (ta.size() != tb.size()) return ta.size() < tb.size();
      if (ta != tb) return ta < tb;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

ComplianceSummary summarize_compliance(const Framework& framework, const std::vector<const CheckMeta*>& catalog,
                                       const std::vector<Finding>& findings) {
  // Verdicts per check id (findings may point at per-scan copies of the metadata).
  struct Tally {
    size_t pass = 0, fail = 0, unknown = 0, error = 0;
  };
  std::map<std::string_view, Tally> by_check;
  for (const Finding& f : findings) {
    if (f.muted) continue;
    Tally& t = by_check[f.check->id];
    switch (f.status) {
      case Status::kPass: ++t.pass; break;
      case Status::kFail: ++t.fail; break;
      case Status::kUnknown: ++t.unknown; break;
      case Status::kError: ++t.error; break;
    }
  }
  std::map<std::string, RequirementResult, bool (*)(std::string_view, std::string_view)> results(
      [](std::string_view a, std::string_view b) { return requirement_less(a, b); });
  for (const CheckMeta* check : catalog) {
    const std::vector<std::string>* ids = mapped_requirements(*check, framework.id);
    if (ids == nullptr) continue;
    const auto found = by_check.find(check->id);
    const Tally t = found == by_check.end() ? Tally{} : found->second;
    for (const std::string& id : *ids) {
      RequirementResult& r = results[id];
      if (r.id.empty()) {
        r.id = id;
        r.title = std::string(framework.title_of(id));
      }
      r.checks.push_back(check->id);
      if (t.fail > 0) {
        ++r.failed;
      } else if (t.pass > 0) {
        ++r.passed;
      } else {
        ++r.not_assessed;
      }
      r.findings_pass += t.pass;
      r.findings_fail += t.fail;
      r.findings_unknown += t.unknown;
      r.findings_error += t.error;
    }
  }
  ComplianceSummary summary;
  summary.framework = &framework;
  for (auto& entry : results) summary.requirements.push_back(std::move(entry.second));
  return summary;
}

}  // namespace atrest
