// Multi-process crash test: a writer process appends 100 blocks of 1,000
// transactions (100,000 in all) and is killed -9 at several points; after each
// kill the store reopens to a complete prefix holding every acknowledged block
// byte-identical, with nothing of any later block visible; the writer then
// resumes, and finally all 100,000 transactions read back identical.
#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ledger/store/rocks_store.h"
#include "tests/ledger/chain_fixture.h"

using namespace fapiao;

namespace {

// Runs the writer; kills it -9 right after it reports `kill_after` (or lets it
// finish when kill_after < 0). Returns the last height it acknowledged (-1 if none).
long RunWriter(const std::string& dir, long kill_after) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string exe = FAPIAO_CRASH_WRITER;
  char* argv[] = {exe.data(), const_cast<char*>(dir.c_str()), nullptr};
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  long last = -1;
  char line[128];
  bool killed = false;
  while (std::fgets(line, sizeof(line), out) != nullptr) {
    long h = -1;
    if (std::sscanf(line, "appended %ld", &h) == 1) last = h;
    if (kill_after >= 0 && last >= kill_after) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
  }
  std::fclose(out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (killed) {
    CHECK(WIFSIGNALED(status));
  } else {
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  return last;
}

}  // namespace

TEST_CASE("100,000 transactions survive kill -9 at any point, no partial block visible",
          "[store][crash][process]") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("fapiao-crash-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  testing::TestChain chain(100, 10);
  long acknowledged = -1;
  for (long kill_after : {7L, 38L, 71L}) {
    INFO("killed after height " << kill_after);
    acknowledged = RunWriter(dir.string(), kill_after);
    REQUIRE(acknowledged >= kill_after);
    auto store = RocksStore::Open(dir.string());
    REQUIRE(store.ok());
    REQUIRE((*store)->Tip().has_value());
    // Every acknowledged (synced) block is there; anything after is whole or absent.
    CHECK(*(*store)->Tip() >= static_cast<uint64_t>(acknowledged));
    CHECK(testing::CheckStoreContents(**store, chain, 99) == "");
  }
  RunWriter(dir.string(), -1);
  auto store = RocksStore::Open(dir.string());
  REQUIRE(store.ok());
  CHECK((*store)->Tip() == 99u);
  CHECK(testing::CheckStoreContents(**store, chain, 99) == "");
  std::filesystem::remove_all(dir);
}
