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
        // 5: search (storage/search_store.hpp). Every criterion gets an index:
        // - sort_key orders calls as (start_time DESC, id DESC) in one integer: seconds since
        //   2000-01-01 of start_time times 4096, plus the call's place among the calls that
        //   started in that second (in id order). It is the rowid of both full-text tables, so a
        //   text search walks calls newest first and stops when the page is full. The trigger
        //   gives it to every new row; a bad start_time counts as 2000-01-01 00:00:00.
        // - phone_digits is customer_phone without separators, phone_last4 its last 4 digits
        //   (insertRecording keeps exactly the digits; this backfill drops the usual separators).
        // - dead_air_count and overtalk_count copy the profile's interval counts.
        // - transcript_fts: a call's segments joined by '\n', trigram-indexed, for text of 3 or
        //   more characters. transcript_grams: every 1- and 2-character substring of that text,
        //   for shorter text (trigram cannot match it). Both contentless: the text stays in
        //   transcript_segments.
        R"sql(
ALTER TABLE recordings ADD COLUMN sort_key INTEGER;
ALTER TABLE recordings ADD COLUMN phone_digits TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN phone_last4 TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN dead_air_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN overtalk_count INTEGER NOT NULL DEFAULT 0;

UPDATE recordings SET sort_key = k.sec * 4096 + k.n
FROM (SELECT id, sec, row_number() OVER (PARTITION BY sec ORDER BY id) - 1 AS n
      FROM (SELECT id, COALESCE(CAST(strftime('%s', start_time) AS INTEGER), 946684800)
                       - 946684800 AS sec
            FROM recordings)) AS k
WHERE k.id = recordings.id;

