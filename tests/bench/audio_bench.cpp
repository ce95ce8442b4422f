// Audio import and playback benchmarks over the generated corpus (make_audio_corpus), for
// tests/bench/audio_bench.sh. Not a test: prints measurements, asserts nothing. Every comparison
// is measured side by side in the same run, alternating, because the machine is shared and noisy.
//
// Usage: audio_bench CORPUS_DIR [--threads N] [--reps N] [--trials N] [--no-ffmpeg] [--only import]
//        audio_bench rss-stream FILE INDEX_FILE     (one measurement per process; used by the
//        audio_bench rss-player FILE INDEX_FILE      main mode, which starts itself for them)
//
// 1. Import throughput in audio-seconds per wall-second over every corpus file on N threads:
//    analyzeFile + serializePeaks (what an import does per call: decode and analysis in one pass,
//    every sample decoded, peaks, VAD, dead air, overtalk and seek index) against a bare libav
//    loop written here (open, find_stream_info, decode every frame, discard) and against
//    `ffmpeg -v error -i F -f null -` started once per file. And the whole import use case,
//    core::importDay (hashing, decoding, analysis, SQLite inserts) of a metadata.csv naming every
//    corpus file (written beside the manifest by this program), into a fresh database in a
//    temporary folder each repetition, against the same bare libav loop. `--only import` runs
//    just these two and skips items 2-4.
// 2. Open to the first 20 ms of audio for the 60-min calls: AudioStream::open + one read, with
//    the stored seek index (as the station opens an imported call) and without.
// 3. Seeks to random points of those calls with the index from decodeFile: latency of seek + the
//    first 20 ms read, and where it landed against the full decode (the sample-exact reference),
//    found by matching 250 ms of the read against the reference within ±1 s.
// 4. Resident memory (VmHWM − VmRSS at start) of a fresh process that streams a 60-min call
//    through in 20 ms reads, by AudioStream alone and by the Player on a pulled sink.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
}

#include "app/core/import_day.hpp"
#include "audio/analysis.hpp"
#include "audio/audio_sink.hpp"
#include "audio/audio_stream.hpp"
#include "audio/decoder.hpp"
#include "audio/player.hpp"
#include "storage/database.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using callqc::audio::AudioStream;
using callqc::audio::SeekIndex;

constexpr double kChunkSec = 0.020;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double msSince(Clock::time_point start) {
    return secondsSince(start) * 1000.0;
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return NAN;
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return NAN;
    }
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
    return values[std::min(at, values.size() - 1)];
}

struct CorpusFile {
    fs::path path;
    std::string variant;
    int rateHz = 0;
    int channels = 0;
    double seconds = 0;
};

std::vector<CorpusFile> readManifest(const fs::path& dir) {
    std::vector<CorpusFile> files;
    std::ifstream in(dir / "manifest.tsv");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream fields(line);
        CorpusFile f;
        std::string name;
        fields >> name >> f.variant >> f.rateHz >> f.channels >> f.seconds;
        f.path = dir / name;
        files.push_back(std::move(f));
    }
    return files;
}

// ---- 1. throughput ---------------------------------------------------------------------------

/// One file's decode, the way the reference tools do it: returns false when the file failed.
using Worker = bool (*)(const fs::path&);

bool decodeOnly(const fs::path& path) {
    return callqc::audio::decodeFile(path).has_value();
}

bool importOne(const fs::path& path) {
    auto analyzed = callqc::audio::analyzeFile(path);
    if (!analyzed) {
        return false;
    }
    const auto peaks = callqc::audio::serializePeaks(analyzed->profile.peaks);
    const auto index = callqc::audio::serializeSeekIndex(analyzed->seekIndex);
    return !peaks.empty() && !index.empty();
}

