#include "app/station/station_app.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>
#include <imgui.h>

#include "app/core/audit.hpp"
#include "app/core/file_hash.hpp"
#include "app/core/permissions.hpp"
#include "app/station/ui_style.hpp"
#include "storage/database.hpp"

namespace callqc::station {
namespace {
constexpr auto kAutosaveDelay = std::chrono::milliseconds(1500);
constexpr double kSkipSec = 5.0;
constexpr double kFineSkipSec = 1.0;
constexpr double kSpeedStep = 0.25;
/// A jump forward lands on marks after the playhead; backward, on marks this far before it, so a
/// second press goes on past the mark the first landed on.
constexpr double kMarkAheadSec = 0.05;
constexpr double kMarkBackSec = 0.25;
/// A loop's A mark and the playhead closer than this make a moment, not a stretch.
constexpr double kMinStretchSec = 0.05;
/// Library rows fetched per page, and how far its match count goes.
constexpr int kLibraryPage = 200;
constexpr int kLibraryCountUpTo = 100000;
constexpr int kLibraryPageKeyRows = 20;

bool isBlank(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return c == ' ' || c == '\t'; });
}

/// Whether the chord was pressed this frame with exactly its modifiers (Alt never).
bool pressed(const Binding& binding, const ImGuiIO& io) {
    const KeyChord& chord = binding.chord;
    if (chord.type == KeyChord::Type::Char) {
        if (io.KeyCtrl || io.KeyAlt) {
            return false;
        }
        return std::find(io.InputQueueCharacters.begin(), io.InputQueueCharacters.end(),
                         static_cast<ImWchar>(chord.value)) != io.InputQueueCharacters.end();
    }
    if (io.KeyCtrl != chord.ctrl || io.KeyShift != chord.shift || io.KeyAlt) {
        return false;
    }
    const int index =
        chord.type == KeyChord::Type::Named ? ImGui::GetKeyIndex(chord.value) : chord.value;
    return index >= 0 && ImGui::IsKeyPressed(index, binding.repeat);
}

std::vector<audio::Interval> deadAirOf(const core::CallView& call) {
    std::vector<audio::Interval> out;
    for (const auto& [start, end] : call.profile.deadAir) {
        out.push_back(audio::Interval{start, end});
    }
    return out;
}
} // namespace

namespace {

std::filesystem::path defaultExportFolder() {
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / "callqc-exports";
}

/// The local time now as 'YYYYMMDD-HHMMSS', for export file names.
std::string fileStamp() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    return std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local) > 0 ? text : "export";
}

} // namespace

StationApp::StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
                       scoring::Language language)
    : StationApp(std::move(session), std::move(sink), [language] {
          StationOptions options;
          options.settings.language = language;
          return options;
      }()) {}

StationApp::StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
                       StationOptions options)
    : m_inspector(session.inspector()), m_actor(session.actor()), m_accounts(options.accounts),
      m_hasQueue(!core::authorizeRole(session.actor(), core::Action::ViewQueue)),
      m_dbPath(session.db().path()), m_checklist(session.checklist()), m_player(std::move(sink)),
      m_text(&uiText(options.settings.language)), m_words(&screenText(options.settings.language)),
      m_settingsPath(options.settingsPath), m_settingsMessage(options.settingsError),
      m_outputs(std::move(options.outputs)), m_background(std::make_unique<Background<StationApp>>(
                                                 std::move(session), std::move(options.wake))) {
    m_exportFolder = options.exportFolder.empty() ? defaultExportFolder() : options.exportFolder;
    if (m_outputs.list) {
        m_devices = m_outputs.list();
    }
    applySettings(options.settings, true);
    if (m_hasQueue) {
        reloadQueue();
    } else {
        m_firstQueue = false;
        showScreen(Screen::Library); // no queue of their own: they look calls up
    }
    if (m_actor.role == core::Role::Administrator) {
        reloadUsers();
    }
    browseTo(options.importFolder.empty() ? std::filesystem::current_path().string()
                                          : options.importFolder.string());
}

StationApp::~StationApp() {
    saveDraftNow();
    if (m_import) {
        m_import->progress->cancel = true;
    }
}

void StationApp::settle() {
    m_background->settle(*this);
}

bool StationApp::busy() const {
    return m_background->busy() || m_import.has_value() || m_opening.has_value();
}

void StationApp::reloadQueue() {
    if (!m_hasQueue) {
        return;
    }
    m_background->post([](core::Session& session) -> Background<StationApp>::Apply {
        auto rows = session.queue();
        return [rows = std::move(rows)](StationApp& app) mutable {
            if (rows) {
                app.takeQueue(std::move(*rows));
            } else {
                app.m_queueStatus = rows.error().message();
            }
        };
    });
}

void StationApp::takeQueue(std::vector<storage::QueueRow> rows) {
    m_queue = std::move(rows);
    m_queueStatus.clear();
    ++m_textGeneration;
    if (std::exchange(m_firstQueue, false)) {
        const auto todo = std::find_if(m_queue.begin(), m_queue.end(),
                                       [](const auto& row) { return row.status != "submitted"; });
        m_queueCursor =
            todo == m_queue.end() ? 0 : static_cast<std::size_t>(todo - m_queue.begin());
    }
    m_queueCursor = std::min(m_queueCursor, m_queue.empty() ? 0 : m_queue.size() - 1);
    if (m_call) {
        m_callIsMine = std::any_of(m_queue.begin(), m_queue.end(), [&](const auto& row) {
            return row.recordingId == m_call->recording.id;
        });
    }
}

void StationApp::openCall(std::int64_t recordingId) {
    saveDraftNow();
    const auto request = ++m_openRequest;
    m_opening = recordingId;
    m_background->post([recordingId,
                        request](core::Session& session) -> Background<StationApp>::Apply {
        auto view = session.openCall(recordingId);
        auto notes = view ? session.annotations(recordingId)
                          : core::CoreResult<std::vector<storage::AnnotationRecord>>();
        return
            [view = std::move(view), notes = std::move(notes), request](StationApp& app) mutable {
                if (request != app.m_openRequest) {
                    return; // another call was asked for since
                }
                app.m_opening.reset();
                if (!view) {
                    app.m_queueStatus = view.error().message();
                } else if (!notes) {
                    app.m_queueStatus = notes.error().message();
                } else {
                    app.showCall(std::move(*view), std::move(*notes));
                }
            };
    });
}

