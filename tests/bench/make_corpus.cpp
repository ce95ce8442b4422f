// Generates the audio benchmark corpus: a deterministic day of calls (same seed, same files) in
// every format a telephony platform writes, for tests/bench/audio_bench.sh. Not a test.
//
// Usage: make_audio_corpus DIR [--seed N] [--calls N] [--threads N]
//
// DIR gets `calls` calls of 1–6 min (default 200, several audio-hours) cycling through the
// formats below at rates of 8–48 kHz, mono and stereo, plus three 60-min calls (MP3 CBR 16 kHz
// stereo, Opus 16 kHz stereo, AMR-NB with DTX), and manifest.tsv (one line per file: name,
// variant, rate, channels, seconds generated) written last. When DIR already holds a manifest of
// the same parameters the corpus is taken as it is (cached).
//
// The content is speech-like without a speech synthesiser (hours of espeak-ng would take
// longer than the benchmark): syllables of a glottal pulse train and noise through two formant
// resonators under a raised-cosine envelope, grouped into words and turns; the agent and the
// customer take turns with pauses, occasional overlaps and dead air (holds), over line noise.
// Mono files mix both parties.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "audio/encoder.hpp"
#include "audio/pcm_buffer.hpp"

namespace {

namespace fs = std::filesystem;
using callqc::audio::AmrMode;
using callqc::audio::EncodeFormat;
using callqc::audio::EncodeOptions;
using callqc::audio::PcmBuffer;

constexpr int kCorpusVersion = 1; ///< bump when the content or the format list changes

/// SplitMix64: the same numbers on every platform and standard library.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double range(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    template <typename T> const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(next() % items.size())];
    }

private:
    std::uint64_t m_state;
};

/// Band-pass biquad (RBJ audio-EQ cookbook, constant 0 dB peak gain).
class Resonator {
public:
    Resonator(double hz, double q, int rateHz) {
        const double w0 = 2 * std::numbers::pi * hz / rateHz;
        const double alpha = std::sin(w0) / (2 * q);
        const double a0 = 1 + alpha;
        m_b0 = alpha / a0;
        m_a1 = -2 * std::cos(w0) / a0;
        m_a2 = (1 - alpha) / a0;
    }
    double operator()(double x) {
        const double y = m_b0 * (x - m_x2) - m_a1 * m_y1 - m_a2 * m_y2;
        m_x2 = m_x1;
        m_x1 = x;
        m_y2 = m_y1;
        m_y1 = y;
        return y;
    }

private:
    double m_b0, m_a1, m_a2;
    double m_x1 = 0, m_x2 = 0, m_y1 = 0, m_y2 = 0;
};

/// Adds one syllable of `seconds` at `startSec` to `out`, peak about `level`.
void addSyllable(std::vector<float>& out, int rateHz, double startSec, double seconds, double level,
                 double pitchHz, Rng& rng) {
    const auto first = static_cast<std::size_t>(startSec * rateHz);
    const auto count = static_cast<std::size_t>(seconds * rateHz);
    if (first >= out.size()) {
        return;
    }
    const double nyquistRoom = 0.45 * rateHz;
    Resonator f1(std::min(rng.range(300, 900), nyquistRoom), 4.0, rateHz);
    Resonator f2(std::min(rng.range(900, 2600), nyquistRoom), 6.0, rateHz);
    const double voiced = rng.range(0.5, 0.95);
    const double glide = rng.range(-0.2, 0.2);
    double phase = 0;
    for (std::size_t i = 0; i < count && first + i < out.size(); ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(count);
        phase += pitchHz * (1 + glide * t) / rateHz;
        phase -= std::floor(phase);
        const double pulse = phase < 0.1 ? 1.0 - phase * 10 : 0.0;
        const double noise = rng.uniform() * 2 - 1;
        const double excitation = voiced * pulse * 4 + (1 - voiced) * noise;
        const double envelope = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * t);
        out[first + i] += static_cast<float>(level * envelope * (f1(excitation) + f2(excitation)));
    }
}

/// One party's turn of words over [startSec, endSec).
void addTurn(std::vector<float>& out, int rateHz, double startSec, double endSec, double level,
             double pitchHz, Rng& rng) {
    double t = startSec;
    while (t < endSec) {
        const int syllables = 2 + static_cast<int>(rng.next() % 4);
        for (int s = 0; s < syllables && t < endSec; ++s) {
            const double length = std::min(rng.range(0.08, 0.25), endSec - t);
            addSyllable(out, rateHz, t, length, level * rng.range(0.6, 1.0), pitchHz, rng);
            t += length + rng.range(0.0, 0.04);
        }
        t += rng.uniform() < 0.1 ? rng.range(0.4, 0.8) : rng.range(0.06, 0.25);
    }
}