/// The baseline: libav's own decode loop with nothing done to the samples.
bool bareDecodeOne(const fs::path& path) {
    AVFormatContext* format = nullptr;
    if (avformat_open_input(&format, path.c_str(), nullptr, nullptr) < 0) {
        return false;
    }
    struct Closer {
        AVFormatContext** f;
        AVCodecContext* c = nullptr;
        AVPacket* p = nullptr;
        AVFrame* fr = nullptr;
        ~Closer() {
            av_frame_free(&fr);
            av_packet_free(&p);
            avcodec_free_context(&c);
            avformat_close_input(f);
        }
    } closer{&format};
    if (avformat_find_stream_info(format, nullptr) < 0) {
        return false;
    }
    const AVCodec* codec = nullptr;
    const int stream = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream < 0 || codec == nullptr) {
        return false;
    }
    closer.c = avcodec_alloc_context3(codec);
    if (avcodec_parameters_to_context(closer.c, format->streams[stream]->codecpar) < 0 ||
        avcodec_open2(closer.c, codec, nullptr) < 0) {
        return false;
    }
    closer.p = av_packet_alloc();
    closer.fr = av_frame_alloc();
    std::int64_t samples = 0;
    const auto drain = [&] {
        while (avcodec_receive_frame(closer.c, closer.fr) >= 0) {
            samples += closer.fr->nb_samples;
            av_frame_unref(closer.fr);
        }
    };
    while (av_read_frame(format, closer.p) >= 0) {
        if (closer.p->stream_index == stream) {
            avcodec_send_packet(closer.c, closer.p);
            drain();
        }
        av_packet_unref(closer.p);
    }
    avcodec_send_packet(closer.c, nullptr);
    drain();
    return samples > 0;
}

/// Runs `argv` with stdin, stdout and stderr on /dev/null; true when it exits 0.
bool runQuietly(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int fd : {0, 1, 2}) {
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY,
                                         0);
    }
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        return false;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool ffmpegOne(const fs::path& path) {
    return runQuietly({"ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", path.string(),
                       "-f", "null", "-"});
}

struct Pass {
    double wallSec = 0;
    int failures = 0;
    std::vector<double> fileSec; ///< time each file took on its worker (per-file methods only)
    std::string firstFailure;    ///< why the first failure failed, where known
};

/// Every file once, biggest first, on `threads` workers.
Pass runPass(const std::vector<CorpusFile>& files, unsigned threads, Worker work) {
    Pass pass;
    pass.fileSec.assign(files.size(), 0);
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    const auto start = Clock::now();
    {
        std::vector<std::jthread> pool;
        for (unsigned w = 0; w < threads; ++w) {
            pool.emplace_back([&] {
                for (std::size_t i = next++; i < files.size(); i = next++) {
                    const auto begin = Clock::now();
                    if (!work(files[i].path)) {
                        ++failures;
                    }
                    pass.fileSec[i] = secondsSince(begin);
                }
            });
        }
    }
    pass.wallSec = secondsSince(start);
    pass.failures = failures;
    return pass;
}

/// Writes DIR/metadata.csv naming every corpus file in manifest order, as a telephony platform's
/// export of the day would (the long calls come last, as in the manifest), so that the corpus
/// folder is a day folder for importDay. Returns false when it cannot be written.
bool writeDayMetadata(const fs::path& dir, const std::vector<CorpusFile>& files) {
    std::ofstream out(dir / "metadata.csv", std::ios::binary | std::ios::trunc);
    out << "call_id,file,start_time,duration_sec,agent_id,agent_name,team\r\n";
    for (std::size_t i = 0; i < files.size(); ++i) {
        const int minutes = static_cast<int>(i) * 2;
        const int agent = 1001 + static_cast<int>(i % 12);
        out << fmt::format("{},{},2026-03-02 {:02}:{:02}:00,{:.0f},{},Agent {},team {}\r\n",
                           files[i].path.stem().string(), files[i].path.filename().string(),
                           8 + minutes / 60, minutes % 60, files[i].seconds, agent, agent,
                           agent % 3 + 1);
    }
    return static_cast<bool>(out.flush());
}

