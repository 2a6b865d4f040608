#include "server/operators.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace tocsin::server {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

bool CanAct(const std::string& role) { return role == "operator" || role == "supervisor"; }

Result<OperatorDirectory> OperatorDirectory::Parse(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(source + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("operators") || !j["operators"].is_array())
    return Status::Error(source + ": expected {\"operators\": [{\"name\", \"role\", \"token_sha256\"}, ...]}");
  std::vector<OperatorAccount> out;
  for (std::size_t i = 0; i < j["operators"].size(); ++i) {
    const auto& o = j["operators"][i];
    const std::string where = source + ": operators[" + std::to_string(i) + "]: ";
    if (!o.is_object() || !o.contains("name") || !o.contains("role") || !o.contains("token_sha256") ||
        !o["name"].is_string() || !o["role"].is_string() || !o["token_sha256"].is_string())
      return Status::Error(where + "needs string fields name, role and token_sha256");
    OperatorAccount a{o["name"], o["role"], o["token_sha256"]};
    if (a.role != "viewer" && a.role != "operator" && a.role != "supervisor")
      return Status::Error(where + "role \"" + a.role + "\" is not one of viewer, operator, supervisor");
    for (auto& ch : a.token_sha256) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (a.token_sha256.size() != 64 || a.token_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      return Status::Error(where + "token_sha256 must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)");
    for (const auto& b : out)
      if (b.name == a.name) return Status::Error(where + "duplicate operator name \"" + a.name + "\"");
    out.push_back(std::move(a));
  }
  return OperatorDirectory(std::move(out));
}

Result<OperatorDirectory> OperatorDirectory::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error(path + ": cannot open the operators file; check the \"operators\" path in the config");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

std::optional<OperatorIdentity> OperatorDirectory::Authenticate(std::string_view token) const {
  if (token.empty()) return std::nullopt;
  const std::string h = Sha256Hex(token);
  std::optional<OperatorIdentity> found;
  for (const auto& a : accounts_)
    if (a.token_sha256.size() == h.size() && CRYPTO_memcmp(a.token_sha256.data(), h.data(), h.size()) == 0)
      found = OperatorIdentity{a.name, a.role};
  return found;
}

}  // namespace tocsin::server
