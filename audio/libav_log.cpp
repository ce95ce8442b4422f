#include "audio/libav_log.hpp"

#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace callqc::audio {

void quietLibavLogs() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_FATAL); });
}

} // namespace callqc::audio