/// One import of the day in `dir` with importDay's default options on `threads` workers, into a
/// fresh database in a temporary folder: wall time from opening the database to closing it.
/// `failures` counts the rows that did not come in as imported (want: none).
Pass importPass(const fs::path& dir, std::size_t expected, unsigned threads) {
    Pass pass;
    const fs::path scratch =
        fs::temp_directory_path() / fmt::format("callqc-import-bench-{}", ::getpid());
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    callqc::core::ImportOptions options;
    options.jobs = static_cast<int>(threads);
    const auto start = Clock::now();
    {
        auto db = callqc::storage::Database::open(scratch / "day.sqlite");
        if (!db) {
            pass.failures = static_cast<int>(expected);
            pass.firstFailure = db.error().message();
        } else if (auto report = callqc::core::importDay(*db, dir, options); !report) {
            pass.failures = static_cast<int>(expected);
            pass.firstFailure = report.error().message();
        } else {
            pass.failures = static_cast<int>(expected) - report->imported;
            if (!report->rejected.empty()) {
                const auto& r = report->rejected.front();
                pass.firstFailure = fmt::format("row {} ({}): {}", r.row, r.file, r.reason);
            } else if (pass.failures != 0) {
                pass.firstFailure = fmt::format("{} rows imported, {} unchanged, {} expected",
                                                report->imported, report->unchanged, expected);
            }
        }
    }
    pass.wallSec = secondsSince(start);
    fs::remove_all(scratch);
    return pass;
}

// ---- 2-3. open and seek ----------------------------------------------------------------------

struct Planes {
    std::vector<std::vector<float>> data;
    std::vector<float*> pointers;

    Planes(int channels, std::size_t frames)
        : data(static_cast<std::size_t>(channels), std::vector<float>(frames)) {
        for (auto& d : data) {
            pointers.push_back(d.data());
        }
    }
};

/// Reads up to `frames` frames into `planes` from frame `offset` on (several reads if the stream
/// returns less); returns how many it read.
std::size_t readFully(AudioStream& stream, Planes& planes, std::size_t frames,
                      std::size_t offset = 0) {
    std::size_t got = 0;
    std::vector<float*> at(planes.pointers.size());
    while (got < frames) {
        for (std::size_t c = 0; c < at.size(); ++c) {
            at[c] = planes.pointers[c] + offset + got;
        }
        auto n = stream.read(at.data(), frames - got);
        if (!n || *n == 0) {
            break;
        }
        got += *n;
    }
    return got;
}

/// Drops `path` from the page cache, so that the next open reads it from the disk.
void evictFromCache(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

struct OpenResult {
    std::vector<double> withIndexMs;
    std::vector<double> withoutIndexMs;
    std::vector<double> coldMs; ///< with the index, file not in the page cache
};

OpenResult measureOpen(const fs::path& path, const SeekIndex& index, int trials) {
    OpenResult r;
    for (int t = 0; t < trials; ++t) {
        for (const int mode : {0, 1, 2}) {
            if (mode == 2) {
                evictFromCache(path);
            }
            const auto start = Clock::now();
            auto stream = AudioStream::open(path, mode == 1 ? SeekIndex{} : index);
            if (!stream) {
                continue;
            }
            const auto& info = (*stream)->info();
            Planes planes(info.channels, static_cast<std::size_t>(info.sampleRateHz * kChunkSec));
            readFully(**stream, planes, planes.data[0].size());
            const double ms = msSince(start);
            (mode == 0 ? r.withIndexMs : mode == 1 ? r.withoutIndexMs : r.coldMs).push_back(ms);
        }
    }
    return r;
}

/// Where `got` (read at `target`) best matches `reference`, as an offset in samples within
/// ±`range`, and the relative squared error there.
std::pair<std::int64_t, double> landing(const std::vector<float>& reference,
                                        const std::vector<float>& got, std::int64_t target,
                                        std::int64_t range) {
    const auto n = static_cast<std::int64_t>(got.size());
    const auto total = static_cast<std::int64_t>(reference.size());
    double energy = 0;
    for (float v : got) {
        energy += static_cast<double>(v) * v;
    }
    const auto errorAt = [&](std::int64_t lag) -> double {
        const std::int64_t from = target + lag;
        if (from < 0 || from + n > total) {
            return std::numeric_limits<double>::infinity();
        }
        double e = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const double d = static_cast<double>(got[static_cast<std::size_t>(i)]) -
                             reference[static_cast<std::size_t>(from + i)];
            e += d * d;
        }
        return e / std::max(energy, 1e-12);
    };
    std::int64_t best = 0;
    double bestError = errorAt(0);
    for (std::int64_t d = 1; d <= range && bestError > 1e-6; ++d) {
        for (const std::int64_t lag : {d, -d}) {
            const double e = errorAt(lag);
            if (e < bestError) {
                bestError = e;
                best = lag;
            }
        }
        if (bestError < 0.01) {
            break; // offsets are searched nearest first: the first clear match is the landing
        }
    }
    return {best, bestError};
}