void StationApp::showCall(core::CallView view, std::vector<storage::AnnotationRecord> notes) {
    const std::int64_t recordingId = view.recording.id;
    m_player.close();
    m_loopA.reset();
    m_call = std::move(view);
    m_annotations = std::move(notes);
    ++m_textGeneration;
    m_answers = m_call->answers;
    m_score = scoring::computeScore(m_call->checklist, m_answers, m_text->language);
    m_message.clear();
    m_hint.clear();
    m_edit.reset();
    m_player.open(m_call->recording.filePath, m_call->seekIndex);
    m_player.setSpeed(m_settings.speed);
    m_playAudited.reset();
    m_integrityWarning.clear();
    m_integrityChecks.push_back(
        {recordingId,
         std::async(std::launch::async, [path = m_call->recording.filePath,
                                         expected = m_call->recording.sha256, text = m_text]() {
             auto hash = core::sha256File(path);
             if (!hash) {
                 return fmt::format("{} ({})", text->recordingUnreadable, hash.error());
             }
             return *hash == expected ? std::string() : std::string(text->recordingChanged);
         })});
    m_player.setSkipSilence(m_settings.skipSilence, m_settings.skipSilence
                                                        ? deadAirOf(*m_call)
                                                        : std::vector<audio::Interval>{});
    m_queueHasKeyboard = false;
    m_callIsMine = false;
    for (std::size_t i = 0; i < m_queue.size(); ++i) {
        if (m_queue[i].recordingId == recordingId) {
            m_queueCursor = i;
            m_scrollToCursor = true;
            m_callIsMine = true;
        }
    }
    const auto list = items();
    const auto first = std::find_if(list.begin(), list.end(),
                                    [this](const auto* item) { return needsAttention(*item); });
    m_focus = first == list.end() ? 0 : static_cast<std::size_t>(first - list.begin());
    m_scrollToFocus = true;
    m_screen = Screen::Review;
    m_selectTab = true;
}

void StationApp::update() {
    m_background->collect(*this);
    pollImport();
    for (auto it = m_integrityChecks.begin(); it != m_integrityChecks.end();) {
        if (it->problem.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            ++it;
            continue;
        }
        std::string problem = it->problem.get();
        if (!problem.empty()) {
            audit("recording.mismatch", it->recordingId, {{"problem", problem}});
        }
        if (m_call && m_call->recording.id == it->recordingId) {
            m_integrityWarning = std::move(problem);
        }
        it = m_integrityChecks.erase(it);
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
    const std::int64_t recordingId = m_call->recording.id;
    m_background->post([recordingId, answers = m_answers](
                           core::Session& session) -> Background<StationApp>::Apply {
        auto saved = session.saveEvaluation(recordingId, answers, false);
        return [saved = std::move(saved), recordingId](StationApp& app) {
            if (!saved) {
                app.m_message = saved.error().message();
                return;
            }
            if (app.m_call && app.m_call->recording.id == recordingId &&
                app.m_call->status.empty()) {
                app.m_call->status = "draft";
            }
            for (auto& row : app.m_queue) {
                if (row.recordingId == recordingId && row.status.empty()) {
                    row.status = "draft";
                }
            }
        };
    });
}

void StationApp::togglePlay() {
    m_player.togglePlay();
    if (m_call && m_player.playing() && m_playAudited != m_call->recording.id) {
        m_playAudited = m_call->recording.id; // once per opening, not per pause
        m_background->post([recordingId = m_call->recording.id](
                               core::Session& session) -> Background<StationApp>::Apply {
            auto played = session.playCall(recordingId); // PlayCall checked, call.play audited
            return [played = std::move(played)](StationApp& app) {
                if (!played) {
                    app.m_message = played.error().message();
                }
            };
        });
    }
}

void StationApp::audit(std::string action, std::int64_t recordingId, nlohmann::json detail) {
    m_background->post(
        [event = core::AuditEvent{m_actor.user, std::move(action),
                                  fmt::format("recording:{}", recordingId), std::move(detail)}](
            core::Session& session) -> Background<StationApp>::Apply {
            auto written = core::recordAudit(session.db(), event);
            return [written = std::move(written)](StationApp& app) {
                if (!written) {
                    app.m_message = written.error().message();
                }
            };
        });
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

void StationApp::exportLoopClip() {
    const auto loop = m_player.loop();
    if (!m_call || !loop || m_exportingClip) {
        return;
    }
    m_exportingClip = true;
    m_clipStatus.clear();
    core::ClipRequest request;
    request.startSec = loop->startSec;
    request.endSec = loop->endSec;
    request.format = audio::EncodeFormat::Mp3;
    request.outDir = m_exportFolder;
    request.customerChannel = m_settings.agentChannel == 0 ? 1 : 0;
    request.language = m_settings.language;
    m_background->post([recordingId = m_call->recording.id,
                        request](core::Session& session) -> Background<StationApp>::Apply {
        std::error_code ignored; // a folder that cannot be made is named by exportClip
        std::filesystem::create_directories(request.outDir, ignored);
        auto clip = session.exportClip(recordingId, request);
        return [clip = std::move(clip)](StationApp& app) {
            app.m_exportingClip = false;
            app.m_clipStatus =
                clip ? fmt::format(fmt::runtime(app.m_text->clipExported), clip->file.string())
                     : clip.error().message();
        };
    });
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
    if (!editable()) {
        return;
    }
    m_dirtySince.reset();
    const std::int64_t recordingId = m_call->recording.id;
    m_background->post([recordingId, answers = m_answers](
                           core::Session& session) -> Background<StationApp>::Apply {
        auto saved = session.saveEvaluation(recordingId, answers, true);
        auto queue = saved ? session.queue() : core::CoreResult<std::vector<storage::QueueRow>>();
        return [saved = std::move(saved), queue = std::move(queue),
                recordingId](StationApp& app) mutable {
            if (!app.m_call || app.m_call->recording.id != recordingId) {
                return; // the inspector has moved on; the queue shows the outcome
            }
            if (!saved) {
                app.m_message = saved.error().message();
                app.m_dirtySince = std::chrono::steady_clock::now();
                // The keyboard goes to the first item that stops the submission.
                const auto list = app.items();
                for (std::size_t i = 0; i < list.size(); ++i) {
                    if (app.needsAttention(*list[i]) &&
                        !app.m_call->suggestions.contains(list[i]->id)) {
                        app.setFocus(i);
                        break;
                    }
                }
                return;
            }
            app.submitted(queue ? std::move(*queue) : app.m_queue);
        };
    });
}

void StationApp::submitted(std::vector<storage::QueueRow> queue) {
    m_message.clear();
    const auto current = m_call->recording.id;
    takeQueue(std::move(queue));
    m_call->status = "submitted";
    m_edit.reset();
    // Straight on to the next call not yet submitted, after this one in the queue.
    const auto here = std::find_if(m_queue.begin(), m_queue.end(),
                                   [&](const auto& row) { return row.recordingId == current; });
    const std::size_t from =
        here == m_queue.end() ? 0 : static_cast<std::size_t>(here - m_queue.begin());
    for (std::size_t i = 1; i <= m_queue.size(); ++i) {
        const auto& row = m_queue[(from + i) % m_queue.size()];
        if (row.status != "submitted" && row.recordingId != current) {
            openCall(row.recordingId);
            return;
        }
    }
}

void StationApp::handleKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    const auto down = [](ImGuiKey key) {
        return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), false);
    };
    if (m_edit) {
        if (down(ImGuiKey_Enter) || down(ImGuiKey_KeyPadEnter)) {
            finishEdit(true);
        } else if (down(ImGuiKey_Escape)) {
            finishEdit(false);
        }
        return;
    }
    if (io.WantTextInput) {
        // In the Library's filter fields Enter searches (the field reports it); the screen keys
        // still work.
        for (const auto& binding : bindings()) {
            if (binding.command == Command::ShowScreen && pressed(binding, io)) {
                run(binding.command, binding.arg);
            }
        }
        return;
    }
    if (m_screen == Screen::Library) {
        libraryKeys();
    }
    std::vector<const Binding*> fired;
    for (const auto& binding : bindings()) {
        // Away from Review only the keys that work everywhere: screens, help, Esc.
        const bool everywhere = binding.command == Command::ShowScreen ||
                                binding.command == Command::Help ||
                                binding.command == Command::Cancel;
        if ((m_screen == Screen::Review || everywhere) && pressed(binding, io)) {
            fired.push_back(&binding);
        }
    }
    for (const Binding* binding : fired) {
        run(binding->command, binding->arg);
        if (m_edit) {
            break; // the rest of this frame's keys are the field's
        }
    }
}

