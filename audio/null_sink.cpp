#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "audio/audio_sink.hpp"

namespace callqc::audio {
namespace {

class NullSink final : public AudioSink {
public:
    ~NullSink() override { stop(); }

    tl::expected<void, AudioError> start(int sampleRateHz, int channels,
                                         RenderCallback render) override {
        stop();
        m_running = true;
        m_thread = std::thread([this, sampleRateHz, channels, render = std::move(render)] {
            using Clock = std::chrono::steady_clock;
            std::vector<float> block;
            const auto begin = Clock::now();
            std::int64_t framesDone = 0;
            while (m_running.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
                const auto due = static_cast<std::int64_t>(elapsed * sampleRateHz);
                const auto frames = static_cast<std::size_t>(due - framesDone);
                if (frames == 0) {
                    continue;
                }
                block.resize(frames * static_cast<std::size_t>(channels));
                render(block.data(), frames);
                framesDone = due;
            }
        });
        return {};
    }

    void stop() override {
        m_running = false;
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    std::string name() const override { return "null output (no sound device)"; }

private:
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace

std::unique_ptr<AudioSink> makeNullSink() {
    return std::make_unique<NullSink>();
}

} // namespace callqc::audio
