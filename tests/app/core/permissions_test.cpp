// Who may do what, where (issue 7): the whole role × action × in/out-of-scope matrix, the rules
// the issue names one by one with their messages, and customer-number masking.

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/core/permissions.hpp"

namespace callqc::core {
namespace {

/// What the matrix expects of one role and action.
enum class Expect {
    Refused,     ///< never
    InScopeOnly, ///< in the actor's projects (teams for a team lead; assigned where it says)
    Everywhere,  ///< a whole-database action: in and out of scope alike
};

constexpr Expect S = Expect::InScopeOnly;
constexpr Expect E = Expect::Everywhere;

/// The allowed actions of each role; every action not listed is refused in and out of scope.
const std::map<Role, std::map<Action, Expect>>& allowed() {
    static const std::map<Role, std::map<Action, Expect>> table{
        {Role::Inspector,
         {{Action::ViewQueue, S},
          {Action::SampleDay, S},
          {Action::OpenCall, S},
          {Action::PlayCall, S},
          {Action::ScoreCall, S},
          {Action::ReviseEvaluation, S},
          {Action::ReadEvaluation, S},
          {Action::ReadNotice, S},
          {Action::Annotate, S},
          {Action::Search, S},
          {Action::ExportReport, S},
          {Action::ExportClip, S},
          {Action::Import, E},
          {Action::Verify, E},
          {Action::SetAgentFocus, S},
          {Action::SetComplaint, S}}},
        {Role::Supervisor, {{Action::ViewQueue, S},        {Action::SampleDay, S},
                            {Action::OpenCall, S},         {Action::PlayCall, S},
                            {Action::ScoreCall, S},        {Action::ReassignCall, S},
                            {Action::ReviseEvaluation, S}, {Action::ReadEvaluation, S},
                            {Action::ReadNotice, S},       {Action::Annotate, S},
                            {Action::Search, S},           {Action::SearchFullNumber, S},
                            {Action::ExportReport, S},     {Action::ExportReportOutside, S},
                            {Action::ExportClip, S},       {Action::Import, E},
                            {Action::Verify, E},           {Action::Backup, E},
                            {Action::AuditVerify, E},      {Action::SetAgentFocus, S},
                            {Action::SetComplaint, S}}},
        {Role::Trainer,
         {{Action::OpenCall, S},
          {Action::PlayCall, S},
          {Action::ReadEvaluation, S},
          {Action::Search, S},
          {Action::ExportReport, S},
          {Action::ExportClip, S}}},
        {Role::TeamLead,
         {{Action::OpenCall, S},
          {Action::PlayCall, S},
          {Action::ReadEvaluation, S},
          {Action::ReadNotice, S},
          {Action::Search, S},
          {Action::ExportReport, S}}},
        {Role::Manager,
         {{Action::OpenCall, S},
          {Action::PlayCall, S},
          {Action::ReadEvaluation, S},
          {Action::ReadNotice, S},
          {Action::Search, S},
          {Action::SearchFullNumber, S},
          {Action::ExportReport, S},
          {Action::ExportReportOutside, S},
          {Action::AuditVerify, E},
          {Action::SetComplaint, S}}},
        {Role::Administrator,
         {{Action::Import, E},
          {Action::Verify, E},
          {Action::Backup, E},
          {Action::ManageUsers, E},
          {Action::AuditVerify, E}}},
    };
    return table;
}

Actor actorFor(Role role) {
    Actor actor{fmt::format("{}1", roleName(role)), role, {}, {}};
    if (role == Role::TeamLead) {
        actor.teams = {"客服一组"};
    } else {
        actor.projects = {"信用卡服务"};
    }
    return actor;
}

/// The call's project, its agent's team and whose queue it is in: all the actor's.
Subject inScopeFor(const Actor& actor) {
    return Subject{"信用卡服务", "客服一组", actor.user};
}

/// Another project, another team, another inspector's call.
Subject outOfScope() {
    return Subject{"宽带报修", "客服二组", "someone_else"};
}

TEST(PermissionMatrix, everyRoleEveryActionInAndOutOfScope) {
    int checked = 0;
    for (Role role : kAllRoles) {
        const Actor actor = actorFor(role);
        const auto& rules = allowed().at(role);
        for (Action action : kAllActions) {
            const auto found = rules.find(action);
            const Expect expect = found == rules.end() ? Expect::Refused : found->second;
            SCOPED_TRACE(fmt::format("{} × {}", roleName(role), actionName(action)));
            const auto in = authorize(actor, action, inScopeFor(actor));
            const auto out = authorize(actor, action, outOfScope());
            EXPECT_EQ(!in.has_value(), expect != Expect::Refused) << (in ? in->detail : "");
            EXPECT_EQ(!out.has_value(), expect == Expect::Everywhere) << (out ? out->detail : "");
            for (const auto& refusal : {in, out}) {
                if (refusal) {
                    EXPECT_EQ(refusal->kind, CoreError::Kind::Refused);
                    EXPECT_NE(refusal->detail.find(actor.user), std::string::npos)
                        << refusal->detail;
                }
            }
            // A role allowed nowhere is refused by the role check alone, too.
            EXPECT_EQ(!authorizeRole(actor, action).has_value(), expect != Expect::Refused);
            checked += 2;
        }
    }
    EXPECT_EQ(checked, 6 * 22 * 2);
}

TEST(PermissionMatrix, listsEveryActionOnceWithItsOwnName) {
    std::set<std::string_view> names;
    for (Action action : kAllActions) {
        names.insert(actionName(action));
    }
    EXPECT_EQ(names.size(), kAllActions.size());
    EXPECT_EQ(kAllActions.size(), 22u);
    EXPECT_EQ(static_cast<std::size_t>(kAllActions.back()) + 1, kAllActions.size());
    EXPECT_FALSE(names.contains("unknown"));
}

TEST(Permissions, anInspectorScoresOnlyCallsAssignedToThem) {
    const Actor qc{"qc1", Role::Inspector, {"信用卡服务"}, {}};
    EXPECT_FALSE(authorize(qc, Action::ScoreCall, {"信用卡服务", "客服一组", "qc1"}));
    const auto refused = authorize(qc, Action::ScoreCall, {"信用卡服务", "客服一组", "qc2"});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "qc1 (QC inspector) may score calls only of calls assigned to "
                               "them; this one is assigned to qc2");
    EXPECT_TRUE(authorize(qc, Action::Annotate, {"信用卡服务", "客服一组", "qc2"}));
    // Listening to a colleague's call of the same project is fine.
    EXPECT_FALSE(authorize(qc, Action::PlayCall, {"信用卡服务", "客服一组", "qc2"}));
    const auto otherQueue = authorize(qc, Action::ViewQueue, {"信用卡服务", "", "qc2"});
    ASSERT_TRUE(otherQueue);
    EXPECT_EQ(otherQueue->detail, "qc1 (QC inspector) may view only their own queue, not qc2's");
}

TEST(Permissions, aSupervisorReassignsAndScoresAnyCallOfTheirProjects) {
    const Actor lead{"sup1", Role::Supervisor, {"信用卡服务"}, {}};
    EXPECT_FALSE(authorize(lead, Action::ReassignCall, {"信用卡服务", "客服二组", "qc2"}));
    EXPECT_FALSE(authorize(lead, Action::ScoreCall, {"信用卡服务", "客服二组", "qc2"}));
    EXPECT_FALSE(authorize(lead, Action::ReviseEvaluation, {"信用卡服务", "客服二组", "qc2"}));
    const auto refused = authorize(lead, Action::ReassignCall, {"宽带报修", "客服二组", "qc2"});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "sup1 (quality supervisor) may reassign calls only in their own "
                               "projects (信用卡服务), not in project \"宽带报修\"");
}