void StationApp::run(Command command, int arg) {
    const double at = m_player.positionSec();
    switch (command) {
    case Command::TogglePlay:
        togglePlay();
        break;
    case Command::SeekBack:
        seek(at - kSkipSec);
        break;
    case Command::SeekForward:
        seek(at + kSkipSec);
        break;
    case Command::SeekBackFine:
        seek(at - kFineSkipSec);
        break;
    case Command::SeekForwardFine:
        seek(at + kFineSkipSec);
        break;
    case Command::SpeedDown:
        setSpeed(m_player.speed() - kSpeedStep);
        break;
    case Command::SpeedUp:
        setSpeed(m_player.speed() + kSpeedStep);
        break;
    case Command::SkipSilence:
        toggleSkipSilence();
        break;
    case Command::SoloAgent:
        setSolo(m_player.solo() == audio::Party::Agent ? -1 : 0);
        break;
    case Command::SoloCustomer:
        setSolo(m_player.solo() == audio::Party::Customer ? -1 : 1);
        break;
    case Command::Loop:
        cycleLoop();
        break;
    case Command::NextMark:
        jumpToMark(1, std::nullopt);
        break;
    case Command::PreviousMark:
        jumpToMark(-1, std::nullopt);
        break;
    case Command::NextDeadAir:
        jumpToMark(1, MarkKind::DeadAir);
        break;
    case Command::PreviousDeadAir:
        jumpToMark(-1, MarkKind::DeadAir);
        break;
    case Command::NextOvertalk:
        jumpToMark(1, MarkKind::Overtalk);
        break;
    case Command::PreviousOvertalk:
        jumpToMark(-1, MarkKind::Overtalk);
        break;
    case Command::NextHit:
        jumpToMark(1, MarkKind::Hit);
        break;
    case Command::PreviousHit:
        jumpToMark(-1, MarkKind::Hit);
        break;
    case Command::NextItem:
        if (m_queueHasKeyboard) {
            moveQueueCursor(1);
        } else {
            setFocus(m_focus + 1);
        }
        break;
    case Command::PreviousItem:
        if (m_queueHasKeyboard) {
            moveQueueCursor(-1);
        } else {
            setFocus(m_focus > 0 ? m_focus - 1 : 0);
        }
        break;
    case Command::Pass:
        answerFocused(scoring::AnswerValue::Pass);
        break;
    case Command::Fail:
        answerFocused(scoring::AnswerValue::Fail);
        break;
    case Command::NotApplicable:
        answerFocused(scoring::AnswerValue::NotApplicable);
        break;
    case Command::Digit:
        digitOnFocused(arg);
        break;
    case Command::Increase:
        adjustFocused(1);
        break;
    case Command::Decrease:
        adjustFocused(-1);
        break;
    case Command::Accept:
        if (m_queueHasKeyboard) {
            if (m_queueCursor >= m_queue.size()) {
                break;
            }
            const auto chosen = m_queue[m_queueCursor].recordingId;
            if (m_call && m_call->recording.id == chosen) {
                m_queueHasKeyboard = false; // already open: back to its scorecard
                m_scrollToFocus = true;
            } else {
                openCall(chosen);
            }
        } else {
            acceptFocused();
        }
        break;
    case Command::AcceptAll:
        acceptAll();
        break;
    case Command::Comment:
        startComment();
        break;
    case Command::Annotate:
        startNote(false);
        break;
    case Command::AnnotateItem:
        startNote(true);
        break;
    case Command::Submit:
        submit();
        break;
    case Command::NextCall:
        openAdjacent(1);
        break;
    case Command::PreviousCall:
        openAdjacent(-1);
        break;
    case Command::FocusQueue:
        m_queueHasKeyboard = !m_queueHasKeyboard || !m_call;
        m_scrollToCursor = m_queueHasKeyboard;
        m_scrollToFocus = !m_queueHasKeyboard;
        break;
    case Command::ShowScreen:
        if (const auto screen = static_cast<Screen>(std::clamp(arg, 0, 4)); screenAllowed(screen)) {
            showScreen(screen);
        }
        break;
    case Command::Help:
        m_showHelp = !m_showHelp;
        break;
    case Command::Cancel:
        if (m_showHelp) {
            m_showHelp = false;
        } else if (m_queueHasKeyboard && m_call) {
            m_queueHasKeyboard = false;
            m_scrollToFocus = true;
        } else {
            m_hint.clear();
        }
        break;
    }
}

std::vector<const scoring::ChecklistItem*> StationApp::items() const {
    std::vector<const scoring::ChecklistItem*> out;
    if (m_call) {
        for (const auto& section : m_call->checklist.sections) {
            for (const auto& item : section.items) {
                out.push_back(&item);
            }
        }
    }
    return out;
}

std::string StationApp::focusedItemId() const {
    const auto list = items();
    return m_focus < list.size() ? list[m_focus]->id : std::string();
}

bool StationApp::needsAttention(const scoring::ChecklistItem& item) const {
    const auto found = m_answers.find(item.id);
    if (found == m_answers.end() || found->second.value == scoring::AnswerValue::Unanswered) {
        return true;
    }
    if (m_call && m_call->suggestions.contains(item.id)) {
        return true; // suggested, not yet confirmed
    }
    return item.commentOnFail && scoring::isFailed(item, found->second) &&
           isBlank(found->second.comment);
}