struct SeekResult {
    std::vector<double> latencyMs;
    std::vector<double> errorMs; ///< absolute landing error
    int unmatched = 0;           ///< no match within ±1 s
    int failed = 0;
};

SeekResult measureSeeks(const fs::path& path, const callqc::audio::DecodedAudio& reference,
                        int trials, std::uint64_t seed) {
    SeekResult r;
    auto opened = AudioStream::open(path, reference.seekIndex);
    if (!opened) {
        r.failed = trials;
        return r;
    }
    AudioStream& stream = **opened;
    const int rate = reference.pcm.sampleRateHz;
    const auto& ref = reference.pcm.channels[0];
    const auto total = static_cast<std::int64_t>(ref.size());
    const auto chunk = static_cast<std::size_t>(rate * kChunkSec);
    const auto window = static_cast<std::size_t>(rate / 4);
    Planes planes(reference.pcm.channelCount(), window);
    std::uint64_t state = seed;
    const auto random = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    for (int t = 0; t < trials; ++t) {
        // A point whose next 250 ms are not silence, so that the landing can be recognised.
        std::int64_t target = 0;
        for (int attempt = 0; attempt < 200; ++attempt) {
            target = static_cast<std::int64_t>(random() * static_cast<double>(total - 2 * rate));
            double energy = 0;
            for (std::size_t i = 0; i < window; ++i) {
                const float v = ref[static_cast<std::size_t>(target) + i];
                energy += static_cast<double>(v) * v;
            }
            if (energy / static_cast<double>(window) > 1e-4) {
                break;
            }
        }
        const auto start = Clock::now();
        if (!stream.seek(target)) {
            ++r.failed;
            continue;
        }
        const std::size_t first = readFully(stream, planes, chunk);
        r.latencyMs.push_back(msSince(start));
        const std::size_t got = first + readFully(stream, planes, window - first, first);
        std::vector<float> heard(planes.data[0].begin(),
                                 planes.data[0].begin() + static_cast<std::ptrdiff_t>(got));
        const auto [lag, error] = landing(ref, heard, target, rate);
        if (error > 0.25) {
            ++r.unmatched;
            continue;
        }
        r.errorMs.push_back(std::abs(static_cast<double>(lag)) * 1000.0 / rate);
    }
    return r;
}

// ---- 4. memory -------------------------------------------------------------------------------

/// A field of /proc/self/status in kB ("VmRSS", "VmHWM").
long statusKb(const char* field) {
    std::ifstream in("/proc/self/status");
    const std::string prefix = std::string(field) + ":";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stol(line.substr(prefix.size()));
        }
    }
    return -1;
}

/// An output that the benchmark pulls from directly, as fast as the player can decode.
class PullSink final : public callqc::audio::AudioSink {
public:
    tl::expected<void, callqc::audio::AudioError>
    start(int, int channels, callqc::audio::RenderCallback render) override {
        m_channels = channels;
        m_render = std::move(render);
        return {};
    }
    void stop() override { m_render = nullptr; }
    std::string name() const override { return "pulled by the benchmark"; }
    bool pull(std::vector<float>& buffer, std::size_t frames) {
        if (!m_render) {
            return false;
        }
        buffer.resize(frames * static_cast<std::size_t>(m_channels));
        m_render(buffer.data(), frames);
        return true;
    }

private:
    int m_channels = 2;
    callqc::audio::RenderCallback m_render;
};

