#include "assets/demo/demo_day.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assets/demo/call_builder.hpp"
#include "assets/demo/encode_queue.hpp"
#include "assets/demo/phrase_bank.hpp"
#include "assets/demo/prng.hpp"
#include "assets/demo/roster.hpp"
#include "assets/demo/speech_bank.hpp"
#include "audio/encoder.hpp"

namespace callqc::demo {

namespace {

namespace fs = std::filesystem;
using audio::EncodeFormat;

struct FormatChoice {
    EncodeFormat format;
    std::string_view extension;
    double share;
};

constexpr std::array<FormatChoice, 7> kFormats = {{
    {EncodeFormat::PcmS16Wav, ".wav", 0.22},
    {EncodeFormat::MulawWav, ".wav", 0.15},
    {EncodeFormat::AlawWav, ".wav", 0.13},
    {EncodeFormat::Mp3, ".mp3", 0.15},
    {EncodeFormat::OpusOgg, ".ogg", 0.10},
    {EncodeFormat::AacM4a, ".m4a", 0.12},
    {EncodeFormat::GsmWav, ".wav", 0.13},
}};

constexpr int kDayStartSec = 8 * 3600 + 30 * 60;
constexpr int kDayEndSec = 20 * 3600;

/// Splits `total` into parts proportional to `shares` (largest remainder), so that a day has the
/// planned mix exactly rather than by chance.
std::vector<std::size_t> apportionBag(int total, const std::vector<double>& shares, Prng& rng) {
    double sum = 0;
    for (const double s : shares) {
        sum += s;
    }
    std::vector<int> counts(shares.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    int assigned = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const double exact = total * shares[i] / sum;
        counts[i] = static_cast<int>(exact);
        assigned += counts[i];
        remainders.emplace_back(exact - counts[i], i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    for (std::size_t k = 0; assigned < total; ++k, ++assigned) {
        ++counts[remainders[k % remainders.size()].second];
    }
    std::vector<std::size_t> bag;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        bag.insert(bag.end(), static_cast<std::size_t>(counts[i]), i);
    }
    rng.shuffle(bag);
    return bag;
}

/// `round(total * fraction)` of the calls, chosen at random, get a feature.
std::vector<bool> exactlySome(int total, double fraction, Prng& rng) {
    const auto wanted = static_cast<std::size_t>(std::lround(total * fraction));
    std::vector<bool> marks(static_cast<std::size_t>(total), false);
    std::fill_n(marks.begin(), std::min(wanted, marks.size()), true);
    rng.shuffle(marks);
    return marks;
}

struct PlannedCall {
    std::string callId;
    std::string file; ///< relative to the day's folder
    int startSec = 0; ///< seconds after midnight
    const Agent* agent = nullptr;
    std::string phone;
    FormatChoice format{};
    bool stereo = true;
    CallSpec spec;
};

std::string mobileNumber(Prng& rng) {
    static constexpr std::array<std::string_view, 20> kPrefixes = {
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
        "151", "152", "157", "158", "159", "176", "186", "187", "188", "189"};
    std::string number(kPrefixes[rng.index(kPrefixes.size())]);
    for (int i = 0; i < 8; ++i) {
        number += static_cast<char>('0' + rng.between(0, 9));
    }
    return number;
}

bool validDate(std::string_view date) {
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
        return false;
    }
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (date[i] < '0' || date[i] > '9') {
            return false;
        }
    }
    const int month = (date[5] - '0') * 10 + (date[6] - '0');
    const int day = (date[8] - '0') * 10 + (date[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::vector<PlannedCall> planDay(const DemoOptions& options) {
    const int total = options.calls;
    Prng dayRng = Prng::derive(options.seed, 0);

    std::vector<double> teamShares;
    for (const Team& team : kTeams) {
        teamShares.push_back(team.share);
    }
    std::vector<double> formatShares;
    for (const FormatChoice& f : kFormats) {
        formatShares.push_back(f.share);
    }
    const std::vector<std::size_t> teams = apportionBag(total, teamShares, dayRng);
    const std::vector<std::size_t> formats = apportionBag(total, formatShares, dayRng);
    const std::vector<bool> deadAir = exactlySome(total, 0.15, dayRng);
    const std::vector<bool> overtalk = exactlySome(total, 0.20, dayRng);
    const std::vector<bool> forbidden = exactlySome(total, 0.12, dayRng);

    // Each team's calls go round its agents in a shuffled order, so the load is even.
    std::array<std::vector<const Agent*>, kTeams.size()> rota;
    std::array<std::size_t, kTeams.size()> rotaNext{};
    for (const Agent& agent : kAgents) {
        rota[agent.team].push_back(&agent);
    }
    for (auto& agents : rota) {
        dayRng.shuffle(agents);
    }

    std::string compactDate = options.date;
    compactDate.erase(std::remove(compactDate.begin(), compactDate.end(), '-'), compactDate.end());
    const double slotSec = static_cast<double>(kDayEndSec - kDayStartSec - 300) / total;

    std::vector<PlannedCall> calls;
    for (int i = 0; i < total; ++i) {
        const auto n = static_cast<std::size_t>(i);
        Prng rng = Prng::derive(options.seed, 1000 + n);
        PlannedCall call;
        call.callId = fmt::format("C{}-{:04d}", compactDate, i + 1);
        call.format = kFormats[formats[n]];
        call.file = fmt::format("audio/{}{}", call.callId, call.format.extension);
        call.startSec = kDayStartSec + static_cast<int>(slotSec * (i + dayRng.uniform(0.0, 0.8)));

        const std::size_t team = teams[n];
        call.agent = rota[team][rotaNext[team]++ % rota[team].size()];
        const auto agentIndex = static_cast<std::size_t>(call.agent - kAgents.data());
        call.phone = mobileNumber(rng);
        call.stereo = call.format.format != EncodeFormat::GsmWav && !rng.chance(0.15);

        CallSpec& spec = call.spec;
        spec.queue = kTeams[team].queue;
        spec.employeeNo = std::string(call.agent->id);
        spec.agentVoice = agentVoice(agentIndex);
        const CustomerVoice& customer = customerVoices()[rng.index(customerVoices().size())];
        spec.customerVoice = customer.voice;
        spec.femaleCustomer = customer.female;
        const double shape = rng.uniform();
        spec.targetSec = shape < 0.15   ? rng.uniform(20, 45)
                         : shape < 0.70 ? rng.uniform(45, 150)
                                        : rng.uniform(150, 235);
        spec.deadAir = deadAir[n];
        spec.overtalk = overtalk[n];
        spec.forbidden = forbidden[n];
        spec.confirmation = !rng.chance(0.15) && spec.targetSec >= 30;
        calls.push_back(std::move(call));
    }
    return calls;
}

std::string csvField(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(value);
    }
    std::string quoted = "\"";
    for (const char ch : value) {
        quoted += ch;
        if (ch == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string clockTime(int secondsOfDay) {
    return fmt::format("{:02d}:{:02d}:{:02d}", secondsOfDay / 3600, secondsOfDay / 60 % 60,
                       secondsOfDay % 60);
}

tl::expected<void, std::string> writeText(const fs::path& path, const std::string& text) {
    const fs::path temp = path.parent_path() / fmt::format(".{}.part", path.filename().string());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return tl::unexpected(fmt::format("{}: cannot create file", path.string()));
        }
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temp, ignored);
            return tl::unexpected(fmt::format("{}: cannot write file", path.string()));
        }
    }
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        return tl::unexpected(fmt::format("{}: cannot replace file", path.string()));
    }
    return {};
}

std::string transcriptJson(const std::string& callId, const CallAudio& call) {
    nlohmann::ordered_json segments = nlohmann::ordered_json::array();
    for (const PlacedSegment& s : call.segments) {
        nlohmann::ordered_json segment;
        segment["speaker"] = s.speaker == Speaker::Agent ? "agent" : "customer";
        segment["start"] = static_cast<double>(s.startCs) / 100.0;
        segment["end"] = static_cast<double>(s.endCs) / 100.0;
        segment["text"] = s.text;
        segments.push_back(std::move(segment));
    }
    nlohmann::ordered_json doc;
    doc["call_id"] = callId;
    doc["segments"] = std::move(segments);
    return doc.dump(2) + "\n";
}

tl::expected<void, std::string> makeFolder(const fs::path& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path)) {
        return tl::unexpected(fmt::format("{}: cannot create folder ({})", path.string(),
                                          ec ? ec.message() : "not a folder"));
    }
    return {};
}

} // namespace

