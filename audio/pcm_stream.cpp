#include "audio/pcm_stream.hpp"

#include <algorithm>
#include <cassert>

namespace callqc::audio {
namespace {

class PcmStream final : public AudioStream {
public:
    explicit PcmStream(std::shared_ptr<const PcmBuffer> pcm) : m_pcm(std::move(pcm)) {
        assert(m_pcm);
        m_info.sampleRateHz = m_pcm->sampleRateHz;
        m_info.channels = m_pcm->channelCount();
        m_info.codec = "pcm_f32 (memory)";
        m_info.container = "memory";
        m_info.headerDurationSec = m_pcm->durationSec();
        m_index.sampleRateHz = m_pcm->sampleRateHz;
        m_index.totalSamples = static_cast<std::int64_t>(m_pcm->frames());
        m_index.points.push_back(SeekPoint{0, -1, 0});
    }

    const StreamInfo& info() const override { return m_info; }

    tl::expected<std::size_t, AudioError> read(float* const* planes,
                                               std::size_t maxFrames) override {
        const std::size_t total = m_pcm->frames();
        const auto from = static_cast<std::size_t>(m_position);
        const std::size_t n = std::min(maxFrames, total - std::min(total, from));
        for (std::size_t c = 0; c < m_pcm->channels.size(); ++c) {
            std::copy_n(m_pcm->channels[c].begin() + static_cast<std::ptrdiff_t>(from), n,
                        planes[c]);
        }
        m_position += static_cast<std::int64_t>(n);
        return n;
    }

    tl::expected<void, AudioError> seek(std::int64_t sample) override {
        m_position = std::clamp<std::int64_t>(sample, 0, m_index.totalSamples);
        return {};
    }

    std::int64_t position() const override { return m_position; }
    const SeekIndex& gatheredIndex() const override { return m_index; }
    std::vector<std::string> warnings() const override { return {}; }

private:
    std::shared_ptr<const PcmBuffer> m_pcm;
    StreamInfo m_info;
    SeekIndex m_index;
    std::int64_t m_position = 0;
};

} // namespace

std::unique_ptr<AudioStream> makePcmStream(std::shared_ptr<const PcmBuffer> pcm) {
    return std::make_unique<PcmStream>(std::move(pcm));
}

} // namespace callqc::audio