SeekIndex loadIndex(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                    std::istreambuf_iterator<char>()};
    return callqc::audio::deserializeSeekIndex(bytes);
}

/// Child mode: prints "idle_kb=N peak_kb=N seconds=S" for streaming FILE through in 20 ms reads.
int rssStream(const fs::path& path, const fs::path& indexFile) {
    SeekIndex index = loadIndex(indexFile);
    const long idle = statusKb("VmRSS");
    auto stream = AudioStream::open(path, std::move(index));
    if (!stream) {
        fmt::print(stderr, "{}\n", stream.error().detail);
        return 1;
    }
    const auto& info = (*stream)->info();
    Planes planes(info.channels, static_cast<std::size_t>(info.sampleRateHz * kChunkSec));
    std::int64_t frames = 0;
    for (;;) {
        auto n = (*stream)->read(planes.pointers.data(), planes.data[0].size());
        if (!n || *n == 0) {
            break;
        }
        frames += static_cast<std::int64_t>(*n);
    }
    fmt::print("idle_kb={} peak_kb={} seconds={:.1f}\n", idle, statusKb("VmHWM"),
               static_cast<double>(frames) / info.sampleRateHz);
    return 0;
}

/// Child mode: the same through the Player (decoder thread, ring, tempo stage) on a pulled sink.
int rssPlayer(const fs::path& path, const fs::path& indexFile) {
    SeekIndex index = loadIndex(indexFile);
    const double seconds =
        index.sampleRateHz > 0 ? static_cast<double>(index.totalSamples) / index.sampleRateHz : 0.0;
    const long idle = statusKb("VmRSS");
    auto owned = std::make_unique<PullSink>();
    PullSink* sink = owned.get();
    callqc::audio::Player player(std::move(owned));
    player.open(path, std::move(index));
    for (int i = 0; i < 5000 && player.state() == callqc::audio::Player::State::Loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (player.state() != callqc::audio::Player::State::Ready) {
        fmt::print(stderr, "player: {}\n", player.error());
        return 1;
    }
    player.play();
    std::vector<float> buffer;
    const auto chunk = static_cast<std::size_t>(player.sampleRateHz() * kChunkSec);
    double played = 0;
    while (played < seconds - 0.1) {
        if (!player.waitBuffered(chunk, std::chrono::milliseconds(2000))) {
            break;
        }
        if (!sink->pull(buffer, chunk)) {
            break;
        }
        played = player.positionSec();
        if (!player.playing()) {
            break;
        }
    }
    fmt::print("idle_kb={} peak_kb={} seconds={:.1f}\n", idle, statusKb("VmHWM"), played);
    return 0;
}

struct RssResult {
    bool ok = false;
    double overIdleMb = 0;
    double seconds = 0;
};

RssResult runRssChild(const char* mode, const fs::path& file, const fs::path& indexFile) {
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const std::string command =
        fmt::format("'{}' {} '{}' '{}'", self, mode, file.string(), indexFile.string());
    RssResult r;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return r;
    }
    char line[256] = {};
    long idle = 0;
    long peak = 0;
    double seconds = 0;
    if (std::fgets(line, sizeof line, pipe) &&
        std::sscanf(line, "idle_kb=%ld peak_kb=%ld seconds=%lf", &idle, &peak, &seconds) == 3) {
        r.ok = true;
        r.overIdleMb = static_cast<double>(peak - idle) / 1024.0;
        r.seconds = seconds;
    }
    r.ok = pclose(pipe) == 0 && r.ok;
    return r;
}

// ---- main ------------------------------------------------------------------------------------

std::string verdict(bool ok) {
    return ok ? "ok" : "MISSED";
}

void discardLibavLog(void*, int, const char*, va_list) {}

