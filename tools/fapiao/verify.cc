#include "tools/fapiao/verify.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "node/config.h"
#include "qr/offline_verify.h"
#include "qr/verification.h"

namespace fapiao::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

int RunVerify(const std::string& input, const std::string& consortium_path, std::ostream& out,
              std::ostream& err) {
  std::string content = input;
  if (!Trim(input).starts_with(qr::kVerificationPrefix)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(input, ec)) {
      err << "usage: " << input << " is neither verification QR text (" << qr::kVerificationPrefix
          << "...) nor a readable file\n";
      return kExitUsage;
    }
    std::ifstream in(input, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (!in) {
      err << "usage: cannot read " << input << "\n";
      return kExitUsage;
    }
    content = buf.str();
  }
  auto consortium = node::LoadConsortium(consortium_path);
  if (!consortium.ok()) {
    err << "usage: " << consortium.status().ToString() << "\n";
    return kExitUsage;
  }
  const std::string_view trimmed = Trim(content);
  const qr::TrustAnchors anchors = node::TrustAnchorsOf(*consortium);
  auto r = trimmed.starts_with(qr::kVerificationPrefix) ? qr::VerifyQrText(trimmed, anchors)
                                                        : qr::VerifyProofJson(content, anchors);
  if (r.ok()) {
    out << "valid: " << *r << "\n";
    return kExitValid;
  }
  if (r.status().code() == "verify.bad_anchor") {
    err << "consortium: " << r.status().message() << "\n";
    return kExitUsage;
  }
  err << "invalid: " << r.status().code() << ": " << r.status().message() << "\n";
  return kExitInvalid;
}

}  // namespace fapiao::cli