bool StationApp::editable() const {
    return m_call && m_callIsMine && m_call->status != "submitted";
}

void StationApp::setFocus(std::size_t index) {
    const auto count = items().size();
    if (count == 0) {
        return;
    }
    m_focus = std::min(index, count - 1);
    m_scrollToFocus = true;
    m_queueHasKeyboard = false;
}

void StationApp::advanceFrom(std::size_t index) {
    const auto list = items();
    if (list.empty()) {
        return;
    }
    for (std::size_t step = 1; step <= list.size(); ++step) {
        const std::size_t next = (index + step) % list.size();
        if (needsAttention(*list[next])) {
            setFocus(next);
            return;
        }
    }
    m_hint = m_text->allAnswered;
    setFocus(index + 1);
}

void StationApp::answerFocused(scoring::AnswerValue value) {
    if (!editable()) {
        return;
    }
    const auto* item = items().at(m_focus);
    scoring::ItemAnswer answer = m_answers[item->id];
    answer.value = value;
    if (value == scoring::AnswerValue::Pass) {
        answer.points = item->kind == scoring::ItemKind::Points ? item->weight : answer.points;
        answer.occurrences = item->kind == scoring::ItemKind::Deduction ? 0 : answer.occurrences;
    }
    setAnswer(item->id, answer);
    m_queueHasKeyboard = false;
    if (item->commentOnFail && scoring::isFailed(*item, answer) && isBlank(answer.comment)) {
        startComment();
        m_advanceAfterEdit = true;
        return;
    }
    advanceFrom(m_focus);
}

void StationApp::digitOnFocused(int digit) {
    if (!editable()) {
        return;
    }
    const auto* item = items().at(m_focus);
    switch (item->kind) {
    case scoring::ItemKind::PassFail:
        if (digit >= 1 && digit <= 3) {
            answerFocused(digit == 1   ? scoring::AnswerValue::Pass
                          : digit == 2 ? scoring::AnswerValue::Fail
                                       : scoring::AnswerValue::NotApplicable);
        }
        return;
    case scoring::ItemKind::Points: {
        scoring::ItemAnswer answer = m_answers[item->id];
        answer.value = scoring::AnswerValue::Pass;
        answer.points = std::min(static_cast<double>(digit), item->weight);
        setAnswer(item->id, answer);
        return;
    }
    case scoring::ItemKind::Deduction: {
        scoring::ItemAnswer answer = m_answers[item->id];
        answer.value = scoring::AnswerValue::Pass;
        answer.occurrences = digit;
        setAnswer(item->id, answer);
        return;
    }
    }
}

void StationApp::adjustFocused(int step) {
    if (!editable()) {
        return;
    }
    const auto* item = items().at(m_focus);
    scoring::ItemAnswer answer = m_answers[item->id];
    const bool counted = answer.value == scoring::AnswerValue::Pass;
    if (item->kind == scoring::ItemKind::Points) {
        const double from = counted ? answer.points : 0.0;
        answer.points = std::clamp(from + step, 0.0, item->weight);
    } else if (item->kind == scoring::ItemKind::Deduction) {
        const int from = counted ? answer.occurrences : 0;
        answer.occurrences = std::max(0, from + step);
    } else {
        return;
    }
    answer.value = scoring::AnswerValue::Pass;
    setAnswer(item->id, answer);
}

void StationApp::acceptFocused() {
    if (!editable()) {
        return;
    }
    const auto* item = items().at(m_focus);
    if (m_call->suggestions.contains(item->id)) {
        setAnswer(item->id, m_answers[item->id]);
    }
    advanceFrom(m_focus);
}

void StationApp::acceptAll() {
    if (!editable()) {
        return;
    }
    std::vector<std::string> suggested;
    for (const auto& [itemId, reason] : m_call->suggestions) {
        suggested.push_back(itemId);
    }
    for (const auto& itemId : suggested) {
        setAnswer(itemId, m_answers[itemId]);
    }
    const auto list = items();
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (needsAttention(*list[i])) {
            setFocus(i);
            return;
        }
    }
    m_hint = m_text->allAnswered;
}

void StationApp::startComment() {
    if (!editable()) {
        return;
    }
    const auto* item = items().at(m_focus);
    InlineEdit edit;
    edit.kind = InlineEdit::Kind::Comment;
    edit.itemId = item->id;
    edit.text = m_answers[item->id].comment;
    edit.original = edit.text;
    m_edit = std::move(edit);
    m_advanceAfterEdit = false;
    ++m_edits;
    m_scrollToFocus = true;
}

void StationApp::startNote(bool aboutFocusedItem) {
    if (!m_call) {
        return;
    }
    if (!editable()) {
        m_hint = m_text->notesFinal;
        return;
    }
    InlineEdit edit;
    edit.kind = InlineEdit::Kind::NewNote;
    edit.atSec = m_player.positionSec();
    if (const auto loop = m_player.loop()) {
        edit.atSec = loop->startSec;
        edit.endSec = loop->endSec;
    } else if (m_loopA) {
        const double a = std::min(*m_loopA, edit.atSec);
        const double b = std::max(*m_loopA, edit.atSec);
        m_loopA.reset();
        edit.atSec = a;
        if (b - a > kMinStretchSec) {
            edit.endSec = b;
        }
    }
    if (aboutFocusedItem) {
        edit.itemId = focusedItemId();
    }
    m_edit = std::move(edit);
    ++m_edits;
}

void StationApp::editText(const std::string& text) {
    if (!m_edit) {
        return;
    }
    m_edit->text = text;
    if (m_edit->kind == InlineEdit::Kind::Comment && editable()) {
        // Typed into the draft as it is typed, so the autosave keeps all but its last seconds.
        m_answers[m_edit->itemId].comment = text;
        if (!m_dirtySince) {
            m_dirtySince = std::chrono::steady_clock::now();
        }
    }
}

