#pragma once

namespace callqc::audio {

/// Lowers libav's global log level to errors, once per process. libav's warnings (MP3/Opus
/// priming fix-ups, the AAC encoder's statistics) would flood batch output; what matters reaches
/// callers as our own errors and warnings. Called by the decoder and encoder entry points.
void quietLibavLogs();

} // namespace callqc::audio
