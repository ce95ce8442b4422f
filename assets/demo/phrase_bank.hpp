#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callqc::demo {

enum class Speaker { Agent, Customer };

/// One thing said in a call: `text` is what the transcript shows, `pinyin` is what espeak-ng's
/// `cmn-latn-pinyin` voice speaks. Pinyin uses tone numbers (5 = neutral tone, `v` = ü), with the
/// tone changes of 不 and 一 written out as spoken; espeak applies third-tone sandhi itself.
struct Line {
    Speaker speaker;
    std::string text;
    std::string pinyin;
};

/// A few consecutive lines that belong together (a question and its answer).
using Exchange = std::vector<Line>;

/// The three lines of business of the demo call center.
enum class QueueKind { CreditCard, Broadband, Telesales };

/// Everything said in calls of one queue, apart from the lines shared by all queues.
struct QueueScript {
    std::string_view queue; ///< the metadata's queue column
    bool outbound;
    /// Openings: the customer's first line, then the agent's answer. For inbound queues the
    /// verification exchange goes between the first line and the rest.
    std::vector<Exchange> openings;
    Exchange verification; ///< empty for outbound calls
    std::vector<Exchange> topics;
};

[[nodiscard]] const QueueScript& queueScript(QueueKind queue);

/// The agent's greeting with their employee number read digit by digit ("您好，…工号008012，
/// 很高兴为您服务。").
[[nodiscard]] Line greeting(QueueKind queue, std::string_view employeeNo);

/// Exchanges that fit any call of the given direction.
[[nodiscard]] const std::vector<Exchange>& genericExchanges(bool outbound);

/// The manual's forbidden phrases (服务忌语), each after a customer line that provokes it.
[[nodiscard]] const std::vector<Exchange>& forbiddenExchanges();

/// The customer objecting to a forbidden phrase, and the agent apologising.
[[nodiscard]] const Exchange& forbiddenAftermath();

/// "请您稍等…" before a hold, and the agent's thanks when they come back.
[[nodiscard]] const Line& holdLine();
[[nodiscard]] const Line& holdReturnLine();

/// The manual's model confirmation line (先生/女士，不知道我刚才是否将您的问题解释清楚了？) and
/// the customer's reply.
[[nodiscard]] const Exchange& confirmation(bool femaleCustomer);

/// "Anything else?" and the goodbye, for the given direction.
[[nodiscard]] const Exchange& anythingElse(bool outbound);
[[nodiscard]] const Exchange& closing(bool outbound);

/// Every line (apart from the greeting) that a call of `queue` can contain, in a fixed order.
[[nodiscard]] std::vector<Line> callLines(QueueKind queue);

/// Tone-numbered pinyin for a string of digits read one by one as in an ID (1 is "yao1").
[[nodiscard]] std::string digitsPinyin(std::string_view digits);

} // namespace callqc::demo
