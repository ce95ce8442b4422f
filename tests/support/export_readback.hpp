#pragma once

// Reads exported files back for tests: the text of an XLSX part, and the text of a PDF.

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <zlib.h>

namespace callqc::testing {

inline std::string readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// One member of a ZIP archive (an XLSX part such as "xl/worksheets/sheet1.xml"), inflated;
/// none when the archive lacks it or is not one. Reads the central directory, as unzip does.
inline std::optional<std::string> zipMember(const std::filesystem::path& archive,
                                            const std::string& name) {
    const std::string zip = readBytes(archive);
    const auto u16 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at + 1])) << 8U;
    };
    const auto u32 = [&](std::size_t at) {
        return u16(at) | u16(at + 2) << 16U;
    };
    const std::size_t end = zip.rfind(std::string("PK\x05\x06", 4));
    if (end == std::string::npos || end + 22 > zip.size()) {
        return std::nullopt;
    }
    std::size_t at = u32(end + 16);
    for (std::uint32_t entry = 0; entry < u16(end + 10) && at + 46 <= zip.size(); ++entry) {
        const std::uint32_t method = u16(at + 10);
        const std::uint32_t packed = u32(at + 20);
        const std::uint32_t size = u32(at + 24);
        const std::uint32_t nameLength = u16(at + 28);
        const std::string member = zip.substr(at + 46, nameLength);
        const std::size_t local = u32(at + 42);
        at += 46 + nameLength + u16(at + 30) + u16(at + 32);
        if (member != name) {
            continue;
        }
        const std::size_t data = local + 30 + u16(local + 26) + u16(local + 28);
        if (method == 0) {
            return zip.substr(data, packed);
        }
        std::string out(size, '\0');
        z_stream stream{};
        if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
            return std::nullopt;
        }
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
        stream.avail_in = packed;
        stream.next_out = reinterpret_cast<Bytef*>(out.data());
        stream.avail_out = size;
        const int inflated = inflate(&stream, Z_FINISH);
        inflateEnd(&stream);
        if (inflated != Z_STREAM_END) {
            return std::nullopt;
        }
        return out;
    }
    return std::nullopt;
}

/// The text of a PDF as poppler's pdftotext reads it (pages separated by form feeds); none when
/// pdftotext fails.
inline std::optional<std::string> pdfText(const std::filesystem::path& pdf) {
    const std::string command = "pdftotext -enc UTF-8 -layout '" + pdf.string() + "' - 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return std::nullopt;
    }
    std::string text;
    std::array<char, 4096> buffer{};
    while (const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        text.append(buffer.data(), got);
    }
    if (pclose(pipe) != 0) {
        return std::nullopt;
    }
    return text;
}

} // namespace callqc::testing
