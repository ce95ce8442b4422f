#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "app/core/auth.hpp"
#include "app/core/core_error.hpp"

namespace callqc::core {

/// What an Actor may ask of app/core: one per use case of session.hpp and the CLI.
enum class Action {
    ViewQueue,           ///< an inspector's queue (subject.assignedInspector: whose)
    SampleDay,           ///< draw a day's sample for a project
    OpenCall,            ///< open a call: transcript, phrase hits, evaluation
    PlayCall,            ///< play its audio
    ScoreCall,           ///< save a draft or submit an evaluation
    ReassignCall,        ///< move a queued call to another inspector
    ReviseEvaluation,    ///< correct a submitted evaluation with a new version
    ReadEvaluation,      ///< see evaluation results (scores, answers)
    ReadNotice,          ///< read corrective-action notices
    Annotate,            ///< mark moments of a call being scored
    Search,              ///< search calls (customer numbers masked unless SearchFullNumber)
    SearchFullNumber,    ///< search by, and see, a full customer number (complaint handling)
    ExportReport,        ///< export a report for use inside one's own team or project
    ExportReportOutside, ///< send report data out of the team (运营报表数据外发)
    ExportClip,          ///< export clips and example recordings (numbers masked)
    Import,              ///< take in a day's recordings
    Verify,              ///< hash recordings again
    Backup,              ///< copy the database
    ManageUsers,         ///< add, list, disable users, set others' passwords
    AuditVerify,         ///< check the audit chain and sealed evaluations
    SetAgentFocus,       ///< flag an agent for focused listening (重点监听), set a hire date
    SetComplaint,        ///< mark a call as complained about
};

inline constexpr std::array kAllActions{Action::ViewQueue,        Action::SampleDay,
                                        Action::OpenCall,         Action::PlayCall,
                                        Action::ScoreCall,        Action::ReassignCall,
                                        Action::ReviseEvaluation, Action::ReadEvaluation,
                                        Action::ReadNotice,       Action::Annotate,
                                        Action::Search,           Action::SearchFullNumber,
                                        Action::ExportReport,     Action::ExportReportOutside,
                                        Action::ExportClip,       Action::Import,
                                        Action::Verify,           Action::Backup,
                                        Action::ManageUsers,      Action::AuditVerify,
                                        Action::SetAgentFocus,    Action::SetComplaint};

/// "view_queue", "sample_day", …: for audit entries and messages.
[[nodiscard]] std::string_view actionName(Action action);

/// What an action is about. Empty strings are values, not wildcards: a call with no queue is in
/// project "" (only a "*" scope covers it), an agent without a team is in team "".
struct Subject {
    std::string project;           ///< the call's queue (技能组/项目)
    std::string team;              ///< the agent's team
    std::string assignedInspector; ///< whose queue the call is in, or whose queue is meant
};

/// Whether `actor` may do `action` on `subject`: none when allowed, else a Refused CoreError
/// that names the user, the role and what is missing (role, project, team or assignment).
/// Import, Verify, Backup, ManageUsers and AuditVerify concern the whole database and ignore
/// `subject`. The rules (issue 7, domain/README.md 保密制度):
/// - inspector: their projects; scores and annotates only calls assigned to them, sees only their
///   own queue;
/// - supervisor: everything operational in their projects, including reassigning, revising,
///   full numbers and reports sent outside the team;
/// - trainer: opens, plays, searches, reads results and exports reports inside the project and
///   example clips, numbers masked;
/// - team lead: opens, plays, searches, reads evaluations, notices and reports of their teams only;
/// - manager: reads, plays, searches (full numbers too), exports reports, marks complaints in
///   their own projects only;
/// - administrator: users, import, verify, backup and the audit check; no call content.
[[nodiscard]] std::optional<CoreError> authorize(const Actor& actor, Action action,
                                                 const Subject& subject);

/// Whether `actor`'s role may do `action` anywhere at all: for list use cases that then keep
/// only the rows inScope() accepts.
[[nodiscard]] std::optional<CoreError> authorizeRole(const Actor& actor, Action action);

/// Whether `subject` is inside `actor`'s scope (projects, or teams for a team lead); assignment
/// is not considered. For filtering lists (search results, reports).
[[nodiscard]] bool inScope(const Actor& actor, const Subject& subject);

/// Roles that see customer numbers in full when they ask (supervisor, manager); everyone else
/// sees them masked everywhere, exports included.
[[nodiscard]] bool seesFullNumbers(Role role);

/// A customer number masked for display: a mobile number keeps its first 3 and last 4 digits
/// ("13812341234" → "138****1234", "+86 138-1234-1234" → "+86 138****1234"); a landline keeps
/// its area code and last 4 ("010-62345678" → "010-****5678", "057187654321" →
/// "0571-****4321"); other numbers of 8 or more digits keep first 3 and last 4, of 5 to 7 digits
/// the last 2 ("95588" → "***88"), shorter ones are all stars. Separators are dropped; text
/// without digits ("anonymous", "") comes back unchanged.
[[nodiscard]] std::string maskPhone(std::string_view number);

/// The number as `actor` sees it: full only when their role sees full numbers and `full` is
/// asked for (exports default to masked), else maskPhone().
[[nodiscard]] std::string phoneFor(const Actor& actor, std::string_view number, bool full);

} // namespace callqc::core