struct Turn {
    int party = 0; ///< 0 agent, 1 customer
    double startSec = 0;
    double endSec = 0;
};

/// Who speaks when: alternating turns with gaps, some overlaps and some long holds.
std::vector<Turn> planTurns(double seconds, Rng& rng) {
    std::vector<Turn> turns;
    double t = rng.range(0.3, 2.0);
    int party = 0;
    while (t < seconds - 1.5) {
        const double length = std::min(rng.range(1.0, 10.0), seconds - 1.0 - t);
        turns.push_back({party, t, t + length});
        const double u = rng.uniform();
        if (u < 0.10) {
            t += length - std::min(length * 0.5, rng.range(0.3, 1.5)); // overtalk
        } else if (u < 0.18) {
            t += length + rng.range(6.0, 15.0); // dead air: a hold or a search
        } else {
            t += length + rng.range(0.2, 1.5);
        }
        party = 1 - party;
    }
    return turns;
}

PcmBuffer synthesizeCall(double seconds, int rateHz, int channels, Rng& rng) {
    PcmBuffer pcm;
    pcm.sampleRateHz = rateHz;
    const auto frames = static_cast<std::size_t>(seconds * rateHz);
    std::vector<std::vector<float>> parties(2, std::vector<float>(frames, 0.0f));
    const double levels[2] = {rng.range(0.25, 0.45), rng.range(0.04, 0.35)};
    const double pitches[2] = {rng.range(100, 240), rng.range(100, 240)};
    for (const auto& turn : planTurns(seconds, rng)) {
        const auto p = static_cast<std::size_t>(turn.party);
        addTurn(parties[p], rateHz, turn.startSec, turn.endSec, levels[p], pitches[p], rng);
    }
    if (channels == 1) {
        for (std::size_t i = 0; i < frames; ++i) {
            parties[0][i] += parties[1][i];
        }
        parties.pop_back();
    }
    const float noise = static_cast<float>(rng.range(0.0003, 0.002));
    for (auto& channel : parties) {
        for (auto& s : channel) {
            s = std::clamp(s + noise * static_cast<float>(rng.uniform() * 2 - 1), -1.0f, 1.0f);
        }
    }
    pcm.channels = std::move(parties);
    return pcm;
}

struct Variant {
    std::string name;
    std::string extension;
    EncodeOptions options;
    std::vector<int> ratesHz;
    std::vector<int> channels;
};

std::vector<Variant> variants() {
    const auto with = [](EncodeFormat format) {
        EncodeOptions options;
        options.format = format;
        return options;
    };
    EncodeOptions vbr = with(EncodeFormat::Mp3);
    vbr.mp3VbrQuality = 5;
    EncodeOptions vbrId3 = vbr;
    vbrId3.mp3VbrQuality = 7;
    vbrId3.title = "呼入 坐席1002";
    vbrId3.comment = "queue billing";
    EncodeOptions amr = with(EncodeFormat::AmrNb);
    amr.amrMode = AmrMode::Mr122;
    EncodeOptions amrDtx = with(EncodeFormat::AmrNb);
    amrDtx.amrMode = AmrMode::Mr795;
    amrDtx.amrDtx = true;
    return {
        {"wav-s16", "wav", with(EncodeFormat::PcmS16Wav), {8000, 16000, 44100, 48000}, {1, 2}},
        {"wav-s16-ext", "wav", with(EncodeFormat::PcmS16WavExtensible), {8000, 16000}, {1, 2}},
        {"wav-u8", "wav", with(EncodeFormat::PcmU8Wav), {8000, 11025}, {1, 2}},
        {"wav-s24-ext", "wav", with(EncodeFormat::PcmS24Wav), {16000, 48000}, {1, 2}},
        {"wav-f32-ext", "wav", with(EncodeFormat::FloatWav), {8000, 16000, 48000}, {1, 2}},
        {"wav-mulaw", "wav", with(EncodeFormat::MulawWav), {8000}, {1, 2}},
        {"wav-alaw", "wav", with(EncodeFormat::AlawWav), {8000}, {1, 2}},
        {"wav-gsm", "wav", with(EncodeFormat::GsmWav), {8000}, {1}},
        {"mp3-cbr", "mp3", with(EncodeFormat::Mp3), {8000, 16000, 22050, 44100}, {1, 2}},
        {"mp3-vbr", "mp3", vbr, {8000, 16000, 44100}, {1, 2}},
        {"mp3-vbr-id3", "mp3", vbrId3, {16000, 22050}, {1, 2}},
        {"opus", "ogg", with(EncodeFormat::OpusOgg), {8000, 16000, 48000}, {1, 2}},
        {"amr", "amr", amr, {8000}, {1}},
        {"amr-dtx", "amr", amrDtx, {8000}, {1}},
        {"aac", "m4a", with(EncodeFormat::AacM4a), {8000, 16000, 44100}, {1, 2}},
        {"flac", "flac", with(EncodeFormat::Flac), {8000, 16000, 44100}, {1, 2}},
    };
}

