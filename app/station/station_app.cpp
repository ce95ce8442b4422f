#include "app/station/station_app.hpp"

#include <fmt/format.h>
#include <imgui.h>

namespace callqc::station {
namespace {
constexpr auto kAutosaveDelay = std::chrono::milliseconds(1500);
constexpr double kSkipSec = 5.0;
constexpr double kSpeedStep = 0.25;

std::vector<audio::Interval> deadAirOf(const core::CallView& call) {
    std::vector<audio::Interval> out;
    for (const auto& [start, end] : call.profile.deadAir) {
        out.push_back(audio::Interval{start, end});
    }
    return out;
}
} // namespace

StationApp::StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
                       scoring::Language language)
    : m_session(std::move(session)), m_player(std::move(sink)), m_text(&uiText(language)) {
    reloadQueue();
}

StationApp::~StationApp() {
    saveDraftNow();
}

void StationApp::reloadQueue() {
    auto rows = m_session.queue();
    if (rows) {
        m_queue = std::move(*rows);
        m_queueStatus.clear();
        ++m_textGeneration;
    } else {
        m_queueStatus = rows.error().message();
    }
}

void StationApp::openCall(std::int64_t recordingId) {
    saveDraftNow();
    auto view = m_session.openCall(recordingId);
    if (!view) {
        m_queueStatus = view.error().message();
        return;
    }
    m_player.close();
    m_loopA.reset();
    m_call = std::move(*view);
    ++m_textGeneration;
    m_answers = m_call->answers;
    m_score = scoring::computeScore(m_call->checklist, m_answers, m_text->language);
    m_message.clear();
    m_player.open(m_call->recording.filePath, m_call->seekIndex);
    if (m_player.skipSilence()) {
        m_player.setSkipSilence(true, deadAirOf(*m_call));
    }
}

void StationApp::update() {
    if (m_dirtySince && std::chrono::steady_clock::now() - *m_dirtySince > kAutosaveDelay) {
        saveDraftNow();
    }
}

void StationApp::saveDraftNow() {
    if (!m_dirtySince || !m_call) {
        return;
    }
    m_dirtySince.reset();
    auto saved = m_session.saveEvaluation(m_call->recording.id, m_answers, false);
    if (!saved) {
        m_message = saved.error().message();
        return;
    }
    m_call->status = "draft";
    for (auto& row : m_queue) {
        if (row.recordingId == m_call->recording.id) {
            row.status = "draft";
        }
    }
}

void StationApp::togglePlay() {
    m_player.togglePlay();
}

void StationApp::seek(double seconds) {
    m_player.seek(seconds);
}

void StationApp::setSpeed(double speed) {
    m_player.setSpeed(speed);
}

void StationApp::toggleSkipSilence() {
    const bool on = !m_player.skipSilence();
    m_player.setSkipSilence(on, on && m_call ? deadAirOf(*m_call) : std::vector<audio::Interval>{});
}

void StationApp::setSolo(int party) {
    m_player.setSolo(party < 0    ? std::nullopt
                     : party == 0 ? std::optional(audio::Party::Agent)
                                  : std::optional(audio::Party::Customer));
}

void StationApp::cycleLoop() {
    const double at = m_player.positionSec();
    if (m_player.loop()) {
        m_player.setLoop(std::nullopt);
        m_loopA.reset();
    } else if (!m_loopA) {
        m_loopA = at;
    } else {
        const double a = std::min(*m_loopA, at);
        const double b = std::max(*m_loopA, at);
        m_loopA.reset();
        if (b - a > 0.05) {
            m_player.setLoop(audio::Interval{a, b});
        }
    }
}

void StationApp::setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) {
    if (!m_call || m_call->status == "submitted") {
        return;
    }
    m_answers[itemId] = answer;
    m_call->suggestions.erase(itemId);
    m_score = scoring::computeScore(m_call->checklist, m_answers, m_text->language);
    m_dirtySince = std::chrono::steady_clock::now();
}

void StationApp::submit() {
    if (!m_call || m_call->status == "submitted") {
        return;
    }
    m_dirtySince.reset();
    auto saved = m_session.saveEvaluation(m_call->recording.id, m_answers, true);
    if (!saved) {
        m_message = saved.error().message();
        return;
    }
    m_message.clear();
    const auto current = m_call->recording.id;
    reloadQueue();
    // Straight on to the next call not yet submitted.
    for (std::size_t i = 0; i < m_queue.size(); ++i) {
        const auto& row = m_queue[(i + 1) % m_queue.size()];
        if (row.status != "submitted" && row.recordingId != current) {
            openCall(row.recordingId);
            return;
        }
    }
    m_call->status = "submitted";
}

