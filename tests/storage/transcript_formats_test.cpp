// Transcripts as SubRip and WebVTT subtitles with speaker prefixes, and loading any of the three
// formats from a file in UTF-8 or GBK.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/transcript.hpp"

namespace callqc::storage {
namespace {

std::filesystem::path freshDir(const std::string& name) {
    const auto dir =
        std::filesystem::path(CALLQC_TEST_TMP) / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

void expectSegment(const SegmentRecord& s, const char* speaker, double start, double end,
                   const char* text) {
    EXPECT_EQ(s.speaker, speaker);
    EXPECT_DOUBLE_EQ(s.startSec, start);
    EXPECT_DOUBLE_EQ(s.endSec, end);
    EXPECT_EQ(s.text, text);
}

TEST(TranscriptSrt, cuesWithEverySpeakerPrefix) {
    const auto segments = parseTranscriptSrt("\xEF\xBB\xBF"
                                             "1\r\n"
                                             "00:00:01,000 --> 00:00:03,500\r\n"
                                             "坐席：您好，很高兴为您服务\r\n"
                                             "\r\n"
                                             "2\n"
                                             "00:00:04,250 --> 00:00:06,000\n"
                                             "客户: 我想查一下账单\n"
                                             "\n"
                                             "3\n"
                                             "00:00:06,500 --> 00:00:08,000\n"
                                             "<i>Agent:</i> Sure,\n"
                                             "one moment\n"
                                             "\n"
                                             "4\n"
                                             "00:00:08,000 --> 00:00:09,000\n"
                                             "customer：OK\n"
                                             "\n"
                                             "5\n"
                                             "01:00:00,000 --> 01:00:01,000\n"
                                             "A: bye\n"
                                             "\n\n\n"
                                             "6\n"
                                             "01:00:01,000 --> 01:00:02,000\n"
                                             "C：再见\n",
                                             "c.srt");
    ASSERT_TRUE(segments) << segments.error();
    ASSERT_EQ(segments->size(), 6u);
    expectSegment((*segments)[0], "agent", 1.0, 3.5, "您好，很高兴为您服务");
    expectSegment((*segments)[1], "customer", 4.25, 6.0, "我想查一下账单");
    expectSegment((*segments)[2], "agent", 6.5, 8.0, "Sure, one moment");
    expectSegment((*segments)[3], "customer", 8.0, 9.0, "OK");
    expectSegment((*segments)[4], "agent", 3600.0, 3601.0, "bye");
    expectSegment((*segments)[5], "customer", 3601.0, 3602.0, "再见");
}

TEST(TranscriptSrt, errorsNameTheFileCueAndLine) {
    EXPECT_EQ(parseTranscriptSrt("1\n00:00:01,000 --> 00:00:02,000\n您好\n", "x.srt").error(),
              "x.srt: cue 1 (line 1): no speaker prefix (坐席： 客户： Agent: Customer: A: C:)");
    EXPECT_EQ(parseTranscriptSrt("1\n00:00:01,000 --> 00:00:02,000\nA: a\n\n2\n00:61:00,000 --> "
                                 "00:62:00,000\nA: b\n",
                                 "y.srt")
                  .error(),
              "y.srt: cue 2 (line 5): cannot read the timing \"00:61:00,000 --> 00:62:00,000\"");
    EXPECT_EQ(parseTranscriptSrt("1\n00:00:05,000 --> 00:00:04,000\nA: a\n", "z.srt").error(),
              "z.srt: cue 1 (line 1): end 4.000 before start 5.000");
    EXPECT_EQ(parseTranscriptSrt("1\nA: no timing\n", "w.srt").error(),
              "w.srt: cue 1 (line 1): no \"start --> end\" timing line");
}

TEST(TranscriptVtt, voiceSpansPrefixesNotesAndSettings) {
    const auto segments = parseTranscriptVtt("WEBVTT - a call\n"
                                             "\n"
                                             "NOTE exported by the platform\n"
                                             "\n"
                                             "c1\n"
                                             "00:01.000 --> 00:03.500 align:start\n"
                                             "<v 坐席>您好 &amp; 欢迎</v>\n"
                                             "\n"
                                             "00:00:04.000 --> 00:00:05.000\n"
                                             "<v.loud Customer>Hi</v>\n"
                                             "\n"
                                             "00:05.500 --> 00:06.000\n"
                                             "客户：<b>好的</b>\n",
                                             "c.vtt");
    ASSERT_TRUE(segments) << segments.error();
    ASSERT_EQ(segments->size(), 3u);
    expectSegment((*segments)[0], "agent", 1.0, 3.5, "您好 & 欢迎");
    expectSegment((*segments)[1], "customer", 4.0, 5.0, "Hi");
    expectSegment((*segments)[2], "customer", 5.5, 6.0, "好的");
}

TEST(TranscriptVtt, errorsNameTheFileCueAndLine) {
    EXPECT_EQ(parseTranscriptVtt("00:01.000 --> 00:02.000\nA: x\n", "a.vtt").error(),
              "a.vtt: does not start with WEBVTT");
    EXPECT_EQ(parseTranscriptVtt("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Bob>x\n", "b.vtt").error(),
              "b.vtt: cue 1 (line 3): unknown speaker \"Bob\"");
}

TEST(Transcript, loadsEachFormatByExtensionInUtf8OrGbk) {
    const auto dir = freshDir("transcript_files");
    std::ofstream(dir / "a.json", std::ios::binary)
        << R"({"segments":[{"speaker":"agent","start":0.5,"end":1,"text":"您好"}]})";
    // "1\n00:00:01,000 --> 00:00:02,000\n客户：您好\n" in GBK.
    std::ofstream(dir / "b.srt", std::ios::binary)
        << "1\n00:00:01,000 --> 00:00:02,000\n\xBF\xCD\xBB\xA7\xA3\xBA\xC4\xFA\xBA\xC3\n";
    std::ofstream(dir / "c.vtt", std::ios::binary)
        << "WEBVTT\n\n00:02.000 --> 00:03.000\n坐席：再见\n";
    const auto a = loadTranscript(dir / "a.json");
    ASSERT_TRUE(a) << a.error();
    expectSegment(a->at(0), "agent", 0.5, 1.0, "您好");
    const auto b = loadTranscript(dir / "b.srt");
    ASSERT_TRUE(b) << b.error();
    expectSegment(b->at(0), "customer", 1.0, 2.0, "您好");
    const auto c = loadTranscript(dir / "c.vtt");
    ASSERT_TRUE(c) << c.error();
    expectSegment(c->at(0), "agent", 2.0, 3.0, "再见");
}

TEST(Transcript, aHugeFileIsRefusedUnread) {
    const auto dir = freshDir("transcript_huge");
    const auto path = dir / "big.srt";
    {
        std::ofstream out(path, std::ios::binary);
        out.seekp(static_cast<std::streamoff>(kMaxTranscriptBytes));
        out.put('x'); // a sparse file one byte over the limit
    }
    EXPECT_EQ(loadTranscript(path).error(),
              path.string() + ": 16777217 bytes, larger than the 16 MiB a transcript may have; "
                              "not read");
}

} // namespace
} // namespace callqc::storage
