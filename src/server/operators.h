// Operator accounts for the operator API: name, role and the SHA-256 of a bearer
// token (the server never stores tokens in clear). File format (JSON):
//   {"operators": [{"name": "alice", "role": "operator",
//                   "token_sha256": "<64 hex digits of sha256(token)>"}]}
// Roles: "viewer" (read the audit), "operator" (issue, confirm, cancel),
// "supervisor" (as operator). Make a hash with: printf %s "$TOKEN" | sha256sum
//
// Thread-safety: immutable after loading; Authenticate is safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/live_core.h"

namespace tocsin::server {

struct OperatorAccount {
  std::string name;
  std::string role;
  std::string token_sha256;  // lower-case hex
};

class OperatorDirectory {
 public:
  OperatorDirectory() = default;
  explicit OperatorDirectory(std::vector<OperatorAccount> accounts) : accounts_(std::move(accounts)) {}
  static Result<OperatorDirectory> LoadFile(const std::string& path);
  static Result<OperatorDirectory> Parse(const std::string& text, const std::string& source);

  // The operator whose token is `token` (constant-time over the hashes), or nullopt.
  std::optional<OperatorIdentity> Authenticate(std::string_view token) const;
  bool empty() const { return accounts_.empty(); }

 private:
  std::vector<OperatorAccount> accounts_;
};

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// True when `role` may issue, confirm and cancel alerts.
bool CanAct(const std::string& role);

}  // namespace tocsin::server