TEST(Permissions, aTeamLeadReadsOnlyTheirTeam) {
    const Actor lead{"lead1", Role::TeamLead, {}, {"客服一组"}};
    EXPECT_FALSE(authorize(lead, Action::ReadEvaluation, {"宽带报修", "客服一组", ""}));
    EXPECT_FALSE(authorize(lead, Action::ReadNotice, {"信用卡服务", "客服一组", ""}));
    const auto refused = authorize(lead, Action::ReadEvaluation, {"信用卡服务", "客服二组", ""});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "lead1 (team lead) may read evaluations only of their own team "
                               "(客服一组), not of team \"客服二组\"");
    EXPECT_TRUE(inScope(lead, {"x", "客服一组", ""}));
    EXPECT_FALSE(inScope(lead, {"信用卡服务", "", ""}));
}

TEST(Permissions, onlySupervisorsAndManagersExportReportsOutsideTheTeam) {
    const Subject subject{"信用卡服务", "客服一组", ""};
    std::set<Role> mayExportOutside;
    for (Role role : kAllRoles) {
        Actor actor = actorFor(role);
        if (!authorize(actor, Action::ExportReportOutside, subject)) {
            mayExportOutside.insert(role);
        }
    }
    EXPECT_EQ(mayExportOutside, (std::set<Role>{Role::Supervisor, Role::Manager}));
    const Actor trainer{"t1", Role::Trainer, {"信用卡服务"}, {}};
    const auto refused = authorize(trainer, Action::ExportReportOutside, subject);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "t1 (trainer) may not export reports outside their team");
}

TEST(Permissions, onlyAdministratorsManageUsers) {
    for (Role role : kAllRoles) {
        const Actor actor = actorFor(role);
        EXPECT_EQ(!authorize(actor, Action::ManageUsers, {}).has_value(),
                  role == Role::Administrator)
            << roleName(role);
    }
    const auto refused = authorize(actorFor(Role::Supervisor), Action::ManageUsers, {});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "supervisor1 (quality supervisor) may not manage users");
}

