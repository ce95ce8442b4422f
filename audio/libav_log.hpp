#pragma once

namespace callqc::audio {

/// Silences libav's global log below fatal, once per process. Its warnings and errors (MP3/Opus
/// priming fix-ups, "Corrupt bitstream" for every AMR NO_DATA frame) would flood batch output;
/// what matters reaches callers as our own errors and warnings, with the file named. Called by the
/// decoder and encoder entry points.
void quietLibavLogs();

} // namespace callqc::audio
