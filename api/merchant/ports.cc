#include "api/merchant/ports.h"

#include <memory>
#include <utility>

namespace fapiao::api::merchant {

namespace {

// The default SubmitAll: write i once write i-1 executed; outcomes gathered in `done`.
struct Chain : std::enable_shared_from_this<Chain> {
  Submitter* submitter = nullptr;
  std::vector<Submitter::Write> writes;
  std::vector<Result<SubmitOutcome>> outcomes;
  Submitter::DoneAll done;

  void Next() {
    const size_t i = outcomes.size();
    if (i == writes.size()) return done(std::move(outcomes));
    Submitter::Write& w = writes[i];
    submitter->Submit(
        w.kind, std::move(w.payload),
        [self = shared_from_this()](Result<SubmitOutcome> r) {
          self->outcomes.push_back(std::move(r));
          self->Next();
        },
        w.options);
  }
};

}  // namespace

void Submitter::SubmitAll(std::vector<Write> writes, DoneAll done) {
  auto chain = std::make_shared<Chain>();
  chain->submitter = this;
  chain->writes = std::move(writes);
  chain->done = std::move(done);
  chain->Next();
}

}  // namespace fapiao::api::merchant
