#include "storage/call_store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/search_store.hpp"

namespace callqc::storage {
namespace {

constexpr std::string_view kRecordingColumns =
    "r.id, r.call_id, a.employee_no, a.name, COALESCE(t.name, ''), r.start_time, r.call_date, "
    "r.duration_sec, r.meta_duration_sec, r.direction, r.queue, r.customer_phone, r.file_path, "
    "r.file_size, r.sha256, r.codec, r.container, r.sample_rate, r.channels "
    "FROM recordings r JOIN agents a ON a.id = r.agent_id LEFT JOIN teams t ON t.id = a.team_id ";

RecordingRecord readRecording(const Statement& s) {
    RecordingRecord r;
    r.id = s.getInt(0);
    r.callId = s.getText(1);
    r.agentNo = s.getText(2);
    r.agentName = s.getText(3);
    r.team = s.getText(4);
    r.startTime = s.getText(5);
    r.callDate = s.getText(6);
    r.durationSec = s.getDouble(7);
    if (!s.isNull(8)) {
        r.metaDurationSec = s.getDouble(8);
    }
    r.direction = s.getText(9);
    r.queue = s.getText(10);
    r.customerPhone = s.getText(11);
    r.filePath = s.getText(12);
    r.fileSize = s.getInt(13);
    r.sha256 = s.getText(14);
    r.codec = s.getText(15);
    r.container = s.getText(16);
    r.sampleRateHz = static_cast<int>(s.getInt(17));
    r.channels = static_cast<int>(s.getInt(18));
    return r;
}

} // namespace

std::string spansToJson(const std::vector<Span>& spans) {
    std::string out = "[";
    for (std::size_t i = 0; i < spans.size(); ++i) {
        out += fmt::format("{}[{:.3f},{:.3f}]", i ? "," : "", spans[i].first, spans[i].second);
    }
    out += "]";
    return out;
}

std::vector<Span> spansFromJson(const std::string& json) {
    std::vector<Span> spans;
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (!parsed.is_array()) {
        return spans;
    }
    for (const auto& pair : parsed) {
        if (pair.is_array() && pair.size() == 2 && pair[0].is_number() && pair[1].is_number()) {
            spans.emplace_back(pair[0].get<double>(), pair[1].get<double>());
        }
    }
    return spans;
}

Result<std::int64_t> upsertAgent(Database& db, const std::string& employeeNo,
                                 const std::string& name, const std::string& team) {
    std::optional<std::int64_t> teamId;
    if (!team.empty()) {
        auto insertTeam = db.prepare("INSERT INTO teams(name) VALUES (?) ON CONFLICT(name) DO "
                                     "UPDATE SET name = excluded.name RETURNING id");
        if (!insertTeam) {
            return tl::unexpected(insertTeam.error());
        }
        insertTeam->bindAll(team);
        auto row = insertTeam->step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        teamId = insertTeam->getInt(0);
    }
    auto stmt = db.prepare("INSERT INTO agents(employee_no, name, team_id) VALUES (?, ?, ?) "
                           "ON CONFLICT(employee_no) DO UPDATE SET name = excluded.name, "
                           "team_id = COALESCE(excluded.team_id, agents.team_id) RETURNING id");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(employeeNo, name, teamId);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return stmt->getInt(0);
}

Result<std::optional<StoredFingerprint>> findRecording(Database& db, const std::string& callId) {
    auto stmt = db.prepare("SELECT id, sha256, file_size FROM recordings WHERE call_id = ?");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(callId);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return std::optional<StoredFingerprint>{};
    }
    return StoredFingerprint{stmt->getInt(0), stmt->getText(1), stmt->getInt(2)};
}

