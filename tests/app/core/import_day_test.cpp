// Importing a day that loses nothing: GBK or UTF-8 metadata with Chinese headers, quoted fields,
// times with and without offsets, GBK file names on disk, SRT/VTT transcripts, an exact reason
// for every kind of bad row, the column map and time zone options, and cancelling.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include "app/core/import_day.hpp"
#include "storage/call_store.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;

/// `utf8` as GBK bytes, converted by glibc's iconv independently of the code under test.
std::string toGbk(const std::string& utf8) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string out(utf8.size() * 2 + 16, '\0');
    auto* in = const_cast<char*>(utf8.data());
    std::size_t inLeft = utf8.size();
    char* outPtr = out.data();
    std::size_t outLeft = out.size();
    EXPECT_NE(iconv(cd, &in, &inLeft, &outPtr, &outLeft), static_cast<std::size_t>(-1)) << utf8;
    iconv_close(cd);
    out.resize(out.size() - outLeft);
    return out;
}

/// A WAV of `seconds` with a tone of `hz` on each channel, so every file has its own hash.
void writeTone(const fs::path& path, int channels, double seconds, double hz) {
    auto pcm = tests::silence(channels, seconds);
    for (int c = 0; c < channels; ++c) {
        tests::addTone(pcm, c, 0.1, seconds - 0.1, hz + 50.0 * c, 0.4f);
    }
    tests::writeWav16(path, pcm);
}

void writeBytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

storage::RecordingRecord stored(storage::Database& db, const std::string& callId) {
    const auto found = storage::findRecording(db, callId);
    EXPECT_TRUE(found && *found) << callId;
    if (!found || !*found) {
        return {};
    }
    auto record = storage::recordingById(db, (*found)->id);
    EXPECT_TRUE(record);
    return record ? *record : storage::RecordingRecord{};
}

std::vector<storage::SegmentRecord> segmentsOf(storage::Database& db, const std::string& callId) {
    const auto found = storage::findRecording(db, callId);
    if (!found || !*found) {
        return {};
    }
    return storage::segmentsFor(db, (*found)->id).value_or(std::vector<storage::SegmentRecord>{});
}

int recordingCount(storage::Database& db) {
    auto count = db.prepare("SELECT count(*) FROM recordings");
    EXPECT_TRUE(count && *count->step());
    return static_cast<int>(count->getInt(0));
}

