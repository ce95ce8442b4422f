#include "assets/demo/roster.hpp"

namespace callqc::demo {

// Rates are espeak words per minute; around 220 gives Mandarin at about 4.5 syllables a second,
// a call-center pace. Customers speak a little slower than agents reading their scripts.
const Voice& agentVoice(std::size_t agentIndex) {
    static const std::array<Voice, 2> female = {Voice{"cmn-latn-pinyin+f2", 62, 230},
                                                Voice{"cmn-latn-pinyin+f4", 55, 225}};
    static const std::array<Voice, 2> male = {Voice{"cmn-latn-pinyin+m3", 45, 225},
                                              Voice{"cmn-latn-pinyin+m1", 40, 220}};
    // Alternate the two voices of each gender down the roster.
    std::size_t sameGenderBefore = 0;
    for (std::size_t i = 0; i < agentIndex; ++i) {
        sameGenderBefore += kAgents[i].female == kAgents[agentIndex].female ? 1 : 0;
    }
    return (kAgents[agentIndex].female ? female : male)[sameGenderBefore % 2];
}

const std::array<CustomerVoice, 4>& customerVoices() {
    static const std::array<CustomerVoice, 4> voices = {{
        {Voice{"cmn-latn-pinyin+m2", 38, 205}, false},
        {Voice{"cmn-latn-pinyin+m6", 50, 200}, false},
        {Voice{"cmn-latn-pinyin+f1", 58, 210}, true},
        {Voice{"cmn-latn-pinyin+f5", 66, 215}, true},
    }};
    return voices;
}

} // namespace callqc::demo