void StationApp::finishEdit(bool keep) {
    if (!m_edit) {
        return;
    }
    const InlineEdit edit = std::move(*m_edit);
    m_edit.reset();
    const bool advance = std::exchange(m_advanceAfterEdit, false);
    if (!keep && edit.kind == InlineEdit::Kind::Comment && editable() &&
        m_answers[edit.itemId].comment != edit.original) {
        m_answers[edit.itemId].comment = edit.original; // Esc: as it was before the field opened
        m_dirtySince = std::chrono::steady_clock::now();
    }
    if (!keep || !editable()) {
        return;
    }
    switch (edit.kind) {
    case InlineEdit::Kind::Comment: {
        scoring::ItemAnswer answer = m_answers[edit.itemId];
        answer.comment = edit.text;
        setAnswer(edit.itemId, answer);
        ++m_textGeneration;
        const auto list = items();
        for (std::size_t i = 0; advance && i < list.size(); ++i) {
            if (list[i]->id == edit.itemId) {
                advanceFrom(i);
            }
        }
        break;
    }
    case InlineEdit::Kind::NewNote: {
        const std::int64_t recordingId = m_call->recording.id;
        m_background->post([recordingId,
                            edit](core::Session& session) -> Background<StationApp>::Apply {
            auto stored = session.addAnnotation(recordingId, edit.atSec, edit.endSec, edit.text,
                                                edit.itemId.empty() ? std::nullopt
                                                                    : std::optional(edit.itemId));
            return [stored = std::move(stored), recordingId](StationApp& app) mutable {
                if (!stored) {
                    app.m_message = stored.error().message();
                    return;
                }
                if (!app.m_call || app.m_call->recording.id != recordingId) {
                    return; // stored; shown when the call is opened again
                }
                const auto at = std::upper_bound(
                    app.m_annotations.begin(), app.m_annotations.end(), stored->startSec,
                    [](double sec, const storage::AnnotationRecord& a) {
                        return sec < a.startSec;
                    });
                app.m_annotations.insert(at, std::move(*stored));
                ++app.m_textGeneration;
            };
        });
        break;
    }
    case InlineEdit::Kind::Note: {
        const auto it = std::find_if(m_annotations.begin(), m_annotations.end(),
                                     [&](const auto& a) { return a.id == edit.annotationId; });
        if (it == m_annotations.end()) {
            break;
        }
        // Shown at once; a refusal from the database comes back as a message.
        it->note = edit.text;
        ++m_textGeneration;
        m_background->post(
            [annotation = *it](core::Session& session) -> Background<StationApp>::Apply {
                auto ok = session.updateAnnotationNote(annotation, annotation.note);
                return [ok = std::move(ok)](StationApp& app) {
                    if (!ok) {
                        app.m_message = ok.error().message();
                    }
                };
            });
        break;
    }
    }
}

void StationApp::focusItem(std::size_t index) {
    setFocus(index);
}

void StationApp::editAnnotation(std::int64_t annotationId) {
    if (!editable()) {
        return;
    }
    const auto it = std::find_if(m_annotations.begin(), m_annotations.end(),
                                 [&](const auto& a) { return a.id == annotationId; });
    if (it == m_annotations.end()) {
        return;
    }
    InlineEdit edit;
    edit.kind = InlineEdit::Kind::Note;
    edit.annotationId = annotationId;
    edit.itemId = it->itemId.value_or("");
    edit.atSec = it->startSec;
    edit.endSec = it->endSec;
    edit.text = it->note;
    m_edit = std::move(edit);
    ++m_edits;
}

void StationApp::deleteAnnotation(std::int64_t annotationId) {
    if (!editable()) {
        return;
    }
    const auto it = std::find_if(m_annotations.begin(), m_annotations.end(),
                                 [&](const auto& a) { return a.id == annotationId; });
    if (it == m_annotations.end()) {
        return;
    }
    m_background->post([annotation = *it](core::Session& session) -> Background<StationApp>::Apply {
        auto ok = session.deleteAnnotation(annotation);
        return [ok = std::move(ok)](StationApp& app) {
            if (!ok) {
                app.m_message = ok.error().message();
            }
        };
    });
    m_annotations.erase(it);
}

void StationApp::moveQueueCursor(int step) {
    if (m_queue.empty()) {
        return;
    }
    const auto last = static_cast<long>(m_queue.size()) - 1;
    m_queueCursor =
        static_cast<std::size_t>(std::clamp(static_cast<long>(m_queueCursor) + step, 0L, last));
    m_scrollToCursor = true;
}

void StationApp::openAdjacent(int step) {
    if (m_queue.empty()) {
        return;
    }
    if (!m_call) {
        openCall(m_queue[std::min(m_queueCursor, m_queue.size() - 1)].recordingId);
        return;
    }
    const auto here = std::find_if(m_queue.begin(), m_queue.end(), [&](const auto& row) {
        return row.recordingId == m_call->recording.id;
    });
    const auto from = here == m_queue.end() ? 0L : static_cast<long>(here - m_queue.begin());
    const auto to = std::clamp(from + step, 0L, static_cast<long>(m_queue.size()) - 1);
    if (to != from || here == m_queue.end()) {
        openCall(m_queue[static_cast<std::size_t>(to)].recordingId);
    }
}

std::vector<StationApp::Mark> StationApp::marks() const {
    std::vector<Mark> out;
    if (!m_call) {
        return out;
    }
    for (const auto& [start, end] : m_call->profile.deadAir) {
        out.push_back(
            {start, MarkKind::DeadAir, fmt::format("{}–{}", clockText(start), clockText(end))});
    }
    for (const auto& [start, end] : m_call->profile.overtalk) {
        out.push_back(
            {start, MarkKind::Overtalk, fmt::format("{}–{}", clockText(start), clockText(end))});
    }
    for (const auto& hit : m_call->hits) {
        if (!hit.missing && !hit.outOfPosition) {
            out.push_back({hit.startSec, MarkKind::Hit,
                           fmt::format("{} “{}”", clockText(hit.startSec), hit.phrase)});
        }
    }
    for (const auto& note : m_annotations) {
        out.push_back({note.startSec, MarkKind::Note,
                       fmt::format("{} {}", clockText(note.startSec), note.note)});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Mark& a, const Mark& b) { return a.sec < b.sec; });
    return out;
}

void StationApp::jumpToMark(int direction, std::optional<MarkKind> kind) {
    const auto all = marks();
    const double at = m_player.positionSec();
    const Mark* target = nullptr;
    if (direction > 0) {
        for (const auto& mark : all) {
            if ((!kind || mark.kind == *kind) && mark.sec > at + kMarkAheadSec) {
                target = &mark;
                break;
            }
        }
    } else {
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            if ((!kind || it->kind == *kind) && it->sec < at - kMarkBackSec) {
                target = &*it;
                break;
            }
        }
    }
    if (target == nullptr) {
        m_hint = m_text->noMoreMarks;
        return;
    }
    seek(target->sec);
    const char* name = target->kind == MarkKind::DeadAir    ? m_text->deadAir
                       : target->kind == MarkKind::Overtalk ? m_text->overtalk
                       : target->kind == MarkKind::Hit      ? m_text->phraseHit
                                                            : m_text->note;
    m_hint = fmt::format("→ {} {}", name, target->label);
}

bool StationApp::screenAllowed(Screen screen) const {
    switch (screen) {
    case Screen::Import:
        // Without accounts (a database from before them) anyone imports, as then.
        return !m_accounts || !core::authorizeRole(m_actor, core::Action::Import);
    case Screen::Admin:
        return m_actor.role == core::Role::Administrator;
    default:
        return true;
    }
}

void StationApp::showScreen(Screen screen) {
    if (screen == Screen::Library && m_librarySearch == 0) {
        searchLibrary(); // a first look lists every call, newest first
    }
    m_screen = screen;
    m_selectTab = true;
}

