#include "storage/text_encoding.hpp"

#include <array>
#include <cerrno>
#include <cstring>

#include <iconv.h>

namespace callqc::storage {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD
constexpr std::size_t kBlockBytes = 64 * 1024;

const iconv_t kNoIconv = reinterpret_cast<iconv_t>(-1);

/// One iconv conversion descriptor.
class Iconv {
public:
    Iconv(const char* to, const char* from) : m_cd(iconv_open(to, from)) {}
    ~Iconv() {
        if (m_cd != kNoIconv) {
            iconv_close(m_cd);
        }
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
    [[nodiscard]] bool ok() const { return m_cd != kNoIconv; }
    [[nodiscard]] iconv_t get() const { return m_cd; }

private:
    iconv_t m_cd;
};

/// Converts as much of [in, in + inLeft) as iconv can, appending to `out`. Returns errno of the
/// stop (0 when all input was consumed); `in`/`inLeft` are advanced past what was converted.
int convertChunk(iconv_t cd, const char*& in, std::size_t& inLeft, std::string& out) {
    std::array<char, 16 * 1024> buffer{};
    while (inLeft > 0) {
        char* outPtr = buffer.data();
        std::size_t outLeft = buffer.size();
        auto* inPtr = const_cast<char*>(in);
        const std::size_t rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft);
        const int error = rc == static_cast<std::size_t>(-1) ? errno : 0;
        in = inPtr;
        out.append(buffer.data(), static_cast<std::size_t>(outPtr - buffer.data()));
        if (error != 0 && error != E2BIG) {
            return error;
        }
    }
    return 0;
}

} // namespace

std::string_view encodingName(TextEncoding encoding) {
    switch (encoding) {
    case TextEncoding::Utf8:
        return "UTF-8";
    case TextEncoding::Gb18030:
        return "GB18030";
    }
    return "?";
}

void Utf8Validator::feed(std::string_view chunk) {
    for (const char ch : chunk) {
        if (!m_valid) {
            return;
        }
        const auto c = static_cast<unsigned char>(ch);
        if (m_pending > 0) {
            if (c < m_lower || c > m_upper) {
                m_valid = false;
                return;
            }
            --m_pending;
            m_lower = 0x80;
            m_upper = 0xBF;
            continue;
        }
        if (c < 0x80) {
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            m_pending = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            m_pending = 2;
            if (c == 0xE0) {
                m_lower = 0xA0; // no overlong forms
            } else if (c == 0xED) {
                m_upper = 0x9F; // no surrogates
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            m_pending = 3;
            if (c == 0xF0) {
                m_lower = 0x90;
            } else if (c == 0xF4) {
                m_upper = 0x8F; // nothing past U+10FFFF
            }
        } else {
            m_valid = false;
        }
    }
}

bool isValidUtf8(std::string_view bytes) {
    Utf8Validator validator;
    validator.feed(bytes);
    return validator.finish();
}

TextEncoding detectEncoding(std::istream& in) {
    Utf8Validator validator;
    std::vector<char> block(kBlockBytes);
    while (validator.valid() && in) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        validator.feed(std::string_view(block.data(), static_cast<std::size_t>(in.gcount())));
    }
    return validator.finish() ? TextEncoding::Utf8 : TextEncoding::Gb18030;
}

std::string decodeToUtf8(std::string_view bytes, int* replaced) {
    if (replaced) {
        *replaced = 0;
    }
    if (isValidUtf8(bytes)) {
        if (bytes.starts_with(kUtf8Bom)) {
            bytes.remove_prefix(kUtf8Bom.size());
        }
        return std::string(bytes);
    }
    std::string out;
    out.reserve(bytes.size() * 3 / 2);
    Iconv cd("UTF-8", "GB18030");
    const char* in = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const int error = cd.ok() ? convertChunk(cd.get(), in, left, out) : EILSEQ;
        if (error == 0) {
            break;
        }
        // EILSEQ: a byte that starts no GB18030 character; EINVAL: a character cut off at the end.
        out += kReplacement;
        ++in;
        --left;
        if (replaced) {
            ++*replaced;
        }
    }
    return out;
}

std::optional<std::string> utf8ToGb18030(std::string_view utf8) {
    if (!isValidUtf8(utf8)) {
        return std::nullopt;
    }
    Iconv cd("GB18030", "UTF-8");
    if (!cd.ok()) {
        return std::nullopt;
    }
    std::string out;
    const char* in = utf8.data();
    std::size_t left = utf8.size();
    if (convertChunk(cd.get(), in, left, out) != 0) {
        return std::nullopt;
    }
    return out;
}

Gb18030ToUtf8Buf::Gb18030ToUtf8Buf(std::streambuf& source)
    : m_source(source), m_iconv(iconv_open("UTF-8", "GB18030")), m_in(kBlockBytes) {
    m_out.reserve(kBlockBytes * 2);
    setg(nullptr, nullptr, nullptr);
}

Gb18030ToUtf8Buf::~Gb18030ToUtf8Buf() {
    if (static_cast<iconv_t>(m_iconv) != kNoIconv) {
        iconv_close(static_cast<iconv_t>(m_iconv));
    }
}

Gb18030ToUtf8Buf::int_type Gb18030ToUtf8Buf::underflow() {
    if (gptr() < egptr()) {
        return traits_type::to_int_type(*gptr());
    }
    const auto cd = static_cast<iconv_t>(m_iconv);
    std::string produced;
    while (produced.empty()) {
        if (!m_sourceDone && m_inUsed < m_in.size()) {
            const auto got = m_source.sgetn(m_in.data() + m_inUsed,
                                            static_cast<std::streamsize>(m_in.size() - m_inUsed));
            m_inUsed += static_cast<std::size_t>(got);
            m_sourceDone = got == 0;
        }
        if (m_inUsed == 0) {
            return traits_type::eof();
        }
        const char* in = m_in.data();
        std::size_t left = m_inUsed;
        const int error = cd != kNoIconv ? convertChunk(cd, in, left, produced) : EILSEQ;
        if (error == EILSEQ || (error == EINVAL && m_sourceDone)) {
            produced += kReplacement;
            ++in;
            --left;
            ++m_replaced;
        }
        // Keep what is left (a character cut by the block end) for the next round.
        std::memmove(m_in.data(), in, left);
        m_inUsed = left;
    }
    m_out.assign(produced.begin(), produced.end());
    setg(m_out.data(), m_out.data(), m_out.data() + m_out.size());
    return traits_type::to_int_type(*gptr());
}

std::size_t displayColumns(std::string_view utf8) {
    std::size_t columns = 0;
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte & 0xC0U) != 0x80U) {
            columns += byte >= 0xE0U ? 2 : 1;
        }
    }
    return columns;
}

} // namespace callqc::storage