TEST(Permissions, aManagerSeesOnlyTheirOwnProjectUnlessScopedToAll) {
    const Actor manager{"m1", Role::Manager, {"信用卡服务"}, {}};
    EXPECT_FALSE(authorize(manager, Action::OpenCall, {"信用卡服务", "客服二组", ""}));
    EXPECT_TRUE(authorize(manager, Action::OpenCall, {"宽带报修", "客服二组", ""}));
    EXPECT_TRUE(authorize(manager, Action::OpenCall, {"", "客服二组", ""}));
    const Actor director{"d1", Role::Manager, {"*"}, {}};
    EXPECT_FALSE(authorize(director, Action::OpenCall, {"宽带报修", "", ""}));
    EXPECT_FALSE(authorize(director, Action::OpenCall, {"", "", ""}));
    const Actor nobody{"n1", Role::Manager, {}, {}};
    const auto refused = authorize(nobody, Action::Search, {"宽带报修", "", ""});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->detail, "n1 (manager) may search calls only in their own projects (none), "
                               "not in project \"宽带报修\"");
}

TEST(Permissions, anAdministratorSeesNoCallContent) {
    const Actor admin{"root", Role::Administrator, {"*"}, {}};
    for (Action action : {Action::OpenCall, Action::PlayCall, Action::Search,
                          Action::ReadEvaluation, Action::ExportClip}) {
        EXPECT_TRUE(authorize(admin, action, {"信用卡服务", "客服一组", "root"}))
            << actionName(action);
    }
}

TEST(Masking, mobileNumbersKeepFirstThreeAndLastFour) {
    EXPECT_EQ(maskPhone("13812341234"), "138****1234");
    EXPECT_EQ(maskPhone("138-1234-5678"), "138****5678");
    EXPECT_EQ(maskPhone("138 1234 5678"), "138****5678");
    EXPECT_EQ(maskPhone("+86 138 1234 5678"), "+86 138****5678");
    EXPECT_EQ(maskPhone("+8613812345678"), "+86 138****5678");
    EXPECT_EQ(maskPhone("008613812345678"), "+86 138****5678");
    EXPECT_EQ(maskPhone("8613812345678"), "+86 138****5678");
}

TEST(Masking, landlinesKeepTheAreaCodeAndLastFour) {
    EXPECT_EQ(maskPhone("010-62345678"), "010-****5678");
    EXPECT_EQ(maskPhone("02087654321"), "020-****4321");
    EXPECT_EQ(maskPhone("0571-87654321"), "0571-****4321");
    EXPECT_EQ(maskPhone("0571-8765432"), "0571-***5432");
}

TEST(Masking, shortAndOddNumbersRevealLittle) {
    EXPECT_EQ(maskPhone("62345678"), "****5678");
    EXPECT_EQ(maskPhone("95588"), "***88");
    EXPECT_EQ(maskPhone("110"), "***");
    EXPECT_EQ(maskPhone("7"), "*");
    EXPECT_EQ(maskPhone("+1 415 555 0100"), "+141****0100");
    EXPECT_EQ(maskPhone("+44 20 7946 0958"), "+442*****0958");
    EXPECT_EQ(maskPhone("010-62345678-123"), "010*******8123");
    EXPECT_EQ(maskPhone(""), "");
    EXPECT_EQ(maskPhone("anonymous"), "anonymous");
    EXPECT_EQ(maskPhone("未知号码"), "未知号码");
}

TEST(Masking, everyNumberOfEightOrMoreDigitsHidesAtLeastFourAndKeepsTheLastFour) {
    for (const std::string number : {"13812341234", "+86 13812341234", "010-62345678",
                                     "0571-87654321", "62345678", "123456789012345"}) {
        const std::string masked = maskPhone(number);
        EXPECT_GE(std::count(masked.begin(), masked.end(), '*'), 4) << number << " → " << masked;
        EXPECT_TRUE(masked.ends_with(number.substr(number.size() - 4))) << number;
    }
}

TEST(Masking, onlySupervisorsAndManagersSeeFullNumbersAndOnlyWhenTheyAsk) {
    std::set<Role> full;
    for (Role role : kAllRoles) {
        if (seesFullNumbers(role)) {
            full.insert(role);
        }
        const Actor actor = actorFor(role);
        EXPECT_EQ(phoneFor(actor, "13812341234", false), "138****1234") << roleName(role);
        EXPECT_EQ(phoneFor(actor, "13812341234", true),
                  seesFullNumbers(role) ? "13812341234" : "138****1234")
            << roleName(role);
    }
    EXPECT_EQ(full, (std::set<Role>{Role::Supervisor, Role::Manager}));
    // Consistent with the search permission: who may search by full number sees it.
    for (Role role : kAllRoles) {
        const Actor actor = actorFor(role);
        EXPECT_EQ(seesFullNumbers(role),
                  !authorizeRole(actor, Action::SearchFullNumber).has_value())
            << roleName(role);
    }
}

} // namespace
} // namespace callqc::core
