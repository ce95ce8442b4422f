// Encoding detection and conversion for metadata exports: UTF-8 (with or without BOM) and
// GBK/GB18030, a block at a time.

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "storage/text_encoding.hpp"

namespace callqc::storage {
namespace {

// "录音编号,坐席工号\n王芳,€,𠀀" in GB18030 (GBK for all but the last, a four-byte character).
const std::string kGb = "\xC2\xBC\xD2\xF4\xB1\xE0\xBA\xC5,\xD7\xF8\xCF\xAF\xB9\xA4\xBA\xC5\n"
                        "\xCD\xF5\xB7\xBC,\xA2\xE3,\x95\x32\x82\x36";
const std::string kUtf8 = "录音编号,坐席工号\n王芳,€,𠀀";

std::string readAll(std::streambuf& buffer) {
    std::ostringstream out;
    out << &buffer;
    return out.str();
}

TEST(TextEncoding, validUtf8IsRecognisedAndMalformedIsNot) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("plain ascii"));
    EXPECT_TRUE(isValidUtf8(kUtf8));
    EXPECT_FALSE(isValidUtf8(kGb));
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));     // a surrogate
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xE5\xBD"));         // cut short
}

TEST(TextEncoding, validatorAcceptsSequencesSplitBetweenChunks) {
    Utf8Validator validator;
    const std::string text = "录"; // E5 BD 95
    validator.feed(text.substr(0, 1));
    validator.feed(text.substr(1, 1));
    EXPECT_FALSE(validator.finish());
    validator.feed(text.substr(2));
    EXPECT_TRUE(validator.finish());
}

TEST(TextEncoding, detectsUtf8WithOrWithoutBomElseGb18030) {
    std::istringstream utf8(kUtf8);
    EXPECT_EQ(detectEncoding(utf8), TextEncoding::Utf8);
    std::istringstream bom("\xEF\xBB\xBF" + kUtf8);
    EXPECT_EQ(detectEncoding(bom), TextEncoding::Utf8);
    std::istringstream gb(kGb);
    EXPECT_EQ(detectEncoding(gb), TextEncoding::Gb18030);
}

TEST(TextEncoding, decodesGb18030AndDropsTheUtf8Bom) {
    EXPECT_EQ(decodeToUtf8(kGb), kUtf8);
    EXPECT_EQ(decodeToUtf8("\xEF\xBB\xBF" + kUtf8), kUtf8);
    int replaced = -1;
    EXPECT_EQ(decodeToUtf8("ok\xFF", &replaced), "ok\xEF\xBF\xBD");
    EXPECT_EQ(replaced, 1);
}

TEST(TextEncoding, encodesFileNamesAsGbkBytes) {
    EXPECT_EQ(utf8ToGb18030("好的 录音.wav"),
              std::string("\xBA\xC3\xB5\xC4\x20\xC2\xBC\xD2\xF4\x2E\x77\x61\x76"));
    EXPECT_EQ(utf8ToGb18030("a.wav"), std::string("a.wav"));
    EXPECT_FALSE(utf8ToGb18030("\xFF"));
}

TEST(TextEncoding, streamBufferDecodesAcrossBlockBoundaries) {
    // 100 000 two-byte characters: several 64 KiB blocks, some cut in the middle of a character.
    std::string gb;
    std::string expected;
    for (int i = 0; i < 100000; ++i) {
        gb += "\xCD\xF5"; // 王
        expected += "王";
        if (i % 1000 == 999) {
            gb += "\n";
            expected += "\n";
        }
    }
    std::istringstream source(gb);
    Gb18030ToUtf8Buf buffer(*source.rdbuf());
    EXPECT_EQ(readAll(buffer), expected);
    EXPECT_EQ(buffer.replaced(), 0);
}

TEST(TextEncoding, streamBufferReplacesBytesThatAreNotGb18030) {
    std::istringstream source("\xCD\xF5\xFF\xCD\xF5\x81");
    Gb18030ToUtf8Buf buffer(*source.rdbuf());
    EXPECT_EQ(readAll(buffer), "王\xEF\xBF\xBD王\xEF\xBF\xBD");
    EXPECT_EQ(buffer.replaced(), 2);
}

TEST(TextEncoding, displayColumnsCountChineseAsTwo) {
    EXPECT_EQ(displayColumns(""), 0u);
    EXPECT_EQ(displayColumns("008012 王芳"), 11u);
    EXPECT_EQ(displayColumns("138****1234"), 11u);
    EXPECT_EQ(displayColumns("客服一组·é"), 10u); // · and é are 2-byte: one each
}

} // namespace
} // namespace callqc::storage
