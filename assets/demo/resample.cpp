#include "assets/demo/resample.hpp"

#include <cstdint>
#include <memory>

#include <fmt/format.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

namespace callqc::demo {

namespace {

struct SwrDeleter {
    void operator()(SwrContext* swr) const { swr_free(&swr); }
};

std::string avErrorText(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buffer, sizeof buffer);
    return buffer;
}

} // namespace

tl::expected<std::vector<float>, std::string> resampleMono(std::span<const float> input,
                                                           int inRateHz, int outRateHz) {
    if (inRateHz == outRateHz) {
        return std::vector<float>(input.begin(), input.end());
    }
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, outRateHz, &mono,
                                 AV_SAMPLE_FMT_FLT, inRateHz, 0, nullptr);
    const std::unique_ptr<SwrContext, SwrDeleter> swr(raw);
    if (rc < 0 || (rc = swr_init(swr.get())) < 0) {
        return tl::unexpected(fmt::format("cannot set up resampling {} Hz -> {} Hz ({})", inRateHz,
                                          outRateHz, avErrorText(rc)));
    }
    const auto wanted = static_cast<std::size_t>(
        (static_cast<std::int64_t>(input.size()) * outRateHz + inRateHz / 2) / inRateHz);
    std::vector<float> output(wanted + 64);
    const auto* in = reinterpret_cast<const std::uint8_t*>(input.data());
    auto* out = reinterpret_cast<std::uint8_t*>(output.data());
    const int produced = swr_convert(swr.get(), &out, static_cast<int>(output.size()), &in,
                                     static_cast<int>(input.size()));
    if (produced < 0) {
        return tl::unexpected(fmt::format("resampling failed ({})", avErrorText(produced)));
    }
    auto* tail = reinterpret_cast<std::uint8_t*>(output.data() + produced);
    const int flushed =
        swr_convert(swr.get(), &tail, static_cast<int>(output.size()) - produced, nullptr, 0);
    if (flushed < 0) {
        return tl::unexpected(fmt::format("resampling failed ({})", avErrorText(flushed)));
    }
    output.resize(static_cast<std::size_t>(produced + flushed));
    output.resize(wanted, 0.0f);
    return output;
}

} // namespace callqc::demo