TEST(ImportDay, gbkMetadataWithChineseHeadersAndGbkFileNames) {
    const auto day = tests::freshDir("gbk_day");
    fs::create_directories(day / "audio");
    fs::create_directories(day / "transcripts");
    writeTone(day / "audio" / toGbk("好的 录音.wav"), 2, 3.0, 300); // named in GBK bytes on disk
    writeTone(day / "audio" / "王芳-2.wav", 1, 2.0, 500);           // named in UTF-8
    writeTone(day / "audio" / "三.wav", 1, 1.5, 700);
    writeBytes(day / "metadata.csv",
               toGbk("录音编号,录音文件,开始时间,通话时长,坐席工号,坐席姓名,班组,技能组,"
                     "呼叫方向,客户号码\r\n"
                     "G1,audio/好的 录音.wav,2026/11/25 9:13,00:00:03,000123,王芳,一组,"
                     "\"信用卡,分期\",呼入,13800000000\r\n"
                     "G2,audio/王芳-2.wav,2026-11-25T01:20:00Z,2,=\"000456\",李雷,二组,"
                     "\"投诉\n升级\",呼出,\r\n"
                     "G3,audio/三.wav,2026-11-25T09:30:00+08:00,1.5,000123,王芳,一组,服务,"
                     "呼入,1\r\n"));
    writeBytes(day / "transcripts" / "G1.srt",
               toGbk("1\r\n00:00:00,500 --> 00:00:01,500\r\n坐席：您好\r\n\r\n"
                     "2\r\n00:00:01,500 --> 00:00:02,750\r\n客户：你好\r\n"));
    writeBytes(day / "transcripts" / "G2.vtt",
               "WEBVTT\n\n00:00.250 --> 00:01.000\n<v Agent>再见</v>\n");
    writeBytes(day / "transcripts" / "G3.srt", "1\n00:00:00,000 --> 00:00:01,000\n没有说话人\n");

    auto db = storage::Database::open(":memory:");
    ASSERT_TRUE(db);
    ImportOptions options;
    options.jobs = 2;
    auto report = importDay(*db, day, options);
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->encoding, "GB18030");
    EXPECT_EQ(report->imported, 3);
    EXPECT_TRUE(report->rejected.empty()) << report->rejected[0].reason;
    ASSERT_EQ(report->warnings.size(), 1u) << report->warnings[0];
    EXPECT_EQ(report->warnings[0],
              "row 5 (G3): " + (day / "transcripts" / "G3.srt").string() +
                  ": cue 1 (line 1): no speaker prefix (坐席： 客户： Agent: Customer: A: C:); "
                  "call imported without transcript");
    EXPECT_FALSE(report->cancelled);

    const auto g1 = stored(*db, "G1");
    EXPECT_EQ(g1.startTime, "2026-11-25 09:13:00");
    EXPECT_EQ(g1.callDate, "2026-11-25");
    EXPECT_EQ(g1.agentNo, "000123");
    EXPECT_EQ(g1.agentName, "王芳");
    EXPECT_EQ(g1.team, "一组");
    EXPECT_EQ(g1.queue, "信用卡,分期");
    EXPECT_EQ(g1.direction, "呼入");
    EXPECT_EQ(g1.customerPhone, "13800000000");
    EXPECT_DOUBLE_EQ(g1.durationSec, 3.0);
    ASSERT_TRUE(g1.metaDurationSec);
    EXPECT_DOUBLE_EQ(*g1.metaDurationSec, 3.0);
    EXPECT_EQ(g1.channels, 2);
    EXPECT_EQ(g1.filePath, (day / "audio" / toGbk("好的 录音.wav")).string()); // the bytes on disk
    const auto g1Segments = segmentsOf(*db, "G1");
    ASSERT_EQ(g1Segments.size(), 2u);
    EXPECT_EQ(g1Segments[0].speaker, "agent");
    EXPECT_EQ(g1Segments[0].text, "您好");
    EXPECT_DOUBLE_EQ(g1Segments[1].startSec, 1.5);
    EXPECT_EQ(g1Segments[1].speaker, "customer");
    EXPECT_EQ(g1Segments[1].text, "你好");

    const auto g2 = stored(*db, "G2");
    EXPECT_EQ(g2.startTime, "2026-11-25 09:20:00"); // 01:20 UTC in Shanghai
    EXPECT_EQ(g2.agentNo, "000456");                // ="000456" keeps its zeros
    EXPECT_EQ(g2.queue, "投诉\n升级");
    EXPECT_EQ(g2.customerPhone, "");
    EXPECT_DOUBLE_EQ(g2.durationSec, 2.0);
    const auto g2Segments = segmentsOf(*db, "G2");
    ASSERT_EQ(g2Segments.size(), 1u);
    EXPECT_EQ(g2Segments[0].speaker, "agent");
    EXPECT_EQ(g2Segments[0].text, "再见");

    const auto g3 = stored(*db, "G3");
    EXPECT_EQ(g3.startTime, "2026-11-25 09:30:00");
    EXPECT_DOUBLE_EQ(*g3.metaDurationSec, 1.5);
    EXPECT_TRUE(segmentsOf(*db, "G3").empty());

    auto again = importDay(*db, day, options);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->imported, 0);
    EXPECT_EQ(again->unchanged, 3);
    EXPECT_TRUE(again->rejected.empty());
    EXPECT_TRUE(again->warnings.empty());
}

TEST(ImportDay, utf8WithBomNamesAGbkFileAndTheCsvCanBeGivenDirectly) {
    const auto day = tests::freshDir("utf8_day");
    fs::create_directories(day / "audio");
    writeTone(day / "audio" / toGbk("录音.wav"), 1, 1.0, 440);
    writeTone(day / "abs.wav", 1, 1.0, 880);
    writeBytes(day / "export 1125.csv", "\xEF\xBB\xBF"
                                        "Call_ID , File,Start_Time,Agent_ID\n"
                                        "U1,audio/录音.wav,2026-11-25 08:00:00,0042\n"
                                        "U2," +
                                            (day / "abs.wav").string() +
                                            ",2026-11-25 08:01:00,0042\n");
    auto db = storage::Database::open(":memory:");
    auto report = importDay(*db, day / "export 1125.csv");
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->encoding, "UTF-8");
    EXPECT_EQ(report->imported, 2);
    EXPECT_TRUE(report->rejected.empty()) << report->rejected[0].reason;
    EXPECT_EQ(stored(*db, "U1").agentNo, "0042");
    EXPECT_EQ(stored(*db, "U1").agentName, "0042");
    EXPECT_EQ(stored(*db, "U2").filePath, (day / "abs.wav").string());
}

