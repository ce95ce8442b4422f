#include "audio/recording_sink.hpp"

namespace callqc::audio {

tl::expected<void, AudioError> RecordingSink::start(int sampleRateHz, int channels,
                                                    RenderCallback render) {
    m_sampleRateHz = sampleRateHz;
    m_channels = channels;
    m_render = std::move(render);
    return {};
}

void RecordingSink::stop() {
    m_render = nullptr;
}

bool RecordingSink::pull(std::size_t frames) {
    if (!m_render) {
        return false;
    }
    const std::size_t base = m_samples.size();
    m_samples.resize(base + frames * static_cast<std::size_t>(m_channels));
    m_render(m_samples.data() + base, frames);
    return true;
}

std::vector<float> RecordingSink::channel(int index) const {
    std::vector<float> out;
    if (m_channels <= 0) {
        return out;
    }
    const auto step = static_cast<std::size_t>(m_channels);
    out.reserve(m_samples.size() / step);
    for (std::size_t i = static_cast<std::size_t>(index); i < m_samples.size(); i += step) {
        out.push_back(m_samples[i]);
    }
    return out;
}

} // namespace callqc::audio