void StationApp::handleKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) {
        return;
    }
    // Dear ImGui 1.86 indexes keys by the backend's codes: named keys go through GetKeyIndex;
    // letters and brackets are GLFW's codes, which are their upper-case ASCII values.
    const auto named = [](ImGuiKey key, bool repeat) {
        return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
    };
    const auto typed = [&io](char key) {
        return !io.KeyCtrl && !io.KeyAlt && ImGui::IsKeyPressed(static_cast<int>(key), false);
    };
    if (named(ImGuiKey_Space, false)) {
        togglePlay();
    }
    if (named(ImGuiKey_LeftArrow, true)) {
        seek(m_player.positionSec() - kSkipSec);
    }
    if (named(ImGuiKey_RightArrow, true)) {
        seek(m_player.positionSec() + kSkipSec);
    }
    if (typed('[')) {
        setSpeed(m_player.speed() - kSpeedStep);
    }
    if (typed(']')) {
        setSpeed(m_player.speed() + kSpeedStep);
    }
    if (typed('S')) {
        toggleSkipSilence();
    }
    if (typed('A')) {
        setSolo(m_player.solo() == audio::Party::Agent ? -1 : 0);
    }
    if (typed('C')) {
        setSolo(m_player.solo() == audio::Party::Customer ? -1 : 1);
    }
    if (typed('L')) {
        cycleLoop();
    }
    if (io.KeyCtrl && named(ImGuiKey_Enter, false)) {
        submit();
    }
}

void StationApp::draw() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("CallQC Station", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::BeginChild("queue", ImVec2(360, 0), true);
    ImGui::TextUnformatted(m_text->queueTitle);
    ImGui::Separator();
    QueueState queueState{&m_queue, m_call ? std::optional(m_call->recording.id) : std::nullopt,
                          m_session.inspector(), m_queueStatus};
    drawQueuePanel(queueState, *this, *m_text);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("review", ImVec2(0, 0), true);
    ReviewState review;
    review.call = m_call ? &*m_call : nullptr;
    review.audioReady = audioReady();
    review.audioError = m_player.state() == audio::Player::State::Failed ? m_player.error() : "";
    review.playing = m_player.playing();
    review.positionSec = m_player.positionSec();
    review.outputName = m_player.sinkName();
    review.speed = m_player.speed();
    review.skipSilence = m_player.skipSilence();
    const auto solo = m_player.solo();
    review.solo = !solo ? -1 : *solo == audio::Party::Agent ? 0 : 1;
    review.loopA = m_loopA;
    review.loop = m_player.loop();
    review.answers = &m_answers;
    review.score = &m_score;
    review.readOnly = m_call && m_call->status == "submitted";
    review.message = m_message;
    drawReviewPanel(review, *this, *m_text);
    ImGui::EndChild();
    ImGui::End();
}

std::string StationApp::allText() const {
    std::string text;
    const auto& t = *m_text;
    for (const char* s : {t.queueTitle,
                          t.reviewTitle,
                          t.transcriptTitle,
                          t.scorecardTitle,
                          t.inspector,
                          t.done,
                          t.agent,
                          t.team,
                          t.duration,
                          t.reason,
                          t.reasonRandom,
                          t.reasonFocus,
                          t.reasonNewHire,
                          t.reasonComplaint,
                          t.deadAir,
                          t.overtalk,
                          t.noCallOpen,
                          t.play,
                          t.pause,
                          t.loadingAudio,
                          t.output,
                          t.agentLane,
                          t.customerLane,
                          t.mixedLane,
                          t.pass,
                          t.fail,
                          t.notApplicable,
                          t.suggested,
                          t.critical,
                          t.comment,
                          t.commentRequired,
                          t.submit,
                          t.submitted,
                          t.draft,
                          t.score,
                          t.speakerAgent,
                          t.speakerCustomer,
                          t.noTranscript,
                          t.keysHelp,
                          t.points,
                          t.occurrences,
                          t.speed,
                          t.skipSilence,
                          t.soloBoth,
                          t.soloAgent,
                          t.soloCustomer,
                          t.loopSetA,
                          t.loopSetB,
                          t.loopClear,
                          t.audioFailed}) {
        text += s;
    }
    for (const auto& section : m_session.checklist().sections) {
        text += section.title.zh + section.title.en;
        for (const auto& item : section.items) {
            text += item.title.zh + item.help.zh;
        }
    }
    for (const auto& row : m_queue) {
        text += row.agentName + row.team + row.explanation;
    }
    if (m_call) {
        for (const auto& segment : m_call->segments) {
            text += segment.text;
        }
        for (const auto& [item, reason] : m_call->suggestions) {
            text += reason;
        }
        text += m_call->recording.team + m_call->recording.agentName;
    }
    text += m_message + m_queueStatus;
    return text;
}

} // namespace callqc::station
