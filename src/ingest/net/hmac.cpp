#include "ingest/net/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cassert>
#include <stdexcept>

namespace tocsin::ingest::net {
namespace {

constexpr std::size_t kBlock = 64;  // SHA-256 block size

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx NewCtx() {
  MdCtx c(EVP_MD_CTX_new());
  if (!c) throw std::runtime_error("OpenSSL: EVP_MD_CTX_new failed (out of memory)");
  return c;
}

void Check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

}  // namespace

struct HmacKey::States {
  MdCtx inner;  // SHA-256 state after absorbing key ^ ipad
  MdCtx outer;  // SHA-256 state after absorbing key ^ opad
};

HmacKey::HmacKey(std::string_view key) : states_(std::make_unique<States>()) {
  assert(!key.empty());
  std::array<std::uint8_t, kBlock> k{};
  if (key.size() > kBlock) {
    MacBytes d = Sha256(key);
    std::copy(d.begin(), d.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<std::uint8_t, kBlock> ipad, opad;
  for (std::size_t i = 0; i < kBlock; ++i) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  states_->inner = NewCtx();
  states_->outer = NewCtx();
  Check(EVP_DigestInit_ex(states_->inner.get(), EVP_sha256(), nullptr), "EVP_DigestInit_ex");
  Check(EVP_DigestUpdate(states_->inner.get(), ipad.data(), kBlock), "EVP_DigestUpdate");
  Check(EVP_DigestInit_ex(states_->outer.get(), EVP_sha256(), nullptr), "EVP_DigestInit_ex");
  Check(EVP_DigestUpdate(states_->outer.get(), opad.data(), kBlock), "EVP_DigestUpdate");
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
}

HmacKey::~HmacKey() = default;
HmacKey::HmacKey(HmacKey&&) noexcept = default;
HmacKey& HmacKey::operator=(HmacKey&&) noexcept = default;

MacBytes HmacKey::Compute(std::string_view data) const {
  // One context per thread, reused: copying a digest state is cheap, allocating is not.
  thread_local MdCtx ctx = NewCtx();
  MacBytes inner{};
  MacBytes out{};
  unsigned int n = 0;
  Check(EVP_MD_CTX_copy_ex(ctx.get(), states_->inner.get()), "EVP_MD_CTX_copy_ex");
  Check(EVP_DigestUpdate(ctx.get(), data.data(), data.size()), "EVP_DigestUpdate");
  Check(EVP_DigestFinal_ex(ctx.get(), inner.data(), &n), "EVP_DigestFinal_ex");
  Check(EVP_MD_CTX_copy_ex(ctx.get(), states_->outer.get()), "EVP_MD_CTX_copy_ex");
  Check(EVP_DigestUpdate(ctx.get(), inner.data(), inner.size()), "EVP_DigestUpdate");
  Check(EVP_DigestFinal_ex(ctx.get(), out.data(), &n), "EVP_DigestFinal_ex");
  return out;
}

MacBytes HmacSha256(std::string_view key, std::string_view data) { return HmacKey(key).Compute(data); }

bool MacEquals(const MacBytes& a, const MacBytes& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

MacBytes Sha256(std::string_view data) {
  MacBytes out{};
  unsigned int n = 0;
  Check(EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr), "EVP_Digest");
  return out;
}

}  // namespace tocsin::ingest::net