Result<std::int64_t> insertRecording(Database& db, std::int64_t agentId, const RecordingRecord& r,
                                     const ProfileRecord& p,
                                     const std::vector<SegmentRecord>& segments) {
    auto stmt = db.prepare(
        "INSERT INTO recordings(call_id, agent_id, start_time, call_date, duration_sec, "
        "meta_duration_sec, direction, queue, customer_phone, file_path, file_size, sha256, "
        "codec, container, sample_rate, channels, phone_digits, phone_last4, dead_air_count, "
        "overtalk_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    const std::string digits = phoneDigits(r.customerPhone);
    const std::string last4 = digits.size() >= 4 ? digits.substr(digits.size() - 4) : "";
    stmt->bindAll(r.callId, agentId, r.startTime, r.callDate, r.durationSec, r.metaDurationSec,
                  r.direction, r.queue, r.customerPhone, r.filePath, r.fileSize, r.sha256, r.codec,
                  r.container, r.sampleRateHz, r.channels, digits, last4,
                  static_cast<std::int64_t>(p.deadAir.size()),
                  static_cast<std::int64_t>(p.overtalk.size()));
    if (auto ok = stmt->run(); !ok) {
        return tl::unexpected(ok.error());
    }
    const std::int64_t id = db.lastInsertId();

    auto profile = db.prepare(
        "INSERT INTO audio_profiles(recording_id, stereo, agent_speech_sec, customer_speech_sec, "
        "talk_ratio, longest_silence_sec, agent_speech, customer_speech, dead_air, overtalk, "
        "peaks, seek_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!profile) {
        return tl::unexpected(profile.error());
    }
    profile->bindAll(id, p.stereo ? 1 : 0, p.agentSpeechSec, p.customerSpeechSec, p.talkRatio,
                     p.longestSilenceSec, spansToJson(p.agentSpeech), spansToJson(p.customerSpeech),
                     spansToJson(p.deadAir), spansToJson(p.overtalk), p.peaks, p.seekIndex);
    if (auto ok = profile->run(); !ok) {
        return tl::unexpected(ok.error());
    }

    auto seg = db.prepare("INSERT INTO transcript_segments(recording_id, seq, speaker, start_sec, "
                          "end_sec, text) VALUES (?, ?, ?, ?, ?, ?)");
    if (!seg) {
        return tl::unexpected(seg.error());
    }
    int seq = 0;
    for (const auto& s : segments) {
        seg->bindAll(id, seq++, s.speaker, s.startSec, s.endSec, s.text);
        if (auto ok = seg->run(); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    if (auto indexed = indexTranscript(db, id, segments); !indexed) {
        return tl::unexpected(indexed.error());
    }
    return id;
}

Result<std::vector<RecordingRecord>> recordingsOn(Database& db, const std::string& callDate) {
    auto stmt = db.prepare(
        fmt::format("SELECT {} WHERE r.call_date = ? ORDER BY r.call_id", kRecordingColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(callDate);
    return collect<RecordingRecord>(*stmt, readRecording);
}

Result<RecordingRecord> recordingById(Database& db, std::int64_t id) {
    auto stmt = db.prepare(fmt::format("SELECT {} WHERE r.id = ?", kRecordingColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(id);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(
            StorageError{StorageError::Kind::NotFound, fmt::format("no recording with id {}", id)});
    }
    return readRecording(*stmt);
}

Result<ProfileRecord> profileFor(Database& db, std::int64_t recordingId) {
    auto stmt = db.prepare(
        "SELECT stereo, agent_speech_sec, customer_speech_sec, talk_ratio, longest_silence_sec, "
        "agent_speech, customer_speech, dead_air, overtalk, peaks, seek_index FROM audio_profiles "
        "WHERE recording_id = ?");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(recordingId);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(
            StorageError{StorageError::Kind::NotFound,
                         fmt::format("recording {} has no audio profile", recordingId)});
    }
    ProfileRecord p;
    p.stereo = stmt->getInt(0) != 0;
    p.agentSpeechSec = stmt->getDouble(1);
    p.customerSpeechSec = stmt->getDouble(2);
    p.talkRatio = stmt->getDouble(3);
    p.longestSilenceSec = stmt->getDouble(4);
    p.agentSpeech = spansFromJson(stmt->getText(5));
    p.customerSpeech = spansFromJson(stmt->getText(6));
    p.deadAir = spansFromJson(stmt->getText(7));
    p.overtalk = spansFromJson(stmt->getText(8));
    p.peaks = stmt->getBlob(9);
    p.seekIndex = stmt->getBlob(10);
    return p;
}

Result<std::vector<SegmentRecord>> segmentsFor(Database& db, std::int64_t recordingId) {
    auto stmt = db.prepare("SELECT speaker, start_sec, end_sec, text FROM transcript_segments "
                           "WHERE recording_id = ? ORDER BY seq");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(recordingId);
    return collect<SegmentRecord>(*stmt, [](const Statement& s) {
        return SegmentRecord{s.getText(0), s.getDouble(1), s.getDouble(2), s.getText(3)};
    });
}

} // namespace callqc::storage