TEST(ImportDay, everyKindOfBadRowGetsItsExactReasonAndNeverStopsTheDay) {
    const auto day = tests::freshDir("bad_rows");
    fs::create_directories(day / "audio");
    writeTone(day / "audio" / "ok.wav", 1, 1.0, 440);
    writeTone(day / "audio" / "ok2.wav", 1, 1.0, 660);
    writeBytes(day / "audio" / "notes.txt", "these are notes, not audio\n");
    writeBytes(day / "audio" / "empty.wav", "");
    const std::string huge(70 * 1024, 'x');
    const std::string rows1To11 = "call_id,file,start_time,agent_id,queue\n"
                                  "B1,audio/ok.wav,2026-11-25 10:00:00,7,q\n"
                                  "B2,audio/missing.wav,2026-11-25 10:01:00,7,q\n"
                                  "B3,audio/notes.txt,2026-11-25 10:02:00,7,q\n"
                                  "B4,audio/empty.wav,2026-11-25 10:03:00,7,q\n"
                                  "B1,audio/ok2.wav,2026-11-25 10:04:00,7,q\n"
                                  "B6,audio/ok2.wav,2026-11-25 10:05:00\n"
                                  "B7,audio/ok2.wav,2026-11-25 10:06:00,7,q,extra\n"
                                  "B8,audio/ok2.wav,2026-11-25 10:07:00,,q\n"
                                  "B9,audio/ok2.wav,25/11/2026 10:08,7,q\n"
                                  "B10,audio/ok2.wav,2026-02-30 10:09:00,7,q\n";
    const std::string row12 = "B11,audio/ok2.wav,2026-11-25 10:10:00,7," + huge + "\n";
    const std::string rows13To17 = "B12,../../etc/passwd,2026-11-25 10:11:00,7,q\n"
                                   "B13,audio/ok2.wav,2026-11-25 10:12:00,7,q,\n"
                                   ",audio/ok2.wav,2026-11-25 10:13:00,7,q\n"
                                   "B15,\"audio/ok.wav,2026-11-25 10:14:00,7,q\n"
                                   "B16,audio/ok.wav,2026-11-25 10:15:00,7,q\n";
    writeBytes(day / "metadata.csv", rows1To11 + row12 + rows13To17);
    auto db = storage::Database::open(":memory:");
    auto report = importDay(*db, day, {});
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->imported, 2); // B1 and B13
    const std::vector<RejectedRow> expected = {
        {3, "B2", "audio/missing.wav",
         "audio file not found: " + (day / "audio/missing.wav").string()},
        {4, "B3", "audio/notes.txt", "not an audio file: audio/notes.txt"},
        {5, "B4", "audio/empty.wav", "audio file is empty: audio/empty.wav"},
        {6, "B1", "audio/ok2.wav", "duplicate call_id in this file"},
        {7, "B6", "audio/ok2.wav", "has 3 columns, header has 5"},
        {8, "B7", "audio/ok2.wav", "has 6 columns, header has 5"},
        {9, "B8", "audio/ok2.wav", "\"agent_id\" is empty"},
        {10, "B9", "audio/ok2.wav",
         "start_time \"25/11/2026 10:08\" is not a date and time like 2026-11-25 09:13:05 or "
         "2026-11-25T09:13:05+08:00"},
        {11, "B10", "audio/ok2.wav", "start_time \"2026-02-30 10:09:00\" has no day 30 in month 2"},
        {12, "B11", "audio/ok2.wav", "row is longer than 65536 bytes; not read"},
        {13, "B12", "../../etc/passwd",
         "file \"../../etc/passwd\" is outside the recording folders; not read"},
        {15, "", "audio/ok2.wav", "\"call_id\" is empty"},
        {16, "B15", "", "a quoted field on this row is never closed; lines 16–17 were not read"},
    };
    ASSERT_EQ(report->rejected.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(expected[i].callId);
        EXPECT_EQ(report->rejected[i].row, expected[i].row);
        EXPECT_EQ(report->rejected[i].callId, expected[i].callId);
        EXPECT_EQ(report->rejected[i].file, expected[i].file);
        EXPECT_EQ(report->rejected[i].reason, expected[i].reason);
    }
    EXPECT_TRUE(report->warnings.empty()) << report->warnings[0];
    EXPECT_EQ(recordingCount(*db), 2);
    EXPECT_EQ(stored(*db, "B13").startTime, "2026-11-25 10:12:00");
}

TEST(ImportDay, undecodableAudioIsRejectedWithTheDecodersReason) {
    const auto day = tests::freshDir("corrupt_day");
    // A WAV whose header claims 99 channels.
    tests::writeWav16(day / "broken.wav", tests::silence(1, 0.5));
    {
        std::fstream patch(day / "broken.wav", std::ios::binary | std::ios::in | std::ios::out);
        patch.seekp(22);
        patch.put(99);
    }
    writeBytes(day / "metadata.csv", "call_id,file,start_time,agent_id\n"
                                     "C1,broken.wav,2026-11-25 10:00:00,7\n");
    auto db = storage::Database::open(":memory:");
    auto report = importDay(*db, day, {});
    ASSERT_TRUE(report) << report.error().detail;
    ASSERT_EQ(report->rejected.size(), 1u);
    EXPECT_EQ(report->rejected[0].reason.rfind(
                  "audio cannot be decoded: " + (day / "broken.wav").string() + ": ", 0),
              0u)
        << report->rejected[0].reason;
}

