#include "app/station/portaudio_sink.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <portaudio.h>
#include <unistd.h>

namespace callqc::station {
namespace {

/// One PortAudio output stream on the default device. Pa_Initialize/Pa_Terminate are paired by
/// the object's lifetime. The stream callback only calls the render callback.
class PortAudioSink final : public audio::AudioSink {
public:
    PortAudioSink(PaDeviceIndex device, std::string deviceName)
        : m_device(device), m_deviceName(std::move(deviceName)) {}
    ~PortAudioSink() override {
        stop();
        Pa_Terminate();
    }

    tl::expected<void, audio::AudioError> start(int sampleRateHz, int channels,
                                                audio::RenderCallback render) override {
        stop();
        m_render = std::move(render);
        PaStreamParameters out{};
        out.device = m_device;
        out.channelCount = channels;
        out.sampleFormat = paFloat32;
        out.suggestedLatency = Pa_GetDeviceInfo(m_device)->defaultLowOutputLatency;
        const PaError err = Pa_OpenStream(&m_stream, nullptr, &out, sampleRateHz,
                                          paFramesPerBufferUnspecified, paNoFlag, &callback, this);
        if (err != paNoError) {
            m_stream = nullptr;
            return tl::unexpected(
                audio::AudioError{audio::AudioError::Kind::Device,
                                  fmt::format("{}: cannot open a {} Hz stream: {}", m_deviceName,
                                              sampleRateHz, Pa_GetErrorText(err))});
        }
        if (const PaError started = Pa_StartStream(m_stream); started != paNoError) {
            Pa_CloseStream(m_stream);
            m_stream = nullptr;
            return tl::unexpected(audio::AudioError{
                audio::AudioError::Kind::Device,
                fmt::format("{}: cannot start: {}", m_deviceName, Pa_GetErrorText(started))});
        }
        return {};
    }

    void stop() override {
        if (m_stream != nullptr) {
            Pa_StopStream(m_stream);
            Pa_CloseStream(m_stream);
            m_stream = nullptr;
        }
    }

    std::string name() const override { return m_deviceName; }

private:
    static int callback(const void*, void* output, unsigned long frames,
                        const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags, void* self) {
        auto* sink = static_cast<PortAudioSink*>(self);
        sink->m_render(static_cast<float*>(output), frames);
        return paContinue;
    }

    PaDeviceIndex m_device;
    std::string m_deviceName;
    PaStream* m_stream = nullptr;
    audio::RenderCallback m_render;
};

/// Pa_Initialize with stderr silenced: PortAudio's ALSA and JACK back ends print a screenful while
/// probing hosts that have no such device or server; what matters is reported as one line.
PaError quietInitialise() {
    const int savedStderr = ::dup(STDERR_FILENO);
    const int devNull = ::open("/dev/null", O_WRONLY);
    if (savedStderr >= 0 && devNull >= 0) {
        ::dup2(devNull, STDERR_FILENO);
    }
    const PaError initialised = Pa_Initialize();
    if (savedStderr >= 0 && devNull >= 0) {
        ::dup2(savedStderr, STDERR_FILENO);
    }
    for (const int fd : {savedStderr, devNull}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    return initialised;
}

} // namespace

tl::expected<std::unique_ptr<audio::AudioSink>, audio::AudioError>
makePortAudioSink(const std::string& deviceName) {
    if (const PaError err = quietInitialise(); err != paNoError) {
        return tl::unexpected(
            audio::AudioError{audio::AudioError::Kind::Device,
                              fmt::format("PortAudio cannot start: {}", Pa_GetErrorText(err))});
    }
    PaDeviceIndex device = paNoDevice;
    if (deviceName.empty()) {
        device = Pa_GetDefaultOutputDevice();
    } else {
        for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); ++i) {
            const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
            if (info != nullptr && info->maxOutputChannels > 0 && deviceName == info->name) {
                device = i;
                break;
            }
        }
    }
    if (device == paNoDevice) {
        Pa_Terminate();
        return tl::unexpected(audio::AudioError{
            audio::AudioError::Kind::Device,
            deviceName.empty() ? std::string("no default sound output device")
                               : fmt::format("no sound output device named \"{}\"", deviceName)});
    }
    const PaDeviceInfo* info = Pa_GetDeviceInfo(device);
    return std::make_unique<PortAudioSink>(device, info ? info->name : "sound device");
}

std::vector<std::string> portAudioOutputs() {
    std::vector<std::string> names;
    if (quietInitialise() != paNoError) {
        return names;
    }
    for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); ++i) {
        const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
        if (info != nullptr && info->maxOutputChannels > 0) {
            names.emplace_back(info->name);
        }
    }
    Pa_Terminate();
    return names;
}

} // namespace callqc::station
