#include "app/station/station_app.hpp"

#include <fmt/format.h>
#include <imgui.h>

namespace callqc::station {
namespace {
constexpr auto kAutosaveDelay = std::chrono::milliseconds(1500);
constexpr double kSkipSec = 5.0;
} // namespace

StationApp::StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
                       scoring::Language language)
    : m_session(std::move(session)), m_player(std::move(sink)), m_text(&uiText(language)) {
    reloadQueue();
}

StationApp::~StationApp() {
    saveDraftNow();
    if (m_decoding.valid()) {
        m_decoding.wait();
    }
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
    m_player.unload();
    m_audioReady = false;
    m_call = std::move(*view);
    ++m_textGeneration;
    m_answers = m_call->answers;
    m_score = scoring::computeScore(m_call->checklist, m_answers, m_text->language);
    m_message.clear();
    if (m_decoding.valid()) {
        m_decoding.wait();
    }
    m_decoding = std::async(std::launch::async, [path = m_call->recording.filePath] {
        return audio::decodeFile(path);
    });
}

void StationApp::update() {
    if (m_decoding.valid() &&
        m_decoding.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        auto decoded = m_decoding.get();
        if (decoded) {
            auto pcm = std::make_shared<const audio::PcmBuffer>(std::move(decoded->pcm));
            auto loaded = m_player.load(std::move(pcm));
            m_audioReady = loaded.has_value();
            if (!loaded) {
                m_message = loaded.error().message();
            }
        } else {
            m_message = decoded.error().message();
        }
    }
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
    if (m_audioReady) {
        m_player.togglePlay();
    }
}

void StationApp::seek(double seconds) {
    m_player.seek(seconds);
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
    if (ImGui::IsKeyPressed(ImGuiKey_Space, false)) {
        togglePlay();
    }
    if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow)) {
        seek(m_player.positionSec() - kSkipSec);
    }
    if (ImGui::IsKeyPressed(ImGuiKey_RightArrow)) {
        seek(m_player.positionSec() + kSkipSec);
    }
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_Enter, false)) {
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
    review.audioReady = m_audioReady;
    review.playing = m_player.playing();
    review.positionSec = m_player.positionSec();
    review.outputName = m_player.sinkName();
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
                          t.occurrences}) {
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
