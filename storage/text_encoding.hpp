#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace callqc::storage {

/// The encodings the telephony platforms write their exports in. GB18030 is a superset of GBK
/// and GB2312 with the same bytes for the characters those have, so one decoder serves all three.
enum class TextEncoding { Utf8, Gb18030 };

[[nodiscard]] std::string_view encodingName(TextEncoding encoding);

/// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past
/// U+10FFFF). Pure ASCII is UTF-8.
[[nodiscard]] bool isValidUtf8(std::string_view bytes);

/// How many columns UTF-8 text takes in a terminal or a spreadsheet: a character of three or
/// more bytes (CJK) counts as two, any other as one.
[[nodiscard]] std::size_t displayColumns(std::string_view utf8);

/// Checks UTF-8 a chunk at a time, so a file is validated without holding it whole; a sequence
/// may be split between chunks.
class Utf8Validator {
public:
    void feed(std::string_view chunk);
    /// True when everything fed was UTF-8 and no sequence was left unfinished.
    [[nodiscard]] bool finish() const { return m_valid && m_pending == 0; }
    [[nodiscard]] bool valid() const { return m_valid; }

private:
    bool m_valid = true;
    int m_pending = 0;            ///< continuation bytes still expected
    unsigned char m_lower = 0x80; ///< allowed range of the next continuation byte
    unsigned char m_upper = 0xBF;
};

/// Reads `in` to its end and names its encoding: valid UTF-8 (with or without a byte-order mark)
/// is UTF-8, anything else is taken as GB18030. `in` is left at its end.
[[nodiscard]] TextEncoding detectEncoding(std::istream& in);

/// `bytes` as UTF-8: unchanged when it is UTF-8 (a byte-order mark removed), else converted
/// from GB18030. A byte that is neither becomes U+FFFD; `replaced`, when given, counts them.
[[nodiscard]] std::string decodeToUtf8(std::string_view bytes, int* replaced = nullptr);

/// `utf8` re-encoded as GB18030 (GBK bytes for every character GBK has): how a Chinese Windows
/// system names a file. Empty optional when `utf8` is not valid UTF-8.
[[nodiscard]] std::optional<std::string> utf8ToGb18030(std::string_view utf8);

/// A read-only stream buffer that converts another buffer's GB18030 bytes to UTF-8 as they are
/// read, a block at a time (glibc iconv). Bytes that are not GB18030 come out as U+FFFD and are
/// counted in replaced().
///
/// Thread-safety: like any stream buffer, one thread at a time; it does not own `source`.
class Gb18030ToUtf8Buf : public std::streambuf {
public:
    explicit Gb18030ToUtf8Buf(std::streambuf& source);
    ~Gb18030ToUtf8Buf() override;
    Gb18030ToUtf8Buf(const Gb18030ToUtf8Buf&) = delete;
    Gb18030ToUtf8Buf& operator=(const Gb18030ToUtf8Buf&) = delete;

    [[nodiscard]] int replaced() const { return m_replaced; }

protected:
    int_type underflow() override;

private:
    std::streambuf& m_source;
    void* m_iconv; ///< iconv_t
    std::vector<char> m_in;
    std::size_t m_inUsed = 0;
    bool m_sourceDone = false;
    std::vector<char> m_out;
    int m_replaced = 0;
};

} // namespace callqc::storage
