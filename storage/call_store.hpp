#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

using Span = std::pair<double, double>; ///< [start, end] in seconds

struct RecordingRecord {
    std::int64_t id = 0;
    std::string callId;
    std::string agentNo;
    std::string agentName;
    std::string team;
    std::string startTime; ///< local 'YYYY-MM-DD HH:MM:SS'
    std::string callDate;  ///< 'YYYY-MM-DD'
    double durationSec = 0;
    std::optional<double> metaDurationSec;
    std::string direction;
    std::string queue;
    std::string customerPhone;
    std::string filePath;
    std::int64_t fileSize = 0;
    std::string sha256;
    std::string codec;
    std::string container;
    int sampleRateHz = 0;
    int channels = 0;
};

struct ProfileRecord {
    bool stereo = false;
    double agentSpeechSec = 0;
    double customerSpeechSec = 0;
    double talkRatio = 0;
    double longestSilenceSec = 0;
    std::vector<Span> agentSpeech;
    std::vector<Span> customerSpeech;
    std::vector<Span> deadAir;
    std::vector<Span> overtalk;
    std::vector<std::uint8_t> peaks;     ///< audio::serializePeaks bytes
    std::vector<std::uint8_t> seekIndex; ///< audio::serializeSeekIndex bytes; empty before v4
};

struct SegmentRecord {
    std::string speaker; ///< "agent" | "customer"
    double startSec = 0;
    double endSec = 0;
    std::string text;
};

struct StoredFingerprint {
    std::int64_t id = 0;
    std::string sha256;
    std::int64_t fileSize = 0;
};

/// Creates the team and agent if new, updates name and team if changed; returns the agent's id.
[[nodiscard]] Result<std::int64_t> upsertAgent(Database& db, const std::string& employeeNo,
                                               const std::string& name, const std::string& team);

[[nodiscard]] Result<std::optional<StoredFingerprint>> findRecording(Database& db,
                                                                     const std::string& callId);

/// Inserts a recording with its profile and transcript; `agentId` from upsertAgent. The caller
/// wraps a batch of these in one transaction.
[[nodiscard]] Result<std::int64_t> insertRecording(Database& db, std::int64_t agentId,
                                                   const RecordingRecord& recording,
                                                   const ProfileRecord& profile,
                                                   const std::vector<SegmentRecord>& segments);

[[nodiscard]] Result<std::vector<RecordingRecord>> recordingsOn(Database& db,
                                                                const std::string& callDate);
[[nodiscard]] Result<RecordingRecord> recordingById(Database& db, std::int64_t id);
[[nodiscard]] Result<ProfileRecord> profileFor(Database& db, std::int64_t recordingId);
[[nodiscard]] Result<std::vector<SegmentRecord>> segmentsFor(Database& db,
                                                             std::int64_t recordingId);

/// Spans as compact JSON text, "[[1.25,3.5],[7,8]]", and back.
[[nodiscard]] std::string spansToJson(const std::vector<Span>& spans);
[[nodiscard]] std::vector<Span> spansFromJson(const std::string& json);

} // namespace callqc::storage
