#include "tools/fapiao/merchant.h"

#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <ostream>

#include "tools/fapiao/http_client.h"

namespace fapiao::cli {
namespace {

Status Bad(const std::string& message) {
  return Status::Error("cli.bad_argument", message);
}

// Decimal digits that fit an int64 become a JSON integer; anything else is
// sent as a string, so the node's own check names the problem.
nlohmann::json Amount(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!s.empty() && s[0] != '-' && s[0] != '+' && ec == std::errc() && p == s.data() + s.size()) {
    return v;
  }
  return s;
}

std::optional<uint32_t> Member(const std::string& s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "a:b...:c" -> first, middle (may hold ':'), last.
std::optional<std::array<std::string, 3>> SplitEnds(const std::string& spec) {
  const auto first = spec.find(':');
  const auto last = spec.rfind(':');
  if (first == std::string::npos || first == last) return std::nullopt;
  return std::array<std::string, 3>{spec.substr(0, first), spec.substr(first + 1, last - first - 1),
                                    spec.substr(last + 1)};
}

int Usage(const Status& s, std::ostream& err) {
  err << "usage: " << s.message() << "\n";
  return kExitUsage;
}

// Sends one request and reports the answer: the JSON body pretty-printed (or
// the raw body to `out_file`) on success, the problem on stderr otherwise.
int Exchange(const Endpoint& ep, const std::string& method, const std::string& target,
             const std::string& body, std::ostream& out, std::ostream& err,
             const std::string& out_file = {}) {
  auto url = client::ParseApiUrl(ep.api);
  if (!url.ok()) return Usage(url.status(), err);
  client::HttpClient http(*url);
  auto reply = http.Call(method, target, body, ep.key);
  if (!reply.ok()) {
    err << "network: " << reply.status().code() << ": " << reply.status().message() << "\n";
    return kExitNetwork;
  }
  if (reply->status < 200 || reply->status >= 300) {
    err << DescribeProblem(reply->status, reply->body) << "\n";
    return kExitProblem;
  }
  if (!out_file.empty()) {
    std::ofstream f(out_file, std::ios::binary | std::ios::trunc);
    f << reply->body;
    if (!f) {
      err << "usage: cannot write " << out_file << "\n";
      return kExitUsage;
    }
    return kExitOk;
  }
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded()) {
    out << reply->body;
  } else {
    out << j.dump(2) << "\n";
  }
  return kExitOk;
}

}  // namespace

Result<nlohmann::json> ParseItem(const std::string& spec) {
  std::vector<std::string> parts;
  // Fields from the right: fen, price, qty; the name keeps any other ':'.
  std::string rest = spec;
  for (int i = 0; i < 3; ++i) {
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) break;
    parts.insert(parts.begin(), rest.substr(colon + 1));
    rest.resize(colon);
  }
  if (parts.size() == 3 && !rest.empty()) {
    nlohmann::json item = {{"name", rest}, {"amount_fen", Amount(parts[2])}};
    if (!parts[0].empty()) item["quantity"] = parts[0];
    if (!parts[1].empty()) item["unit_price"] = parts[1];
    return item;
  }
  // name:fen
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || parts.size() != 1) {
    return Bad("--item '" + spec + "': expected name:qty:price:fen or name:fen");
  }
  return nlohmann::json{{"name", spec.substr(0, colon)},
                        {"amount_fen", Amount(spec.substr(colon + 1))}};
}

Result<nlohmann::json> ParseClaim(const std::string& spec) {
  auto p = SplitEnds(spec);
  if (!p || (*p)[1].empty() || (*p)[2].empty() || !Member((*p)[0])) {
    return Bad("--claim '" + spec + "': expected provider:reference:token");
  }
  return nlohmann::json{{"provider", *Member((*p)[0])}, {"reference", (*p)[1]}, {"token", (*p)[2]}};
}

Result<nlohmann::json> ParseAllocation(const std::string& spec) {
  auto p = SplitEnds(spec);
  if (!p || (*p)[1].empty() || (*p)[2].empty() || !Member((*p)[0])) {
    return Bad("--allocation '" + spec + "': expected provider:reference:fen");
  }
  return nlohmann::json{
      {"provider", *Member((*p)[0])}, {"reference", (*p)[1]}, {"amount_fen", Amount((*p)[2])}};
}

Result<nlohmann::json> ParseTaxpayerId(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) {
    return Bad("--taxpayer-id '" + spec + "': expected KIND:VALUE (e.g. uscc:9153...)");
  }
  return nlohmann::json{{"kind", spec.substr(0, colon)}, {"value", spec.substr(colon + 1)}};
}

std::string DescribeProblem(int status, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("code") && j["code"].is_string()) {
    std::string line = j["code"].get<std::string>();
    if (j.contains("detail") && j["detail"].is_string()) {
      line += ": " + j["detail"].get<std::string>();
    }
    if (j.contains("field") && j["field"].is_string()) {
      line += " (" + j["field"].get<std::string>() + ")";
    }
    return line;
  }
  return "http " + std::to_string(status) + ": " + body;
}

