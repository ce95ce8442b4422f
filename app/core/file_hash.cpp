#include "app/core/file_hash.hpp"

#include <array>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <sodium.h>

namespace callqc::core {

tl::expected<std::string, std::string> sha256File(const std::filesystem::path& path) {
    if (sodium_init() < 0) {
        return tl::unexpected(std::string("libsodium failed to initialise"));
    }
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               &std::fclose);
    if (!file) {
        return tl::unexpected(fmt::format("{}: cannot open for reading", path.string()));
    }
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::array<unsigned char, 1 << 16> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
        crypto_hash_sha256_update(&state, buffer.data(), got);
    }
    if (std::ferror(file.get())) {
        return tl::unexpected(fmt::format("{}: read error", path.string()));
    }
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state, digest.data());
    std::string hex;
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

} // namespace callqc::core