int runAll(const fs::path& dir, unsigned threads, int reps, int trials, bool withFfmpeg,
           bool onlyImport) {
    auto files = readManifest(dir);
    if (files.empty()) {
        fmt::print(stderr, "audio_bench: no manifest.tsv in {}\n", dir.string());
        return 1;
    }
    if (!writeDayMetadata(dir, files)) {
        fmt::print(stderr, "audio_bench: cannot write {}\n", (dir / "metadata.csv").string());
        return 1;
    }
    std::stable_sort(files.begin(), files.end(),
                     [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
    double audioSec = 0;
    std::uintmax_t bytes = 0;
    for (const auto& f : files) {
        audioSec += f.seconds;
        bytes += fs::file_size(f.path);
    }
    fmt::print("corpus: {} files, {:.1f} audio-hours, {:.2f} GB; {} threads; {} repetitions, "
               "alternating, medians\n",
               files.size(), audioSec / 3600, static_cast<double>(bytes) / 1e9, threads, reps);

    // Warm the page cache so that no method pays for the first read from disk.
    runPass(files, threads, bareDecodeOne);

    struct Method {
        std::string name;
        std::function<Pass()> run;
        std::vector<Pass> passes;
    };
    const auto perFile = [&](std::string name, Worker work) {
        return Method{
            std::move(name), [&files, threads, work] { return runPass(files, threads, work); }, {}};
    };
    // Indices into `methods`; kNone when a method is not run.
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::size_t ours = kNone;
    std::size_t bare = kNone;
    std::size_t decode = kNone;
    std::size_t ffmpeg = kNone;
    std::vector<Method> methods;
    if (!onlyImport) {
        ours = methods.size();
        methods.push_back(perFile("ours: analyzeFile+peaks+index", importOne));
    }
    bare = methods.size();
    methods.push_back(perFile("bare libav decode loop", bareDecodeOne));
    if (!onlyImport) {
        decode = methods.size();
        methods.push_back(perFile("(ours: decodeFile alone)", decodeOnly));
        if (withFfmpeg) {
            ffmpeg = methods.size();
            methods.push_back(perFile("ffmpeg -f null, one per file", ffmpegOne));
        }
    }
    const std::size_t importing = methods.size();
    methods.push_back({"importDay: hash+analyze+insert",
                       [&dir, &files, threads] { return importPass(dir, files.size(), threads); },
                       {}});
    for (int rep = 0; rep < reps; ++rep) {
        for (std::size_t k = 0; k < methods.size(); ++k) {
            auto& m = methods[(k + static_cast<std::size_t>(rep)) % methods.size()];
            m.passes.push_back(m.run());
            if (&m == &methods[importing] && m.passes.back().failures != 0) {
                // A rejected row would make the import look faster than it is: not a measurement.
                fmt::print(stderr,
                           "audio_bench: importDay took in {} of {} rows; first failure: {}\n",
                           static_cast<int>(files.size()) - m.passes.back().failures, files.size(),
                           m.passes.back().firstFailure);
                return 1;
            }
        }
    }
    const auto throughput = [&](const Method& m) {
        std::vector<double> values;
        for (const auto& p : m.passes) {
            values.push_back(audioSec / p.wallSec);
        }
        return median(values);
    };
    /// Median over repetitions of the ratio of two methods' throughput in the same repetition.
    const auto pairedRatio = [&](const Method& a, const Method& b) {
        std::vector<double> ratios;
        for (std::size_t r = 0; r < a.passes.size(); ++r) {
            ratios.push_back(b.passes[r].wallSec / a.passes[r].wallSec);
        }
        return median(ratios);
    };
    fmt::print("\n1. import analysis throughput (audio-seconds per wall-second)\n");
    fmt::print("   {:<34} {:>10} {:>9} {:>8}\n", "method", "audio-s/s", "failures", "wall-s");
    for (const auto& m : methods) {
        fmt::print("   {:<34} {:>10.0f} {:>9} {:>8.1f}\n", m.name, throughput(m),
                   m.passes.back().failures, median([&] {
                       std::vector<double> w;
                       for (const auto& p : m.passes) {
                           w.push_back(p.wallSec);
                       }
                       return w;
                   }()));
    }
    if (ours != kNone) {
        const double vsBare = pairedRatio(methods[ours], methods[bare]);
        fmt::print("   ratio ours / bare libav    {:>6.2f}   (target >= 0.70, goal 1.0)  {}\n",
                   vsBare, verdict(vsBare >= 0.7));
    }
    if (ffmpeg != kNone) {
        const double vsFfmpeg = pairedRatio(methods[ours], methods[ffmpeg]);
        fmt::print("   ratio ours / ffmpeg        {:>6.2f}   (target >= 2.0)             {}\n",
                   vsFfmpeg, verdict(vsFfmpeg >= 2.0));
    }
    const double importVsBare = pairedRatio(methods[importing], methods[bare]);
    fmt::print("   ratio import / bare decode {:>6.2f}   (target >= 0.60)            {}\n",
               importVsBare, verdict(importVsBare >= 0.6));
    fmt::print("   imported rows              {:>6}   (of {} corpus files)        {}\n",
               static_cast<int>(files.size()) - methods[importing].passes.back().failures,
               files.size(), verdict(methods[importing].passes.back().failures == 0));
    if (onlyImport) {
        return 0;
    }

    // Per variant: the summed per-file times, so a slow path in one format stands out.
    fmt::print("\n   per format (median over repetitions of summed per-file seconds)\n");
    fmt::print("   {:<12} {:>5} {:>8} {:>9} {:>9} {:>7} {:>9}{}\n", "variant", "files", "audio-h",
               "ours-s", "bare-s", "ratio", "decode-s",
               ffmpeg != kNone ? "  ffmpeg-s  vs-ffmpeg" : "");
    std::map<std::string, std::vector<std::size_t>> byVariant;
    for (std::size_t i = 0; i < files.size(); ++i) {
        byVariant[files[i].variant].push_back(i);
    }
    for (const auto& [variant, indices] : byVariant) {
        const auto summed = [&](const Method& m) {
            std::vector<double> sums;
            for (const auto& p : m.passes) {
                double s = 0;
                for (auto i : indices) {
                    s += p.fileSec[i];
                }
                sums.push_back(s);
            }
            return median(sums);
        };
        double hours = 0;
        for (auto i : indices) {
            hours += files[i].seconds / 3600;
        }
        const double oursSec = summed(methods[ours]);
        const double bareSec = summed(methods[bare]);
        const double decodeSec = summed(methods[decode]);
        std::string tail;
        if (ffmpeg != kNone) {
            const double ffSec = summed(methods[ffmpeg]);
            tail = fmt::format("  {:>8.2f}  {:>9.2f}", ffSec, ffSec / oursSec);
        }
        fmt::print("   {:<12} {:>5} {:>8.2f} {:>9.2f} {:>9.2f} {:>7.2f} {:>9.2f}{}\n", variant,
                   indices.size(), hours, oursSec, bareSec, bareSec / oursSec, decodeSec, tail);
    }

    // The 60-min calls, for items 2-4.
    std::vector<CorpusFile> longCalls;
    for (const auto& f : files) {
        if (f.seconds >= 3000) {
            longCalls.push_back(f);
        }
    }
    fmt::print("\n2-3. open and seek in the 60-min calls ({} trials each; budget 30 ms, landing "
               "within ±20 ms)\n",
               trials);
    fmt::print("   {:<32} {:>11} {:>11} {:>11} {:>10} {:>9} {:>11} {:>11} {:>9}\n", "file",
               "open+20ms", "no-index", "cold-cache", "seek+20ms", "seek-p90", "land-med",
               "land-max", "unmatched");
    std::vector<std::pair<CorpusFile, fs::path>> indexFiles;
    for (const auto& f : longCalls) {
        auto reference = callqc::audio::decodeFile(f.path);
        if (!reference) {
            fmt::print("   {:<32} decode failed: {}\n", f.path.filename().string(),
                       reference.error().detail);
            continue;
        }
        const fs::path indexFile = dir / (f.path.filename().string() + ".seekindex");
        {
            const auto bytesOut = callqc::audio::serializeSeekIndex(reference->seekIndex);
            std::ofstream out(indexFile, std::ios::binary);
            out.write(reinterpret_cast<const char*>(bytesOut.data()),
                      static_cast<std::streamsize>(bytesOut.size()));
        }
        indexFiles.emplace_back(f, indexFile);
        const auto open = measureOpen(f.path, reference->seekIndex, trials);
        const auto seeks = measureSeeks(f.path, *reference, trials, 12345);
        const double openMs = median(open.withIndexMs);
        const double seekMs = median(seeks.latencyMs);
        const double landMax = seeks.errorMs.empty()
                                   ? NAN
                                   : *std::max_element(seeks.errorMs.begin(), seeks.errorMs.end());
        fmt::print("   {:<32} {:>8.1f} ms {:>8.1f} ms {:>8.1f} ms {:>7.1f} ms {:>6.1f} ms {:>8.2f} "
                   "ms {:>8.2f} ms {:>5}/{}  {}\n",
                   f.path.filename().string(), openMs, median(open.withoutIndexMs),
                   median(open.coldMs), seekMs, percentile(seeks.latencyMs, 0.9),
                   median(seeks.errorMs), landMax, seeks.unmatched + seeks.failed, trials,
                   verdict(openMs <= 30 && seekMs <= 30 && median(seeks.errorMs) <= 20 &&
                           seeks.failed == 0));
    }

    fmt::print("\n4. resident memory of a fresh process streaming a 60-min call, over its idle "
               "VmRSS (budget 120 MB)\n");
    fmt::print("   {:<32} {:>18} {:>18}\n", "file", "AudioStream 20ms", "Player (pulled)");
    for (const auto& [f, indexFile] : indexFiles) {
        const auto stream = runRssChild("rss-stream", f.path, indexFile);
        const auto player = runRssChild("rss-player", f.path, indexFile);
        const auto cell = [](const RssResult& r) {
            return r.ok ? fmt::format("{:.1f} MB ({:.0f} s)", r.overIdleMb, r.seconds)
                        : std::string("failed");
        };
        fmt::print("   {:<32} {:>18} {:>18}  {}\n", f.path.filename().string(), cell(stream),
                   cell(player),
                   verdict(stream.ok && stream.overIdleMb <= 120 &&
                           (!player.ok || player.overIdleMb <= 120)));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // A callback, not a level: the audio layer sets its own level on first use. What is measured
    // is decoding and analysis, not libav's per-frame complaints (AMR SID/NO_DATA frames log
    // "Corrupt bitstream" at error level) written to a terminal.
    av_log_set_callback(discardLibavLog);
    if (argc == 4 && std::string(argv[1]) == "rss-stream") {
        return rssStream(argv[2], argv[3]);
    }
    if (argc == 4 && std::string(argv[1]) == "rss-player") {
        return rssPlayer(argv[2], argv[3]);
    }
    if (argc < 2) {
        fmt::print(stderr, "usage: audio_bench CORPUS_DIR [--threads N] [--reps N] [--trials N] "
                           "[--no-ffmpeg] [--only import]\n");
        return 2;
    }
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    int reps = 3;
    int trials = 30;
    bool withFfmpeg = true;
    bool onlyImport = false;
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--no-ffmpeg") {
            withFfmpeg = false;
        } else if (i + 1 < argc && flag == "--threads") {
            threads = static_cast<unsigned>(std::max(1, std::stoi(argv[++i])));
        } else if (i + 1 < argc && flag == "--reps") {
            reps = std::max(1, std::stoi(argv[++i]));
        } else if (i + 1 < argc && flag == "--trials") {
            trials = std::max(1, std::stoi(argv[++i]));
        } else if (i + 1 < argc && flag == "--only" && std::string(argv[i + 1]) == "import") {
            onlyImport = true;
            ++i;
        } else {
            fmt::print(stderr, "audio_bench: unknown option {}\n", flag);
            return 2;
        }
    }
    return runAll(argv[1], threads, reps, trials, withFfmpeg, onlyImport);
}
