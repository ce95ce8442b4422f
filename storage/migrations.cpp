#include "storage/migrations.hpp"

namespace callqc::storage {

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> steps = {
        // 1: the walking skeleton's data model.
        R"sql(
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    employee_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    team_id INTEGER REFERENCES teams(id)
);
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL UNIQUE,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    start_time TEXT NOT NULL,          -- local time, 'YYYY-MM-DD HH:MM:SS'
    call_date TEXT NOT NULL,           -- 'YYYY-MM-DD' of start_time
    duration_sec REAL NOT NULL,        -- decoded length
    meta_duration_sec REAL,            -- what the metadata export claimed
    direction TEXT NOT NULL DEFAULT '',
    queue TEXT NOT NULL DEFAULT '',
    customer_phone TEXT NOT NULL DEFAULT '',
    file_path TEXT NOT NULL,           -- absolute
    file_size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    codec TEXT NOT NULL,
    container TEXT NOT NULL,
    sample_rate INTEGER NOT NULL,
    channels INTEGER NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX recordings_by_date ON recordings(call_date, agent_id);
CREATE INDEX recordings_by_agent ON recordings(agent_id, start_time);
CREATE TABLE audio_profiles (
    recording_id INTEGER PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
    stereo INTEGER NOT NULL,
    agent_speech_sec REAL NOT NULL,
    customer_speech_sec REAL NOT NULL,
    talk_ratio REAL NOT NULL,
    longest_silence_sec REAL NOT NULL,
    agent_speech TEXT NOT NULL,        -- JSON [[start, end], ...] in seconds
    customer_speech TEXT NOT NULL,
    dead_air TEXT NOT NULL,
    overtalk TEXT NOT NULL,
    peaks BLOB NOT NULL
);
CREATE TABLE transcript_segments (
    id INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    speaker TEXT NOT NULL,
    start_sec REAL NOT NULL,
    end_sec REAL NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (recording_id, seq)
);
CREATE TABLE checklists (
    id INTEGER PRIMARY KEY,
    checklist_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,              -- the TOML it was loaded from, frozen
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (checklist_key, version),
    UNIQUE (fingerprint)
);
CREATE TABLE sample_batches (
    id INTEGER PRIMARY KEY,
    call_date TEXT NOT NULL,
    per_agent INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE queue_items (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES sample_batches(id) ON DELETE CASCADE,
    recording_id INTEGER NOT NULL REFERENCES recordings(id),
    inspector TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (batch_id, recording_id)
);
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings(id),
    checklist_id INTEGER NOT NULL REFERENCES checklists(id),
    inspector TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    score REAL,                        -- NULL when nothing was applicable
    working TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    submitted_at TEXT,
    UNIQUE (recording_id, inspector)
);
CREATE TABLE evaluation_answers (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,               -- 'pass' | 'fail' | 'na' | 'points' | 'deduction'
    points REAL NOT NULL DEFAULT 0,
    occurrences INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (evaluation_id, item_id)
);
)sql",
        // 2: what the tool suggested for each answer, so an evaluation shows whether the inspector
        // confirmed or overrode it.
        R"sql(
ALTER TABLE evaluation_answers ADD COLUMN suggested TEXT NOT NULL DEFAULT '';
ALTER TABLE evaluation_answers ADD COLUMN suggestion_reason TEXT NOT NULL DEFAULT '';
)sql",
        // 3: what the sampling plan weighs: focus agents, new hires, complaints; a batch is split
        // among several inspectors, so it records who drew it.
        R"sql(
ALTER TABLE agents ADD COLUMN focus INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN hire_date TEXT NOT NULL DEFAULT '';  -- 'YYYY-MM-DD' or ''
ALTER TABLE recordings ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sample_batches RENAME COLUMN inspector TO created_by;
ALTER TABLE queue_items ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
)sql",
        // 4: restart points found while decoding at import, so playback seeks land on the exact
        // sample in formats whose headers lie (MP3, AMR with silence suppression).
        R"sql(
ALTER TABLE audio_profiles ADD COLUMN seek_index BLOB NOT NULL DEFAULT x'';
)sql",
    };
    return steps;
}

} // namespace callqc::storage