struct Job {
    std::string file;
    const Variant* variant = nullptr;
    int rateHz = 8000;
    int channels = 1;
    double seconds = 60;
    std::uint64_t seed = 0;
};

std::vector<Job> planCorpus(const std::vector<Variant>& all, std::uint64_t seed, int calls) {
    std::vector<Job> jobs;
    Rng rng(seed);
    for (int i = 0; i < calls; ++i) {
        const Variant& v = all[static_cast<std::size_t>(i) % all.size()];
        Job job;
        job.variant = &v;
        job.rateHz = rng.pick(v.ratesHz);
        job.channels = rng.pick(v.channels);
        job.seconds = std::round(rng.range(60.0, 360.0));
        job.seed = rng.next();
        job.file = fmt::format("call-{:04}-{}-{}k-{}.{}", i, v.name, job.rateHz / 1000,
                               job.channels == 1 ? "mono" : "stereo", v.extension);
        jobs.push_back(job);
    }
    const auto byName = [&](const char* name) {
        return &*std::find_if(all.begin(), all.end(),
                              [&](const Variant& v) { return v.name == name; });
    };
    const struct {
        const char* variant;
        const char* file;
        int rateHz;
        int channels;
    } longCalls[] = {{"mp3-cbr", "long-60min-mp3-16k-stereo.mp3", 16000, 2},
                     {"opus", "long-60min-opus-16k-stereo.ogg", 16000, 2},
                     {"amr-dtx", "long-60min-amr-dtx-8k-mono.amr", 8000, 1}};
    for (const auto& l : longCalls) {
        jobs.push_back({l.file, byName(l.variant), l.rateHz, l.channels, 3600.0, rng.next()});
    }
    return jobs;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: make_audio_corpus DIR [--seed N] [--calls N] [--threads N]\n");
        return 2;
    }
    const fs::path dir = argv[1];
    std::uint64_t seed = 1;
    int calls = 200;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--seed") {
            seed = std::stoull(value);
        } else if (flag == "--calls") {
            calls = std::stoi(value);
        } else if (flag == "--threads") {
            threads = static_cast<unsigned>(std::max(1, std::stoi(value)));
        } else {
            fmt::print(stderr, "make_audio_corpus: unknown option {}\n", flag);
            return 2;
        }
    }
    const std::string header =
        fmt::format("# callqc audio corpus v{} seed={} calls={}", kCorpusVersion, seed, calls);
    const fs::path manifest = dir / "manifest.tsv";
    {
        std::ifstream in(manifest);
        std::string first;
        if (in && std::getline(in, first) && first == header) {
            fmt::print("corpus in {} is up to date\n", dir.string());
            return 0;
        }
    }
    fs::create_directories(dir);
    fs::remove(manifest);

    const auto all = variants();
    const auto jobs = planCorpus(all, seed, calls);
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    std::atomic<int> done{0};
    {
        std::vector<std::jthread> pool;
        for (unsigned w = 0; w < threads; ++w) {
            pool.emplace_back([&] {
                // The long calls are last in the list; take from the end first so they start early.
                for (std::size_t k = next++; k < jobs.size(); k = next++) {
                    const Job& job = jobs[jobs.size() - 1 - k];
                    Rng rng(job.seed);
                    const auto pcm = synthesizeCall(job.seconds, job.rateHz, job.channels, rng);
                    auto ok = callqc::audio::encodeFile(pcm, dir / job.file, job.variant->options);
                    if (!ok) {
                        fmt::print(stderr, "make_audio_corpus: {}\n", ok.error().detail);
                        ++failures;
                    }
                    const int n = ++done;
                    if (n % 20 == 0) {
                        fmt::print(stderr, "  {}/{} files\n", n, jobs.size());
                    }
                }
            });
        }
    }
    if (failures > 0) {
        return 1;
    }
    std::ofstream out(manifest);
    out << header << "\n";
    double total = 0;
    for (const auto& job : jobs) {
        out << fmt::format("{}\t{}\t{}\t{}\t{:.3f}\n", job.file, job.variant->name, job.rateHz,
                           job.channels, job.seconds);
        total += job.seconds;
    }
    fmt::print("wrote {} files, {:.1f} audio-hours, into {}\n", jobs.size(), total / 3600,
               dir.string());
    return 0;
}