tl::expected<DemoSummary, std::string> generateDemoDay(const fs::path& dir,
                                                       const DemoOptions& options) {
    if (options.calls < 1) {
        return tl::unexpected(fmt::format("{}: a demo day needs at least one call", dir.string()));
    }
    if (!validDate(options.date)) {
        return tl::unexpected(
            fmt::format("{}: date \"{}\" is not YYYY-MM-DD", dir.string(), options.date));
    }
    for (const fs::path& folder : {dir, dir / "audio", dir / "transcripts"}) {
        if (auto made = makeFolder(folder); !made) {
            return tl::unexpected(made.error());
        }
    }

    const auto speech = SpeechBank::instance();
    if (!speech) {
        return tl::unexpected(speech.error());
    }

    const std::vector<PlannedCall> plan = planDay(options);
    std::string csv =
        "call_id,file,start_time,duration_sec,agent_id,agent_name,team,queue,direction,"
        "customer_phone\n";
    DemoSummary summary;
    std::set<std::size_t> teams;
    std::set<std::string_view> agents;
    const int total = static_cast<int>(plan.size());
    if (options.progress) {
        options.progress(0, total);
    }

    // Calls are scripted and mixed here, one after the other; encoding runs beside it.
    const unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    EncodeQueue encoder(workers, 2 * static_cast<std::size_t>(workers));
    int reported = 0;
    const auto report = [&](int done) {
        for (; reported < done; ++reported) {
            if (options.progress) {
                options.progress(reported + 1, total);
            }
        }
    };

    for (std::size_t i = 0; i < plan.size(); ++i) {
        const PlannedCall& call = plan[i];
        Prng scriptRng = Prng::derive(options.seed, 1'000'000 + i);
        auto built = buildCall(call.spec, **speech, scriptRng);
        if (!built) {
            return tl::unexpected(fmt::format("{}: {}", (dir / call.file).string(), built.error()));
        }
        Prng noiseRng = Prng::derive(options.seed, 2'000'000 + i);
        encoder.push(
            {renderCall(*built, call.stereo, noiseRng), dir / call.file, call.format.format});
        const fs::path transcript = dir / "transcripts" / (call.callId + ".json");
        if (auto written = writeText(transcript, transcriptJson(call.callId, *built)); !written) {
            return tl::unexpected(written.error());
        }

        const std::int64_t lengthCs = built->lengthCs();
        const bool outbound = queueScript(call.spec.queue).outbound;
        const Team& team = kTeams[call.agent->team];
        csv += fmt::format(
            "{},{},{},{},{},{},{},{},{},{}\n", csvField(call.callId), csvField(call.file),
            csvField(options.date + " " + clockTime(call.startSec)), (lengthCs + 50) / 100,
            csvField(call.agent->id), csvField(call.agent->name), csvField(team.name),
            csvField(queueScript(call.spec.queue).queue), outbound ? "outbound" : "inbound",
            csvField(call.phone));

        ++summary.calls;
        summary.totalAudioSec += static_cast<double>(lengthCs) / 100.0;
        teams.insert(call.agent->team);
        agents.insert(call.agent->id);
        if (auto failed = encoder.firstError()) {
            return tl::unexpected(*failed);
        }
        report(encoder.completed());
    }
    if (auto failed = encoder.finish()) {
        return tl::unexpected(*failed);
    }
    report(total);

    if (auto written = writeText(dir / "metadata.csv", csv); !written) {
        return tl::unexpected(written.error());
    }
    summary.teams = static_cast<int>(teams.size());
    summary.agents = static_cast<int>(agents.size());
    return summary;
}

} // namespace callqc::demo