void StationApp::draw() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("CallQC Station", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    drawScreens();
    ImGui::End();
    if (m_showHelp && !drawShortcutOverlay(*m_text)) {
        m_showHelp = false;
    }
    m_scrollToFocus = false;
    m_scrollToCursor = false;
    m_libraryScroll = false;
}

void StationApp::drawScreens() {
    const std::pair<Screen, const char*> tabs[] = {
        {Screen::Review, m_words->tabReview}, {Screen::Library, m_words->tabLibrary},
        {Screen::Import, m_words->tabImport}, {Screen::Settings, m_words->tabSettings},
        {Screen::Admin, m_words->tabAdmin},
    };
    // Who is signed in, at the right of the tab row.
    const std::string who =
        fmt::format(fmt::runtime(m_words->signedInAs), m_actor.user, roleText(m_actor.role));
    const float whoWidth = ImGui::CalcTextSize(who.c_str()).x;
    const ImVec2 start = ImGui::GetCursorPos();
    ImGui::SetCursorPos(ImVec2(ImGui::GetWindowContentRegionMax().x - whoWidth, start.y + 3));
    ImGui::TextDisabled("%s", who.c_str());
    ImGui::SetCursorPos(start);
    if (!ImGui::BeginTabBar("screens")) {
        return;
    }
    const bool select = std::exchange(m_selectTab, false);
    for (std::size_t i = 0; i < std::size(tabs); ++i) {
        const auto [screen, name] = tabs[i];
        if (!screenAllowed(screen)) {
            continue;
        }
        const std::string label =
            fmt::format("{}  Ctrl+{}###tab{}", name, i + 1, static_cast<int>(screen));
        const ImGuiTabItemFlags flags =
            select && screen == m_screen ? ImGuiTabItemFlags_SetSelected : 0;
        if (!ImGui::BeginTabItem(label.c_str(), nullptr, flags)) {
            continue;
        }
        if (!select && screen != m_screen) {
            showScreen(screen); // clicked
        }
        switch (screen) {
        case Screen::Review:
            drawReview();
            break;
        case Screen::Library: {
            LibraryState state;
            state.filter = &m_libraryFilter;
            state.rows = &m_libraryRows;
            state.count = m_libraryCount;
            state.countCapped = m_libraryCountCapped;
            state.more = m_libraryNext.has_value();
            state.searching = m_librarySearching;
            state.status = m_libraryStatus;
            if (!m_libraryRows.empty()) {
                state.cursor = m_libraryCursor;
            }
            state.scrollToCursor = m_libraryScroll;
            state.openRecordingId = m_call ? std::optional(m_call->recording.id) : std::nullopt;
            state.canExport = !core::authorizeRole(m_actor, core::Action::ExportReport);
            state.exporting = m_exporting;
            state.exportStatus = m_exportStatus;
            drawLibraryPanel(state, *this, *m_text, *m_words);
            break;
        }
        case Screen::Import: {
            ImportState state;
            state.folder = &m_importFolder;
            state.subfolders = &m_importSubfolders;
            state.folderHasMetadata = m_importFolderHasMetadata;
            state.running = m_import.has_value();
            if (m_import) {
                state.cancelling = m_import->progress->cancel.load();
                state.done = m_import->progress->done.load();
                state.total = m_import->progress->total.load();
            }
            state.report = m_importReport ? &*m_importReport : nullptr;
            state.error = m_importError;
            drawImportPanel(state, *this, *m_words);
            break;
        }
        case Screen::Settings: {
            SettingsState state;
            state.settings = &m_settings;
            state.devices = &m_devices;
            state.path = m_settingsPath.empty() ? std::string("-") : m_settingsPath.string();
            state.message = m_settingsMessage;
            drawSettingsPanel(state, *this, *m_text, *m_words);
            break;
        }
        case Screen::Admin: {
            AdminState state;
            state.users = &m_users;
            state.form = &m_userForm;
            state.selected = m_selectedUser;
            state.message = m_adminMessage;
            state.busy = m_adminBusy;
            drawAdminPanel(state, *this, *m_words, m_text->language);
            break;
        }
        }
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

void StationApp::drawReview() {
    ImGui::BeginChild("queue", ImVec2(360, 0), true);
    ImGui::TextUnformatted(m_text->queueTitle);
    ImGui::Separator();
    QueueState queueState;
    queueState.rows = &m_queue;
    queueState.openRecordingId = m_call ? std::optional(m_call->recording.id) : std::nullopt;
    queueState.inspector = m_inspector;
    queueState.status = m_queueStatus;
    queueState.cursor = m_queueCursor;
    queueState.keyboardHere = m_queueHasKeyboard;
    queueState.scrollToCursor = m_scrollToCursor;
    drawQueuePanel(queueState, *this, *m_text);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("review", ImVec2(0, 0), true);
    ReviewState review;
    review.call = m_call ? &*m_call : nullptr;
    review.audioReady = audioReady();
    review.integrityWarning = m_integrityWarning;
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
    review.canExportClip = m_call && !core::authorizeRole(m_actor, core::Action::ExportClip);
    review.exportingClip = m_exportingClip;
    review.clipStatus = m_clipStatus;
    review.answers = &m_answers;
    review.score = &m_score;
    review.readOnly = m_call && !editable();
    review.message = m_message;
    if (m_call && !m_callIsMine && m_message.empty()) {
        review.message = m_words->readOnlyNotYours;
    }
    review.hint = m_hint;
    if (m_call) {
        review.focusedItem = m_focus;
    }
    review.keyboardHere = !m_queueHasKeyboard;
    review.scrollToFocus = m_scrollToFocus;
    review.annotations = &m_annotations;
    review.edit = m_edit ? &*m_edit : nullptr;
    const int edits = m_edits;
    drawReviewPanel(review, *this, *m_text);
    ImGui::EndChild();
    if (m_edit && m_edits == edits) {
        m_edit->focusNow = false; // asked for once it was drawn; a field opened by a click waits
    }
}

// --- Library ---

void StationApp::exportLibrary(storage::TableFormat format) {
    if (m_exporting) {
        return;
    }
    m_exporting = true;
    m_exportStatus.clear();
    const bool zh = m_settings.language == scoring::Language::Zh;
    const core::TableExportOptions options{
        m_exportFolder / fmt::format("{}-{}.{}", zh ? "通话清单" : "calls", fileStamp(),
                                     storage::tableFormatName(format)),
        format, false, m_settings.language};
    m_background->post([request = m_libraryRequest,
                        options](core::Session& session) -> Background<StationApp>::Apply {
        std::error_code ignored; // a folder that cannot be made is named by exportCalls
        std::filesystem::create_directories(options.out.parent_path(), ignored);
        auto written = session.exportCalls(request, options);
        return [written = std::move(written)](StationApp& app) {
            app.m_exporting = false;
            app.m_exportStatus = written ? fmt::format(fmt::runtime(app.m_words->exported),
                                                       written->rows, written->file.string())
                                         : written.error().message();
        };
    });
}

void StationApp::searchLibrary() {
    auto request = toSearchRequest(m_libraryFilter, kLibraryPage, kLibraryCountUpTo);
    if (!request) {
        m_libraryStatus = request.error();
        return;
    }
    m_libraryRequest = *request;
    const auto search = ++m_librarySearch;
    m_librarySearching = true;
    m_background->post(
        [request = *request, search](core::Session& session) -> Background<StationApp>::Apply {
            auto page = session.search(request);
            return [page = std::move(page), search](StationApp& app) mutable {
                if (search != app.m_librarySearch) {
                    return;
                }
                app.m_librarySearching = false;
                app.m_libraryCursor = 0;
                app.m_libraryScroll = true;
                if (!page) {
                    app.m_libraryStatus = page.error().message();
                    app.m_libraryRows.clear();
                    app.m_libraryNext.reset();
                    app.m_libraryCount.reset();
                    return;
                }
                app.m_libraryStatus.clear();
                app.m_libraryRows = std::move(page->rows);
                app.m_libraryNext = page->next;
                app.m_libraryCount = page->count;
                app.m_libraryCountCapped = page->countCapped;
                ++app.m_textGeneration;
            };
        });
}

void StationApp::clearLibraryFilter() {
    m_libraryFilter = LibraryFilter{};
    searchLibrary();
}

void StationApp::loadMoreLibrary() {
    if (!m_libraryNext || m_librarySearching) {
        return;
    }
    core::SearchRequest request = m_libraryRequest;
    request.after = m_libraryNext;
    request.countUpTo = 0;
    const auto search = m_librarySearch;
    m_librarySearching = true;
    m_background->post([request = std::move(request),
                        search](core::Session& session) -> Background<StationApp>::Apply {
        auto page = session.search(request);
        return [page = std::move(page), search](StationApp& app) mutable {
            if (search != app.m_librarySearch) {
                return;
            }
            app.m_librarySearching = false;
            if (!page) {
                app.m_libraryStatus = page.error().message();
                return;
            }
            app.m_libraryRows.insert(app.m_libraryRows.end(),
                                     std::make_move_iterator(page->rows.begin()),
                                     std::make_move_iterator(page->rows.end()));
            app.m_libraryNext = page->next;
            ++app.m_textGeneration;
        };
    });
}

void StationApp::selectLibraryRow(std::size_t index) {
    if (index < m_libraryRows.size()) {
        m_libraryCursor = index;
    }
}

void StationApp::openFromLibrary(std::int64_t recordingId) {
    openCall(recordingId);
}

void StationApp::libraryKeys() {
    if (m_libraryRows.empty() || ImGui::GetIO().WantTextInput) {
        return;
    }
    const auto key = [](ImGuiKey k) {
        return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), true);
    };
    const auto last = static_cast<long>(m_libraryRows.size()) - 1;
    long cursor = static_cast<long>(m_libraryCursor);
    if (key(ImGuiKey_DownArrow)) {
        ++cursor;
    } else if (key(ImGuiKey_UpArrow)) {
        --cursor;
    } else if (key(ImGuiKey_PageDown)) {
        cursor += kLibraryPageKeyRows;
    } else if (key(ImGuiKey_PageUp)) {
        cursor -= kLibraryPageKeyRows;
    } else if (key(ImGuiKey_Home)) {
        cursor = 0;
    } else if (key(ImGuiKey_End)) {
        cursor = last;
    } else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
               ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false)) {
        openFromLibrary(m_libraryRows[m_libraryCursor].id);
        return;
    } else {
        return;
    }
    m_libraryCursor = static_cast<std::size_t>(std::clamp(cursor, 0L, last));
    m_libraryScroll = true;
}

