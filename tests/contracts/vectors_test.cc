// Table-driven vectors from tests/data/contracts/: capital-word totals, USCC
// and resident-id check characters, half-up tax, and scenario files (one per
// transaction family) that drive a chain step by step, each step naming the
// expected outcome ("ok" or a stable rejection code).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "contracts/capital_words.h"
#include "contracts/taxpayer_id.h"
#include "ledger/core/money.h"
#include "tests/contracts/harness.h"

namespace fapiao::contracts::test {
namespace {

using nlohmann::json;

json LoadVectors(const std::string& name) {
  std::ifstream in(std::string(FAPIAO_TEST_DATA_DIR) + "/contracts/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}

pb::Treatment ParseTreatment(const std::string& s) {
  if (s == "TAXABLE") return pb::TAXABLE;
  if (s == "EXEMPT") return pb::EXEMPT;
  if (s == "ZERO") return pb::ZERO;
  if (s == "NOT_SUBJECT") return pb::NOT_SUBJECT;
  return pb::TREATMENT_UNSPECIFIED;
}

pb::MarkAction ParseAction(const std::string& s) {
  if (s == "lock") return pb::LOCK;
  if (s == "unlock") return pb::UNLOCK;
  if (s == "close") return pb::CLOSE;
  return pb::MARK_ACTION_UNSPECIFIED;
}

pb::Party ParseParty(const std::string& s) {
  return s == "buyer" ? pb::BUYER : pb::SELLER;
}

pb::TaxpayerKind ParseKind(const std::string& s) {
  if (s == "USCC") return pb::USCC;
  if (s == "RESIDENT_ID") return pb::RESIDENT_ID;
  if (s == "LEGACY_15") return pb::LEGACY_15;
  if (s == "DIGITS_20") return pb::DIGITS_20;
  if (s == "TEMPORARY") return pb::TEMPORARY;
  if (s == "FOREIGN") return pb::FOREIGN;
  return pb::TAXPAYER_KIND_UNSPECIFIED;
}

// Runs one scenario; names saved by steps ("save") map to invoice numbers / form ids.
void RunScenario(const json& sc) {
  Chain c;
  std::map<std::string, std::string> names;
  auto name = [&](const json& step, const char* field) {
    const std::string n = step.at(field).get<std::string>();
    return names.count(n) ? names[n] : n;
  };
  int i = 0;
  for (const auto& step : sc.at("steps")) {
    const std::string op = step.at("op");
    const std::string expect = step.value("expect", "ok");
    const uint32_t as = step.value("as", 9999u);
    INFO("scenario '" << sc.at("name").get<std::string>() << "' step " << i++ << " op " << op);
    std::string got = "ok";
    if (op == "register" || op == "update") {
      pb::RegisterVendor msg;
      auto* info = msg.mutable_info();
      info->set_vendor_id(step.at("vendor"));
      info->set_name(step.value("name", "Stall"));
      info->mutable_taxpayer_id()->set_kind(ParseKind(step.value("id_kind", "USCC")));
      info->mutable_taxpayer_id()->set_value(step.value("id", MakeUscc(42)));
      info->set_market(step.value("market", "M1"));
      info->set_stall("S1");
      info->set_taxpayer_type(step.value("type", "small") == "general" ? pb::GENERAL
                                                                       : pb::SMALL_SCALE);
      info->set_check_override_reason(step.value("override", ""));
      for (const auto& d : step.value("defaults", json::array())) {
        auto* def = info->add_defaults();
        def->set_item_class(d.at("class"));
        def->mutable_treatment()->set_rate_bp(d.value("rate", 0));
        def->mutable_treatment()->set_treatment(ParseTreatment(d.at("t")));
        def->mutable_treatment()->set_policy_code(d.value("policy", ""));
      }
      pb::UpdateVendor upd;
      *upd.mutable_info() = msg.info();
      got = op == "register" ? c.Run(c.Tx(as == 9999 ? kOp : as, TxKind::kRegisterVendor, msg))
                             : c.Run(c.Tx(as == 9999 ? kOp : as, TxKind::kUpdateVendor, upd));
    } else if (op == "suspend" || op == "reinstate") {
      pb::SetVendorStatus msg;
      msg.set_vendor_id(step.at("vendor"));
      msg.set_status(op == "suspend" ? pb::SUSPENDED : pb::ACTIVE);
      msg.set_reason(step.value("reason", op == "suspend" ? "unpaid fees" : ""));
      got = c.Run(c.Tx(as == 9999 ? kOp : as, TxKind::kSetVendorStatus, msg));
    } else if (op == "quota") {
      pb::SetVendorQuota msg;
      msg.set_vendor_id(step.at("vendor"));
      msg.set_monthly_quota_fen(step.at("fen"));
      got = c.Run(c.Tx(as == 9999 ? kTax : as, TxKind::kSetVendorQuota, msg));
    } else if (op == "rules") {
      pb::SetTaxRules msg;
      for (int64_t r : step.at("allowed")) msg.mutable_rules()->add_allowed_rates_bp(r);
      for (int64_t r : step.value("small", json::array())) {
        msg.mutable_rules()->add_small_scale_rates_bp(r);
      }
      msg.mutable_rules()->set_default_monthly_quota_fen(step.value("default_quota", 0));
      for (const auto& t : step.value("timed", json::array())) {
        auto* tr = msg.mutable_rules()->add_small_scale_timed_rates();
        tr->set_rate_bp(t[0]);
        tr->set_until_yyyymmdd(t[1]);
      }
      got = c.Run(c.Tx(as == 9999 ? kTax : as, TxKind::kSetTaxRules, msg));
    } else if (op == "flag") {
      pb::RaiseFlag msg;
      msg.set_subject(step.value("subject", "vendor:v1"));
      msg.set_code(step.value("code", "split_below_threshold"));
      got = c.Run(c.Tx(as == 9999 ? kTax : as, TxKind::kRaiseFlag, msg));
    } else if (op == "officer_query") {
      pb::RecordOfficerQuery msg;
      msg.set_officer(step.value("officer", "officer-17"));
      msg.set_query(step.value("query", "GET /v1/vendors/v1/sales?month=202611"));
      got = c.Run(c.Tx(as == 9999 ? kTax : as, TxKind::kRecordOfficerQuery, msg));
    } else if (op == "pay") {
      pb::AttestPayment msg;
      msg.set_vendor_id(step.at("vendor"));
      msg.set_amount_fen(step.at("fen"));
      msg.set_paid_at_ms(kStartMs + step.value("paid_offset_ms", -1000LL));
      msg.set_reference(step.at("ref"));
      msg.set_claim_token_hash(
          c.hasher()
              .Digest(Bytes("fapiao/claim/v1") + '\0' +
                      ClaimToken(step.value("token_for", step.at("ref").get<std::string>())))
              .ToBytes());
      for (const auto& it : step.value("items", json::array())) {
        auto* item = msg.add_items();
        item->set_name("item");
        item->set_amount_fen(it);
      }
      got = c.Run(c.Tx(as == 9999 ? kPay : as, TxKind::kAttestPayment, msg));
    } else if (op == "request") {
      got = c.Request(step.at("ref"), step.value("buyer", "b1"), step.value("provider", kPay),
                      step.value("org_id", ""));
    } else if (op == "issue") {
      std::vector<std::pair<std::string, int64_t>> alloc;
      for (const auto& a : step.at("alloc")) alloc.emplace_back(a[0], a[1]);
      std::vector<LineSpec> lines;
      for (const auto& l : step.at("lines")) {
        LineSpec s;
        s.fen = l.at("fen");
        s.rate_bp = l.value("rate", 300);
        s.treatment = ParseTreatment(l.value("t", "TAXABLE"));
        s.policy = l.value("policy", "");
        s.qty = l.value("qty", "");
        s.price = l.value("price", "");
        s.item_class = l.value("class", "goods");
        lines.push_back(s);
      }
      std::string number;
      got = c.Issue(c.IssueMsg(step.at("vendor"), alloc, lines, step.value("provider", kPay)),
                    &number, as == 9999 ? kOp : as);
      if (got == "ok" && step.contains("save")) names[step.at("save")] = number;
      if (got == "ok" && step.contains("expect_total")) {
        auto inv = c.Invoice(number);
        CHECK(inv->total_fen() == step.at("expect_total").get<int64_t>());
        CHECK(inv->tax_fen() == step.value("expect_tax", inv->tax_fen()));
        if (step.contains("expect_words")) CHECK(inv->total_words() == step.at("expect_words"));
      }
    } else if (op == "mark") {
      std::vector<std::pair<std::string, pb::MarkAction>> marks;
      for (const auto& m : step.at("marks")) {
        const std::string n = m[0];
        marks.emplace_back(names.count(n) ? names[n] : n, ParseAction(m[1]));
      }
      got = c.Mark(as == 9999 ? kOrgA : as, marks);
    } else if (op == "open") {
      std::vector<std::pair<uint32_t, int64_t>> lines;
      for (const auto& l : step.value("lines", json::array())) lines.emplace_back(l[0], l[1]);
      std::string form;
      got = c.Open(name(step, "inv"), ParseParty(step.value("opener", "seller")),
                   step.value("reason", 1u), step.value("full", false), lines, &form,
                   step.value("buyer", "b1"), as == 9999 ? kOp : as);
      if (got == "ok" && step.contains("save")) names[step.at("save")] = form;
      if (got == "ok" && step.contains("save_red")) {
        auto blue = c.Invoice(name(step, "inv"));
        if (blue->red_numbers_size() > 0) {
          names[step.at("save_red")] = blue->red_numbers(blue->red_numbers_size() - 1);
        }
      }
    } else if (op == "confirm_red") {
      // Saves the red invoice issued by the form.
      auto f = c.Form(name(step, "form"));
      REQUIRE(f);
      names[step.at("save")] = f->red_number();
    } else if (op == "confirm" || op == "reject" || op == "withdraw") {
      const TxKind kind = op == "confirm"  ? TxKind::kConfirmRedLetterForm
                          : op == "reject" ? TxKind::kRejectRedLetterForm
                                           : TxKind::kWithdrawRedLetterForm;
      got = c.FormAct(kind, name(step, "form"), ParseParty(step.value("party", "buyer")),
                      step.value("buyer", "b1"), as == 9999 ? kOp : as,
                      step.value("wrong_secret", false));
    } else if (op == "advance") {
      c.Advance(static_cast<uint64_t>(step.value("hours", 0)) * 3600000ULL +
                step.value("ms", 0ULL));
    } else if (op == "check_invoice") {
      auto inv = c.Invoice(name(step, "inv"));
      REQUIRE(inv);
      if (step.contains("mark")) {
        CHECK(pb::MarkStatus_Name(inv->mark()) == step.at("mark").get<std::string>());
      }
      if (step.contains("red_lines")) {
        for (size_t k = 0; k < step.at("red_lines").size(); ++k) {
          CHECK(inv->lines(static_cast<int>(k)).red_amount_fen() ==
                step.at("red_lines")[k].get<int64_t>());
        }
      }
      if (step.contains("words")) CHECK(inv->total_words() == step.at("words"));
      if (step.contains("total")) CHECK(inv->total_fen() == step.at("total").get<int64_t>());
      if (step.contains("tax")) CHECK(inv->tax_fen() == step.at("tax").get<int64_t>());
      if (step.contains("blue")) CHECK(inv->blue_number() == name(step, "blue"));
      if (step.contains("red_count")) {
        CHECK(inv->red_numbers_size() == step.at("red_count").get<int>());
      }
    } else if (op == "check_form") {
      auto f = c.Form(name(step, "form"));
      REQUIRE(f);
      CHECK(pb::FormStatus_Name(f->status()) == step.at("status").get<std::string>());
    } else if (op == "check_payment") {
      auto p = c.Payment(step.value("provider", kPay), step.at("ref"));
      REQUIRE(p);
      CHECK(p->invoiced_fen() == step.at("invoiced").get<int64_t>());
      CHECK(p->invoice_count() == step.at("count").get<uint32_t>());
    } else {
      FAIL("unknown op " << op);
    }
    CHECK(got == expect);
  }
}

}  // namespace

TEST_CASE("capital-word totals match the vectors", "[contracts][vectors]") {
  const json v = LoadVectors("capital_words.json");
  REQUIRE(v.size() > 20);
  for (const auto& c : v) {
    INFO("fen " << c.at("fen").get<int64_t>());
    CHECK(CapitalWords(Fen(c.at("fen").get<int64_t>())) == c.at("words").get<std::string>());
  }
}

TEST_CASE("taxpayer id check characters match the vectors", "[contracts][vectors]") {
  const json v = LoadVectors("taxpayer_ids.json");
  for (const auto& c : v) {
    pb::TaxpayerId id;
    id.set_kind(ParseKind(c.at("kind")));
    id.set_value(c.at("value"));
    const std::string want = c.at("result");
    const IdCheck got = CheckTaxpayerId(id);
    INFO(c.at("kind").get<std::string>() << " " << id.value());
    CHECK((got == IdCheck::kOk            ? "ok"
           : got == IdCheck::kCheckFailed ? "check_failed"
                                          : "bad_format") == want);
  }
}

TEST_CASE("half-up tax matches the vectors", "[contracts][vectors]") {
  const json v = LoadVectors("tax_half_up.json");
  for (const auto& c : v) {
    INFO(c.dump());
    auto t = TaxHalfUp(Fen(c.at("amount").get<int64_t>()), c.at("rate_bp").get<int64_t>());
    REQUIRE(t);
    CHECK(t->value() == c.at("tax").get<int64_t>());
  }
}

TEST_CASE("scenario vectors", "[contracts][vectors]") {
  for (const char* file : {"roster.json", "attestation.json", "issuance.json", "quota.json",
                           "reimbursement.json", "red_letter.json"}) {
    const json v = LoadVectors(file);
    for (const auto& sc : v) {
      SECTION(std::string(file) + ": " + sc.at("name").get<std::string>()) {
        RunScenario(sc);
      }
    }
  }
}

}  // namespace fapiao::contracts::test
