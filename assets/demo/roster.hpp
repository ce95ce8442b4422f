#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "assets/demo/phrase_bank.hpp"
#include "assets/demo/speech_synth.hpp"

namespace callqc::demo {

struct Team {
    std::string_view name;
    QueueKind queue;
    double share; ///< of the day's calls
};

struct Agent {
    std::string_view id; ///< employee number, leading zeros kept
    std::string_view name;
    bool female;
    std::size_t team; ///< index into kTeams
};

inline constexpr std::array<Team, 3> kTeams = {{
    {"客服一组", QueueKind::CreditCard, 0.40},
    {"客服二组", QueueKind::Broadband, 0.35},
    {"电销组", QueueKind::Telesales, 0.25},
}};

inline constexpr std::array<Agent, 17> kAgents = {{
    {"008012", "王丽娜", true, 0},
    {"008015", "张伟", false, 0},
    {"008021", "李静", true, 0},
    {"008027", "刘洋", false, 0},
    {"008033", "陈晓燕", true, 0},
    {"008036", "杨帆", false, 0},
    {"009104", "赵敏", true, 1},
    {"009107", "黄磊", false, 1},
    {"009112", "周婷", true, 1},
    {"009118", "吴昊", false, 1},
    {"009120", "徐芳", true, 1},
    {"009125", "孙浩", false, 1},
    {"010203", "马晓丽", true, 2},
    {"010208", "朱俊", false, 2},
    {"010211", "胡佳怡", true, 2},
    {"010216", "郭强", false, 2},
    {"010219", "林雪", true, 2},
}};

/// The voice of kAgents[agentIndex]; the same agent always sounds the same.
[[nodiscard]] const Voice& agentVoice(std::size_t agentIndex);

struct CustomerVoice {
    Voice voice;
    bool female;
};

[[nodiscard]] const std::array<CustomerVoice, 4>& customerVoices();

} // namespace callqc::demo