TEST(ImportDay, columnMapAndTimeZoneOptions) {
    const auto day = tests::freshDir("options_day");
    writeTone(day / "a.wav", 1, 1.0, 440);
    writeBytes(day / "metadata.csv", "编号,录音,时间,员工编号\n"
                                     "Z1,a.wav,2026-11-25T01:13:05Z,00077\n");
    writeBytes(day / "mine.toml", "[columns]\ncall_id = [\"编号\"]\nfile = [\"录音\"]\n"
                                  "start_time = [\"时间\"]\nagent_id = [\"员工编号\"]\n");
    auto db = storage::Database::open(":memory:");
    auto defaults = importDay(*db, day, {});
    ASSERT_FALSE(defaults);
    EXPECT_EQ(defaults.error().detail,
              (day / "metadata.csv").string() +
                  ": header has no \"call_id\" column (looked for: call_id, 录音编号, 通话ID, "
                  "通话编号, 录音ID, call id, callid)");

    ImportOptions options;
    options.columnsFile = day / "mine.toml";
    options.timeZone = "+00:00";
    auto report = importDay(*db, day, options);
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->imported, 1);
    EXPECT_EQ(stored(*db, "Z1").startTime, "2026-11-25 01:13:05");
    EXPECT_EQ(stored(*db, "Z1").agentNo, "00077");

    options.timeZone = "Mars/Olympus";
    auto badZone = importDay(*db, day, options);
    ASSERT_FALSE(badZone);
    EXPECT_EQ(badZone.error().detail,
              "unknown time zone \"Mars/Olympus\" (no /usr/share/zoneinfo/Mars/Olympus)");
    options.timeZone = "Asia/Shanghai";
    options.columnsFile = day / "missing.toml";
    auto badColumns = importDay(*db, day, options);
    ASSERT_FALSE(badColumns);
    EXPECT_EQ(badColumns.error().detail, (day / "missing.toml").string() + ": cannot open");
}

TEST(ImportDay, cancelStopsBetweenBatchesWithWhatWasWrittenCommitted) {
    const auto day = tests::freshDir("cancel_day");
    std::string csv = "call_id,file,start_time,agent_id\n";
    constexpr int kCalls = 16;
    for (int i = 0; i < kCalls; ++i) {
        writeTone(day / fmt::format("{}.wav", i), 2, 30.0, 200.0 + 10 * i);
        csv += fmt::format("K{:02},{}.wav,2026-11-25 10:{:02}:00,7\n", i, i, i);
    }
    writeBytes(day / "metadata.csv", csv);
    auto db = storage::Database::open(tests::freshDir("cancel_db") / "qc.db");
    ASSERT_TRUE(db);

    Progress before;
    before.cancel = true;
    auto none = importDay(*db, day, {}, &before);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->cancelled);
    EXPECT_EQ(none->imported, 0);
    EXPECT_EQ(none->warnings,
              std::vector<std::string>{"import cancelled: 16 of 16 calls were not processed; "
                                       "import the day again to finish"});
    EXPECT_EQ(recordingCount(*db), 0);

    ImportOptions options;
    options.jobs = 1;
    options.rowsPerTransaction = 2;
    Progress progress;
    std::jthread canceller([&](std::stop_token stop) {
        while (!stop.stop_requested() && progress.done.load() < 1) {
            std::this_thread::yield();
        }
        progress.cancel = true;
    });
    auto partial = importDay(*db, day, options, &progress);
    canceller.request_stop();
    ASSERT_TRUE(partial) << partial.error().detail;
    EXPECT_TRUE(partial->cancelled);
    EXPECT_LT(partial->imported, kCalls);
    EXPECT_EQ(recordingCount(*db), partial->imported); // every row processed was committed
    EXPECT_EQ(partial->warnings.back(),
              fmt::format("import cancelled: {} of 16 calls were not processed; import the day "
                          "again to finish",
                          kCalls - partial->imported));

    auto rest = importDay(*db, day, options);
    ASSERT_TRUE(rest);
    EXPECT_FALSE(rest->cancelled);
    EXPECT_EQ(rest->unchanged, partial->imported);
    EXPECT_EQ(rest->imported, kCalls - partial->imported);
    EXPECT_EQ(recordingCount(*db), kCalls);
}

} // namespace
} // namespace callqc::core
