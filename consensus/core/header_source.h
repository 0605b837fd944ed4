// HeaderSource: the seam through which a primary's driver supplies the ledger
// header of a block the replica proposes (agreed time, anchor to the last
// executed block, batch root). Called on the replica's thread during Step; the
// implementation must not call back into the replica. Without a source (the
// simulator) blocks carry no header and their digest covers the requests alone.
#pragma once

#include <span>

#include "consensus/core/types.h"

namespace fapiao::consensus {

class HeaderSource {
 public:
  virtual ~HeaderSource() = default;
  virtual Bytes HeaderFor(View view, Seq seq, std::span<const RequestRef> requests) = 0;
};

}  // namespace fapiao::consensus