UPDATE recordings SET phone_digits =
    replace(replace(replace(replace(replace(replace(replace(replace(customer_phone,
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', ''), '/', ''), char(9), '');
UPDATE recordings SET phone_last4 = substr(phone_digits, -4) WHERE length(phone_digits) >= 4;

UPDATE recordings
SET dead_air_count = p.dead_air, overtalk_count = p.overtalk
FROM (SELECT recording_id,
             CASE WHEN json_valid(dead_air) THEN json_array_length(dead_air) ELSE 0 END
                 AS dead_air,
             CASE WHEN json_valid(overtalk) THEN json_array_length(overtalk) ELSE 0 END
                 AS overtalk
      FROM audio_profiles) AS p
WHERE p.recording_id = recordings.id;

CREATE TRIGGER recordings_sort_key AFTER INSERT ON recordings WHEN new.sort_key IS NULL
BEGIN
    UPDATE recordings SET sort_key = (
        SELECT COALESCE(MAX(r.sort_key) + 1, b.base)
        FROM (SELECT (COALESCE(CAST(strftime('%s', new.start_time) AS INTEGER), 946684800)
                      - 946684800) * 4096 AS base) AS b
        LEFT JOIN recordings r ON r.sort_key >= b.base AND r.sort_key < b.base + 4096)
    WHERE id = new.id;
END;

CREATE UNIQUE INDEX recordings_by_sort_key ON recordings(sort_key);
CREATE INDEX recordings_by_agent_key ON recordings(agent_id, sort_key);
CREATE INDEX recordings_by_queue_key ON recordings(queue, sort_key);
CREATE INDEX recordings_by_phone ON recordings(phone_digits, sort_key);
CREATE INDEX recordings_by_phone_last4 ON recordings(phone_last4, sort_key);
CREATE INDEX recordings_by_duration ON recordings(duration_sec);
CREATE INDEX recordings_with_dead_air ON recordings(sort_key) WHERE dead_air_count > 0;
CREATE INDEX recordings_with_overtalk ON recordings(sort_key) WHERE overtalk_count > 0;
CREATE INDEX evaluations_by_score ON evaluations(status, score, recording_id);
CREATE INDEX evaluation_answers_failed ON evaluation_answers(item_id, evaluation_id)
    WHERE value = 'fail' OR occurrences > 0;

CREATE VIRTUAL TABLE transcript_fts USING fts5(
    text, tokenize = 'trigram', content = '', detail = 'full');
CREATE VIRTUAL TABLE transcript_grams USING fts5(
    grams, tokenize = 'ascii', content = '', detail = 'none');

CREATE TEMP TABLE search_docs AS
SELECT r.sort_key AS sort_key, d.text AS text
FROM (SELECT recording_id, group_concat(text, char(10)) AS text
      FROM (SELECT recording_id, text FROM transcript_segments ORDER BY recording_id, seq)
      GROUP BY recording_id) AS d
JOIN recordings r ON r.id = d.recording_id
WHERE length(d.text) > 0;

INSERT INTO transcript_fts(rowid, text) SELECT sort_key, text FROM search_docs;

INSERT INTO transcript_grams(rowid, grams)
WITH RECURSIVE pos(sort_key, text, i) AS (
    SELECT sort_key, text, 1 FROM search_docs
    UNION ALL
    SELECT sort_key, text, i + 1 FROM pos WHERE i < length(text))
SELECT sort_key, group_concat(gram, ' ')
FROM (SELECT DISTINCT sort_key, gram
      FROM (SELECT sort_key, substr(text, i, 1) AS gram FROM pos
            UNION ALL
            SELECT sort_key, substr(text, i, 2) FROM pos WHERE i < length(text)))
GROUP BY sort_key;

DROP TABLE search_docs;
)sql",
        // 6: evaluations carry their call's sort_key, so a search by evaluation (evaluated, score,
        // failed item) can walk the submitted evaluations newest call first instead of all calls.
        R"sql(
ALTER TABLE evaluations ADD COLUMN recording_sort_key INTEGER;
UPDATE evaluations
SET recording_sort_key = (SELECT sort_key FROM recordings r WHERE r.id = evaluations.recording_id);
CREATE TRIGGER evaluations_sort_key AFTER INSERT ON evaluations
BEGIN
    UPDATE evaluations
    SET recording_sort_key = (SELECT sort_key FROM recordings WHERE id = new.recording_id)
    WHERE id = new.id;
END;
CREATE INDEX evaluations_by_key ON evaluations(status, recording_sort_key);
)sql",
        // 7: annotations: moments (or stretches) of a call an inspector marked with a note while
        // reviewing it, optionally about one checklist item (storage/annotation_store.hpp).
        R"sql(
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    inspector TEXT NOT NULL,
    start_sec REAL NOT NULL,           -- call time
    end_sec REAL,                      -- NULL for a moment
    note TEXT NOT NULL DEFAULT '',
    item_id TEXT,                      -- checklist item id, NULL when about the call
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX annotations_by_recording ON annotations(recording_id, inspector, start_sec);
)sql",
        // 8: trust (issue 7). People with a role and a scope; an append-only, hash-chained audit
        // log; submitted evaluations sealed as immutable versions.
        // - users.locked_until is Unix seconds (UTC), NULL when not locked; password_hash is an
        //   Argon2id string from libsodium's crypto_pwhash_str, never a password.
        // - user_scopes: the projects (queues, 技能组/项目) a user works in, '*' for all; a team
        //   lead's teams (teams.name).
        // - audit_log: entry seq has prev_hash = hash of entry seq - 1 (64 zeros for the first)
        //   and hash = SHA-256 over prev_hash and its own content (app/core/audit.hpp).
        //   AUTOINCREMENT so sqlite_sequence remembers the highest seq ever written: deleting the
        //   last entries shows. Triggers refuse UPDATE and DELETE.
        // - evaluations.version: the sealed version the row shows, 0 while not sealed (a draft,
        //   or submitted before sealing existed). evaluation_versions keeps every sealed version
        //   (its answers as JSON) with content_hash over its content; rows are never changed or
        //   deleted. A submitted evaluation row changes only by moving to the next sealed
        //   version (or in derived columns only, like recording_sort_key), and its answers only
        //   while that next version exists and is not yet shown.
        R"sql(
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'supervisor', 'trainer', 'team_lead',
                                       'manager', 'administrator')),
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE user_scopes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('project', 'team')),
    value TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, value)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                  -- UTC, 'YYYY-MM-DDTHH:MM:SS.mmmZ'
    user TEXT NOT NULL,
    action TEXT NOT NULL,              -- e.g. 'auth.sign_in', 'evaluation.revise'
    subject TEXT NOT NULL DEFAULT '',  -- e.g. 'user:qc1', 'evaluation:12'
    detail TEXT NOT NULL DEFAULT '{}', -- JSON object
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_action ON audit_log(action, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

ALTER TABLE evaluations ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE evaluation_versions (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    recording_id INTEGER NOT NULL,
    checklist_id INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    score REAL,
    working TEXT NOT NULL,
    answers TEXT NOT NULL,             -- JSON array of answer objects, by item id
    reason TEXT NOT NULL,              -- why this version: 'submitted' for 1, the correction's why
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, version)
);
CREATE TRIGGER evaluation_versions_in_order BEFORE INSERT ON evaluation_versions
WHEN new.version <> 1 + COALESCE(
    (SELECT MAX(version) FROM evaluation_versions WHERE evaluation_id = new.evaluation_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'evaluation versions are numbered 1, 2, ... without gaps');
END;
CREATE TRIGGER evaluation_versions_no_update BEFORE UPDATE ON evaluation_versions
BEGIN
    SELECT RAISE(ABORT, 'a sealed evaluation version cannot be changed');
END;
CREATE TRIGGER evaluation_versions_no_delete BEFORE DELETE ON evaluation_versions
BEGIN
    SELECT RAISE(ABORT, 'a sealed evaluation version cannot be deleted');
END;
CREATE TRIGGER evaluations_submitted_no_update BEFORE UPDATE ON evaluations
WHEN old.status = 'submitted' AND NOT (
    (new.status = 'submitted' AND new.id = old.id AND new.version = old.version + 1
     AND EXISTS (SELECT 1 FROM evaluation_versions v
                 WHERE v.evaluation_id = old.id AND v.version = new.version
                   AND v.score IS new.score))
    OR (new.id = old.id AND new.recording_id = old.recording_id
        AND new.checklist_id = old.checklist_id AND new.inspector = old.inspector
        AND new.status = old.status AND new.score IS old.score AND new.working = old.working
        AND new.submitted_at IS old.submitted_at AND new.version = old.version))
BEGIN
    SELECT RAISE(ABORT, 'a submitted evaluation is immutable: correct it with a new version');
END;
CREATE TRIGGER evaluations_submitted_no_delete BEFORE DELETE ON evaluations
WHEN old.status = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'a submitted evaluation cannot be deleted');
END;
CREATE TRIGGER evaluation_answers_sealed_no_insert BEFORE INSERT ON evaluation_answers
WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.id = new.evaluation_id
             AND e.status = 'submitted' AND e.version > 0
             AND NOT EXISTS (SELECT 1 FROM evaluation_versions v
                             WHERE v.evaluation_id = e.id AND v.version > e.version))
BEGIN
    SELECT RAISE(ABORT, 'the answers of a submitted evaluation are immutable');
END;
CREATE TRIGGER evaluation_answers_sealed_no_update BEFORE UPDATE ON evaluation_answers
WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.id IN (old.evaluation_id, new.evaluation_id)
             AND e.status = 'submitted' AND e.version > 0
             AND NOT EXISTS (SELECT 1 FROM evaluation_versions v
                             WHERE v.evaluation_id = e.id AND v.version > e.version))
BEGIN
    SELECT RAISE(ABORT, 'the answers of a submitted evaluation are immutable');
END;
CREATE TRIGGER evaluation_answers_sealed_no_delete BEFORE DELETE ON evaluation_answers
WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.id = old.evaluation_id
             AND e.status = 'submitted' AND e.version > 0
             AND NOT EXISTS (SELECT 1 FROM evaluation_versions v
                             WHERE v.evaluation_id = e.id AND v.version > e.version))
BEGIN
    SELECT RAISE(ABORT, 'the answers of a submitted evaluation are immutable');
END;
)sql",
    };
    return steps;
}

} // namespace callqc::storage
