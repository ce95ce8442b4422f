#include "app/core/permissions.hpp"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace callqc::core {
namespace {

/// How a role may do an action.
enum class Rule {
    Never,
    Anywhere, ///< a whole-database action: the role suffices
    InScope,  ///< the subject is in the actor's projects (teams for a team lead)
    Assigned, ///< in scope and assigned to the actor
    OwnQueue, ///< the actor's own queue
};

constexpr std::size_t kActionCount = kAllActions.size();

/// The permission table: one row per role, one column per Action in declaration order.
struct RoleRules {
    Role role;
    std::array<Rule, kActionCount> rules;
};

constexpr Rule N = Rule::Never;
constexpr Rule A = Rule::Anywhere;
constexpr Rule S = Rule::InScope;
constexpr Rule M = Rule::Assigned;
constexpr Rule Q = Rule::OwnQueue;

// clang-format off
constexpr std::array<RoleRules, kAllRoles.size()> kTable{{
    //                      View Samp Open Play Scor Reas Revi REva RNot Anno Srch Full ExpR ExpO Clip Impo Veri Back User Audi Focu Comp
    {Role::Inspector,     {{Q,   S,   S,   S,   M,   N,   M,   S,   S,   M,   S,   N,   S,   N,   S,   A,   A,   N,   N,   N,   S,   S}}},
    {Role::Supervisor,    {{S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   A,   A,   A,   N,   A,   S,   S}}},
    {Role::Trainer,       {{N,   N,   S,   S,   N,   N,   N,   S,   N,   N,   S,   N,   S,   N,   S,   N,   N,   N,   N,   N,   N,   N}}},
    {Role::TeamLead,      {{N,   N,   S,   S,   N,   N,   N,   S,   S,   N,   S,   N,   S,   N,   N,   N,   N,   N,   N,   N,   N,   N}}},
    {Role::Manager,       {{N,   N,   S,   S,   N,   N,   N,   S,   S,   N,   S,   S,   S,   S,   N,   N,   N,   N,   N,   A,   N,   S}}},
    {Role::Administrator, {{N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   N,   A,   A,   A,   A,   A,   N,   N}}},
}};
// clang-format on

Rule ruleFor(Role role, Action action) {
    const auto& row = kTable[static_cast<std::size_t>(role)];
    assert(row.role == role);
    return row.rules[static_cast<std::size_t>(action)];
}

std::string_view verb(Action action) {
    switch (action) {
    case Action::ViewQueue:
        return "view the queue";
    case Action::SampleDay:
        return "sample a day";
    case Action::OpenCall:
        return "open calls";
    case Action::PlayCall:
        return "play calls";
    case Action::ScoreCall:
        return "score calls";
    case Action::ReassignCall:
        return "reassign calls";
    case Action::ReviseEvaluation:
        return "revise evaluations";
    case Action::ReadEvaluation:
        return "read evaluations";
    case Action::ReadNotice:
        return "read corrective-action notices";
    case Action::Annotate:
        return "annotate calls";
    case Action::Search:
        return "search calls";
    case Action::SearchFullNumber:
        return "search by full customer number";
    case Action::ExportReport:
        return "export reports";
    case Action::ExportReportOutside:
        return "export reports outside their team";
    case Action::ExportClip:
        return "export clips and examples";
    case Action::Import:
        return "import recordings";
    case Action::Verify:
        return "verify recordings";
    case Action::Backup:
        return "back up the database";
    case Action::ManageUsers:
        return "manage users";
    case Action::AuditVerify:
        return "verify the audit trail";
    case Action::SetAgentFocus:
        return "set an agent's focus";
    case Action::SetComplaint:
        return "mark complaints";
    }
    return "do that";
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string listOrNone(const std::vector<std::string>& list) {
    return list.empty() ? std::string("none") : fmt::format("{}", fmt::join(list, ", "));
}

std::string who(const Actor& actor) {
    return fmt::format("{} ({})", actor.user, roleLabel(actor.role));
}

std::optional<CoreError> checkScope(const Actor& actor, Action action, const Subject& subject) {
    if (actor.role == Role::TeamLead) {
        if (contains(actor.teams, subject.team)) {
            return std::nullopt;
        }
        return refusedError(fmt::format("{} may {} only of their own team ({}), not of team \"{}\"",
                                        who(actor), verb(action), listOrNone(actor.teams),
                                        subject.team));
    }
    if (contains(actor.projects, kAllProjects) || contains(actor.projects, subject.project)) {
        return std::nullopt;
    }
    return refusedError(
        fmt::format("{} may {} only in their own projects ({}), not in project \"{}\"", who(actor),
                    verb(action), listOrNone(actor.projects), subject.project));
}

} // namespace

std::string_view actionName(Action action) {
    switch (action) {
    case Action::ViewQueue:
        return "view_queue";
    case Action::SampleDay:
        return "sample_day";
    case Action::OpenCall:
        return "open_call";
    case Action::PlayCall:
        return "play_call";
    case Action::ScoreCall:
        return "score_call";
    case Action::ReassignCall:
        return "reassign_call";
    case Action::ReviseEvaluation:
        return "revise_evaluation";
    case Action::ReadEvaluation:
        return "read_evaluation";
    case Action::ReadNotice:
        return "read_notice";
    case Action::Annotate:
        return "annotate";
    case Action::Search:
        return "search";
    case Action::SearchFullNumber:
        return "search_full_number";
    case Action::ExportReport:
        return "export_report";
    case Action::ExportReportOutside:
        return "export_report_outside";
    case Action::ExportClip:
        return "export_clip";
    case Action::Import:
        return "import";
    case Action::Verify:
        return "verify";
    case Action::Backup:
        return "backup";
    case Action::ManageUsers:
        return "manage_users";
    case Action::AuditVerify:
        return "audit_verify";
    case Action::SetAgentFocus:
        return "set_agent_focus";
    case Action::SetComplaint:
        return "set_complaint";
    }
    return "unknown";
}

std::optional<CoreError> authorizeRole(const Actor& actor, Action action) {
    if (ruleFor(actor.role, action) == Rule::Never) {
        return refusedError(fmt::format("{} may not {}", who(actor), verb(action)));
    }
    return std::nullopt;
}

std::optional<CoreError> authorize(const Actor& actor, Action action, const Subject& subject) {
    switch (ruleFor(actor.role, action)) {
    case Rule::Never:
        return refusedError(fmt::format("{} may not {}", who(actor), verb(action)));
    case Rule::Anywhere:
        return std::nullopt;
    case Rule::InScope:
        return checkScope(actor, action, subject);
    case Rule::Assigned:
        if (auto outside = checkScope(actor, action, subject)) {
            return outside;
        }
        if (subject.assignedInspector != actor.user) {
            return refusedError(
                fmt::format("{} may {} only of calls assigned to them; this one is assigned to {}",
                            who(actor), verb(action),
                            subject.assignedInspector.empty() ? std::string("no one")
                                                              : subject.assignedInspector));
        }
        return std::nullopt;
    case Rule::OwnQueue:
        if (subject.assignedInspector != actor.user) {
            return refusedError(fmt::format("{} may view only their own queue, not {}'s",
                                            who(actor), subject.assignedInspector));
        }
        return std::nullopt;
    }
    return refusedError(fmt::format("{} may not {}", who(actor), verb(action)));
}

bool inScope(const Actor& actor, const Subject& subject) {
    if (actor.role == Role::TeamLead) {
        return contains(actor.teams, subject.team);
    }
    return contains(actor.projects, kAllProjects) || contains(actor.projects, subject.project);
}

bool seesFullNumbers(Role role) {
    return role == Role::Supervisor || role == Role::Manager;
}

std::string maskPhone(std::string_view number) {
    std::string digits;
    for (char c : number) {
        if (c >= '0' && c <= '9') {
            digits += c;
        }
    }
    if (digits.empty()) {
        return std::string(number);
    }
    const auto firstNonSpace = number.find_first_not_of(" \t");
    const bool plus = firstNonSpace != std::string_view::npos && number[firstNonSpace] == '+';
    std::string prefix;
    if ((plus && digits.starts_with("86")) || digits.starts_with("0086") ||
        (digits.size() == 13 && digits.starts_with("861"))) {
        digits.erase(0, digits.starts_with("0086") ? 4 : 2);
        prefix = "+86 ";
    } else if (plus) {
        prefix = "+";
    }
    const std::size_t n = digits.size();
    const auto stars = [](std::size_t count) {
        return std::string(count, '*');
    };
    const auto last = [&](std::size_t count) {
        return digits.substr(n - count);
    };
    if (n == 11 && digits[0] == '1' && prefix != "+") {
        return prefix + digits.substr(0, 3) + "****" + last(4);
    }
    if (prefix.empty() && digits[0] == '0' && n >= 10 && n <= 12) {
        // 010 and 02x are three-digit area codes, the rest four (GB/T 13497 numbering).
        const std::size_t area = digits[1] == '1' || digits[1] == '2' ? 3 : 4;
        return digits.substr(0, area) + "-" + stars(n - area - 4) + last(4);
    }
    if (n >= 11) {
        return prefix + digits.substr(0, 3) + stars(n - 7) + last(4);
    }
    if (n >= 8) {
        return prefix + stars(n - 4) + last(4);
    }
    if (n >= 5) {
        return prefix + stars(n - 2) + last(2);
    }
    return prefix + stars(n);
}

std::string phoneFor(const Actor& actor, std::string_view number, bool full) {
    if (full && seesFullNumbers(actor.role)) {
        return std::string(number);
    }
    return maskPhone(number);
}

} // namespace callqc::core
