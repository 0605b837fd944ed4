#include "api/merchant/idempotency.h"

#include <utility>

#include "api/merchant/common.h"
#include "contracts/codes.h"
#include "contracts/keys.h"

namespace fapiao::api::merchant {
namespace {

constexpr std::size_t kMaxClientKey = 255;

Bytes Domain(std::string_view tag) {
  return Bytes(tag) + '\0';
}

// The committed record of the first transaction under `key`, if any.
std::optional<pb::IdempotencyRecord> FirstOf(const MerchantContext& ctx, const Bytes& key) {
  pb::IdempotencyRecord rec;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Idempotency(ctx.identity.member, key), rec)) {
    return std::nullopt;
  }
  return rec;
}

SubmitOutcome Replay(const pb::IdempotencyRecord& rec) {
  SubmitOutcome o;
  o.tx_id = ToHex(rec.tx_id());
  o.height = rec.height();
  o.accepted = rec.accepted();
  o.code = rec.code();
  o.events.assign(rec.events().begin(), rec.events().end());
  o.replayed = true;
  return o;
}

SubmitOutcome Reused() {
  SubmitOutcome o;
  o.accepted = false;
  o.code = contracts::code::kIdempotencyKeyReused;
  return o;
}

// The first outcome under `options`' key, or the refusal of a reused key; nullopt: new.
std::optional<SubmitOutcome> RepeatOf(const MerchantContext& ctx, const SubmitOptions& options) {
  auto first = FirstOf(ctx, options.idempotency_key);
  if (!first) return std::nullopt;
  return first->request_hash() == options.request_hash ? Replay(*first) : Reused();
}

// A transaction refused as a repeat of its key raced the first, which executed before
// it: answer the first's outcome.
Result<SubmitOutcome> Settled(const MerchantContext& ctx, const Bytes& key,
                              Result<SubmitOutcome> r) {
  if (r.ok() && !r->accepted && r->code == contracts::code::kIdempotentRepeat) {
    if (auto first = FirstOf(ctx, key)) return Replay(*first);
  }
  return r;
}

// Submits each write as SubmitWrite does; SubmitAll then goes one write after the other.
class WriteByWrite final : public Submitter {
 public:
  WriteByWrite(MerchantContext ctx, WriteIdentity write)
      : ctx_(std::move(ctx)), write_(std::move(write)) {}
  void Submit(uint32_t kind, Bytes payload, Done done, const SubmitOptions&) override {
    SubmitWrite(ctx_, write_, kind, std::move(payload), std::move(done));
  }

 private:
  const MerchantContext ctx_;
  const WriteIdentity write_;
};

}  // namespace

std::optional<Problem> CheckIdempotencyHeader(const Request& request) {
  auto value = request.Header(kIdempotencyHeader);
  if (!value) return std::nullopt;
  bool printable = !value->empty() && value->size() <= kMaxClientKey;
  for (char c : *value) printable = printable && c > 0x20 && c < 0x7f;
  if (printable) return std::nullopt;
  return MakeProblem(400, "request.bad_idempotency_key",
                     "Idempotency-Key must be 1-255 printable ASCII characters without spaces",
                     std::string(kIdempotencyHeader));
}

WriteIdentity WriteIdentity::Of(const MerchantContext& ctx, const Request& request) {
  WriteIdentity w;
  auto value = request.Header(kIdempotencyHeader);
  if (!value) return w;
  w.client_key_ = std::string(*value);
  // Scope: the API key's public id, so two callers never share a key space.
  w.scope_ = "public";
  if (auto auth = request.Header("Authorization")) {
    const auto at = auth->find("fpk_");
    if (at != std::string_view::npos) {
      const auto id = auth->substr(at + 4, auth->find('_', at + 4) - (at + 4));
      w.scope_ = "key:" + std::string(id);
    }
  }
  Bytes req = Domain("fapiao/idempotency-request/v1");
  AppendLengthPrefixed(req, request.method);
  AppendLengthPrefixed(req, request.path);
  AppendLengthPrefixed(req, request.body);
  w.request_hash_ = ctx.identity.hasher->Digest(req).ToBytes();
  return w;
}

SubmitOptions WriteIdentity::For(const Hasher& hasher, uint32_t kind) const {
  if (!keyed()) return {};
  Bytes k = Domain("fapiao/idempotency/v1");
  AppendLengthPrefixed(k, scope_);
  AppendLengthPrefixed(k, client_key_);
  AppendU32(k, kind);
  return SubmitOptions{hasher.Digest(k).ToBytes(), request_hash_};
}

std::optional<SubmitOutcome> CommittedRepeat(const MerchantContext& ctx, const WriteIdentity& write,
                                             uint32_t kind) {
  if (!write.keyed()) return std::nullopt;
  return RepeatOf(ctx, write.For(*ctx.identity.hasher, kind));
}

void SubmitWrite(const MerchantContext& ctx, const WriteIdentity& write, uint32_t kind,
                 Bytes payload, Submitter::Done done) {
  SubmitOptions options = write.For(*ctx.identity.hasher, kind);
  if (!options.idempotency_key.empty()) {
    if (auto repeat = RepeatOf(ctx, options)) return done(std::move(*repeat));
  }
  const Bytes key = options.idempotency_key;
  ctx.submitter->Submit(
      kind, std::move(payload),
      [ctx, key, done = std::move(done)](Result<SubmitOutcome> r) {
        done(Settled(ctx, key, std::move(r)));
      },
      options);
}

void SubmitWrites(const MerchantContext& ctx, const WriteIdentity& write,
                  std::vector<std::pair<uint32_t, Bytes>> writes, Submitter::DoneAll done) {
  std::vector<Submitter::Write> all;
  std::vector<Bytes> keys;
  bool committed = false;
  for (auto& [kind, payload] : writes) {
    SubmitOptions options = write.For(*ctx.identity.hasher, kind);
    committed = committed || (!options.idempotency_key.empty() && RepeatOf(ctx, options));
    keys.push_back(options.idempotency_key);
    all.push_back(Submitter::Write{kind, std::move(payload), std::move(options)});
  }
  if (committed) {
    // A retry whose first writes are committed: each answered from the ledger or submitted.
    auto one_by_one = std::make_shared<WriteByWrite>(ctx, write);
    return one_by_one->SubmitAll(std::move(all), [one_by_one, done = std::move(done)](
                                                     std::vector<Result<SubmitOutcome>> outcomes) {
      done(std::move(outcomes));
    });
  }
  ctx.submitter->SubmitAll(
      std::move(all), [ctx, keys, done = std::move(done)](std::vector<Result<SubmitOutcome>> out) {
        for (size_t i = 0; i < out.size() && i < keys.size(); ++i) {
          out[i] = Settled(ctx, keys[i], std::move(out[i]));
        }
        done(std::move(out));
      });
}

}  // namespace fapiao::api::merchant