int RunAttest(const Endpoint& ep, const AttestArgs& a, std::ostream& out, std::ostream& err) {
  nlohmann::json body = {
      {"vendor_id", a.vendor}, {"amount_fen", Amount(a.amount_fen)}, {"reference", a.reference}};
  if (a.paid_at.empty()) {
    body["paid_at"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  } else {
    body["paid_at"] = Amount(a.paid_at);  // Unix ms as an integer, RFC 3339 as text
  }
  if (!a.items.empty()) {
    body["items"] = nlohmann::json::array();
    for (const auto& spec : a.items) {
      auto item = ParseItem(spec);
      if (!item.ok()) return Usage(item.status(), err);
      body["items"].push_back(*item);
    }
  }
  return Exchange(ep, "POST", "/v1/payments", body.dump(), out, err);
}

int RunIssue(const Endpoint& ep, const IssueArgs& a, std::ostream& out, std::ostream& err) {
  nlohmann::json body = nlohmann::json::object();
  if (!a.claim.empty()) {
    auto claim = ParseClaim(a.claim);
    if (!claim.ok()) return Usage(claim.status(), err);
    body["claim"] = *claim;
  }
  if (a.claim.empty() && ep.key.empty()) {
    return Usage(Bad("issue needs --key (the vendor's) or --claim (the buyer's)"), err);
  }
  if (!a.title_individual.empty() && !a.title_org.empty()) {
    return Usage(Bad("--title-individual and --title-org exclude each other"), err);
  }
  if (!a.title_individual.empty()) {
    body["title"] = {{"type", "individual"}, {"name", a.title_individual}};
  } else if (!a.title_org.empty()) {
    if (a.taxpayer_id.empty()) return Usage(Bad("--title-org needs --taxpayer-id KIND:VALUE"), err);
    auto id = ParseTaxpayerId(a.taxpayer_id);
    if (!id.ok()) return Usage(id.status(), err);
    body["title"] = {{"type", "organisation"}, {"name", a.title_org}, {"taxpayer_id", *id}};
  } else if (!a.taxpayer_id.empty()) {
    return Usage(Bad("--taxpayer-id goes with --title-org"), err);
  }
  if (!a.allocations.empty()) {
    body["allocations"] = nlohmann::json::array();
    for (const auto& spec : a.allocations) {
      auto alloc = ParseAllocation(spec);
      if (!alloc.ok()) return Usage(alloc.status(), err);
      body["allocations"].push_back(*alloc);
    }
  }
  return Exchange(ep, "POST", "/v1/invoices", body.dump(), out, err);
}

int RunGet(const Endpoint& ep, const GetArgs& a, std::ostream& out, std::ostream& err) {
  using client::PercentEncode;
  std::string target;
  if (a.what != "invoice" && (!a.claim.empty() || !a.qr.empty() || a.proof)) {
    return Usage(Bad("--claim, --qr and --proof apply to invoices only"), err);
  }
  if (a.what == "vendor") {
    target = "/v1/vendors/" + PercentEncode(a.id);
  } else if (a.what == "payment") {
    const auto slash = a.id.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == a.id.size()) {
      return Usage(Bad("payment id '" + a.id + "': expected provider/reference"), err);
    }
    target = "/v1/payments/" + PercentEncode(a.id.substr(0, slash)) + "/" +
             PercentEncode(a.id.substr(slash + 1));
  } else if (a.what == "invoice") {
    if (!a.qr.empty() && a.proof) return Usage(Bad("--qr and --proof exclude each other"), err);
    if (!a.qr.empty() && a.qr != "png" && a.qr != "svg") {
      return Usage(Bad("--qr must be png or svg"), err);
    }
    if (a.qr == "png" && a.out_file.empty()) {
      return Usage(Bad("--qr png needs --out FILE"), err);
    }
    target = "/v1/invoices/" + PercentEncode(a.id);
    if (!a.qr.empty()) target += "/qr." + a.qr;
    if (a.proof) target += "/proof";
    if (!a.claim.empty()) {
      auto claim = ParseClaim(a.claim);
      if (!claim.ok()) return Usage(claim.status(), err);
      target += "?provider=" + std::to_string((*claim)["provider"].get<uint32_t>()) +
                "&ref=" + PercentEncode((*claim)["reference"].get<std::string>()) +
                "&token=" + PercentEncode((*claim)["token"].get<std::string>());
    }
  } else {
    return Usage(Bad("get what? invoice, payment or vendor (not '" + a.what + "')"), err);
  }
  // A non-JSON body (an SVG) is printed as it is.
  return Exchange(ep, "GET", target, {}, out, err, a.out_file);
}

}  // namespace fapiao::cli