// --- Import ---

void StationApp::browseTo(const std::string& folder) {
    m_importFolder = folder;
    m_background->post([folder](core::Session&) -> Background<StationApp>::Apply {
        std::vector<FolderEntry> entries;
        std::error_code error;
        const std::filesystem::path here(folder);
        const bool hasMetadata = std::filesystem::is_regular_file(here / "metadata.csv", error);
        for (std::filesystem::directory_iterator it(here, error), end; !error && it != end;
             it.increment(error)) {
            std::error_code kindError;
            if (!it->is_directory(kindError)) {
                continue;
            }
            const std::string name = it->path().filename().string();
            if (name.empty() || name.front() == '.') {
                continue;
            }
            entries.push_back(
                {name, std::filesystem::is_regular_file(it->path() / "metadata.csv", kindError)});
        }
        std::sort(entries.begin(), entries.end(),
                  [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
        return [folder, entries = std::move(entries), hasMetadata](StationApp& app) mutable {
            if (app.m_importFolder == folder) {
                app.m_importSubfolders = std::move(entries);
                app.m_importFolderHasMetadata = hasMetadata;
                ++app.m_textGeneration;
            }
        };
    });
}

void StationApp::startImport() {
    if (m_import || m_importFolder.empty()) {
        return;
    }
    auto progress = std::make_shared<core::Progress>();
    auto result = std::async(
        std::launch::async,
        [dbPath = m_dbPath, folder = std::filesystem::path(m_importFolder), progress,
         actor = m_actor, accounts = m_accounts]() -> core::CoreResult<core::ImportReport> {
            auto db = storage::Database::open(dbPath);
            if (!db) {
                return tl::unexpected(
                    core::CoreError{core::CoreError::Kind::Storage, db.error().message()});
            }
            if (accounts) {
                if (auto refusal = core::authorize(actor, core::Action::Import, {})) {
                    return tl::unexpected(*refusal);
                }
            }
            auto report = core::importDay(*db, folder, core::ImportOptions{}, progress.get());
            if (!report) {
                return report;
            }
            if (auto audited = core::recordAudit(*db, {actor.user,
                                                       "import.day",
                                                       fmt::format("day:{}", folder.string()),
                                                       {{"imported", report->imported},
                                                        {"unchanged", report->unchanged},
                                                        {"rejected", report->rejected.size()},
                                                        {"cancelled", report->cancelled}}});
                !audited) {
                return tl::unexpected(audited.error());
            }
            return report;
        });
    m_import = RunningImport{std::move(progress), std::move(result)};
    m_importReport.reset();
    m_importError.clear();
}

void StationApp::cancelImport() {
    if (m_import) {
        m_import->progress->cancel = true;
    }
}

void StationApp::pollImport() {
    if (!m_import ||
        m_import->result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        return;
    }
    auto result = m_import->result.get();
    m_import.reset();
    if (result) {
        m_importReport = std::move(*result);
    } else {
        m_importError = result.error().message();
    }
    ++m_textGeneration;
    reloadQueue();
    if (m_librarySearch > 0) {
        searchLibrary(); // the new calls show in the library
    }
}

// --- Settings ---

void StationApp::changeSettings(const StationSettings& settings) {
    applySettings(settings, false);
    if (m_settingsPath.empty()) {
        return;
    }
    m_background->post(
        [path = m_settingsPath, settings](core::Session&) -> Background<StationApp>::Apply {
            auto saved = saveSettings(path, settings);
            return [saved = std::move(saved)](StationApp& app) {
                app.m_settingsMessage = saved ? std::string() : saved.error();
            };
        });
}

void StationApp::applySettings(const StationSettings& settings, bool initial) {
    const StationSettings before = std::exchange(m_settings, settings);
    if (initial || before.language != settings.language) {
        m_text = &uiText(settings.language);
        m_words = &screenText(settings.language);
        if (m_call) {
            m_score = scoring::computeScore(m_call->checklist, m_answers, m_text->language);
        }
        ++m_textGeneration;
    }
    m_player.setVolume(settings.volume);
    m_player.setAgentChannel(settings.agentChannel);
    if (!initial && before.outputDevice != settings.outputDevice && m_outputs.open) {
        auto sink = m_outputs.open(settings.outputDevice);
        if (!sink) {
            m_settingsMessage =
                fmt::format(fmt::runtime(m_words->deviceFailed), sink.error().message());
            sink = audio::makeNullSink();
        } else {
            m_settingsMessage.clear();
        }
        const double at = m_player.positionSec();
        m_player.setSink(std::move(*sink));
        if (m_call) {
            m_player.open(m_call->recording.filePath, m_call->seekIndex);
            m_player.seek(at);
        }
    }
}

// --- Administration ---

void StationApp::reloadUsers() {
    m_background->post([](core::Session& session) -> Background<StationApp>::Apply {
        auto users = core::listUsers(session.db(), session.actor());
        return [users = std::move(users)](StationApp& app) mutable {
            if (users) {
                app.m_users = std::move(*users);
                ++app.m_textGeneration;
            } else {
                app.m_adminMessage = users.error().message();
            }
        };
    });
}

void StationApp::selectUser(std::size_t index) {
    if (index < m_users.size()) {
        m_selectedUser = index;
    }
}

void StationApp::changeUser(std::function<core::CoreResult<void>(core::Session&)> change,
                            std::string done) {
    m_adminBusy = true;
    m_background->post([change = std::move(change), done = std::move(done)](
                           core::Session& session) -> Background<StationApp>::Apply {
        auto changed = change(session);
        auto users = core::listUsers(session.db(), session.actor());
        return [changed = std::move(changed), users = std::move(users),
                done](StationApp& app) mutable {
            app.m_adminBusy = false;
            app.m_adminMessage = changed ? done : changed.error().message();
            if (changed) {
                app.m_userForm.password.clear(); // kept no longer than needed
            }
            if (users) {
                app.m_users = std::move(*users);
                ++app.m_textGeneration;
            }
        };
    });
}

void StationApp::addUserFromForm() {
    const core::NewUser user = toNewUser(m_userForm);
    changeUser(
        [user, password = m_userForm.password](core::Session& session) {
            return core::addUser(session.db(), session.actor(), user, password);
        },
        fmt::format("+ {}", user.name));
}

void StationApp::setSelectedPassword() {
    if (!m_selectedUser || *m_selectedUser >= m_users.size()) {
        return;
    }
    const std::string name = m_users[*m_selectedUser].name;
    changeUser(
        [name, password = m_userForm.password](core::Session& session) {
            return core::setPassword(session.db(), session.actor(), name, password);
        },
        fmt::format("{}: {}", name, m_words->setPassword));
}

void StationApp::disableSelected() {
    if (!m_selectedUser || *m_selectedUser >= m_users.size()) {
        return;
    }
    const std::string name = m_users[*m_selectedUser].name;
    changeUser(
        [name](core::Session& session) {
            return core::disableUser(session.db(), session.actor(), name);
        },
        fmt::format("{}: {}", name, m_words->disabled));
}

const char* StationApp::roleText(core::Role role) const {
    return station::roleText(role, m_text->language);
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
                          t.annotationsTitle,
                          t.noAnnotations,
                          t.newNote,
                          t.noteHint,
                          t.commentHint,
                          t.keysTitle,
                          t.keysClose,
                          t.phraseHit,
                          t.note,
                          t.noMoreMarks,
                          t.allAnswered,
                          t.notesFinal,
                          t.deleteNote,
                          t.editNote,
                          t.item,
                          t.keyboardHere,
                          t.speed,
                          t.skipSilence,
                          t.soloBoth,
                          t.soloAgent,
                          t.soloCustomer,
                          t.loopSetA,
                          t.loopSetB,
                          t.loopClear,
                          t.exportClip,
                          t.exportingClip,
                          t.clipExported,
                          t.audioFailed,
                          t.recordingChanged,
                          t.recordingUnreadable}) {
        text += s;
    }
    for (const auto& section : m_checklist.sections) {
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
    for (const auto& group : helpGroups()) {
        text += std::string(group.zh) + group.en;
        for (const auto& row : group.rows) {
            text += std::string(row.keysZh) + row.keysEn + row.zh + row.en;
        }
    }
    for (const auto& binding : bindings()) {
        text += chordName(binding.chord, t.language);
    }
    for (const auto& note : m_annotations) {
        text += note.note;
    }
    for (const auto& [item, answer] : m_answers) {
        text += answer.comment;
    }
    if (m_edit) {
        text += m_edit->text;
    }
    for (const char* s : allStrings(*m_words)) {
        text += s;
    }
    for (const auto& row : m_libraryRows) {
        text += row.agentName + row.team + row.queue + row.callId;
    }
    for (const auto& entry : m_importSubfolders) {
        text += entry.name;
    }
    text += m_importFolder + m_importError + m_libraryStatus + m_settingsMessage;
    if (m_importReport) {
        for (const auto& row : m_importReport->rejected) {
            text += row.callId + row.file + row.reason;
        }
        for (const auto& warning : m_importReport->warnings) {
            text += warning;
        }
    }
    for (const auto& device : m_devices) {
        text += device;
    }
    for (const auto& user : m_users) {
        text += user.name + user.displayName;
        for (const auto& part : user.projects) {
            text += part;
        }
        for (const auto& part : user.teams) {
            text += part;
        }
    }
    text += m_actor.user + m_adminMessage + m_userForm.name + m_userForm.displayName +
            m_userForm.projects + m_userForm.teams;
    for (const auto role : core::kAllRoles) {
        text += roleText(role);
    }
    text += "中文English×●";
    text += m_message + m_queueStatus + m_hint + "–→“”";
    return text;
}

} // namespace callqc::station
