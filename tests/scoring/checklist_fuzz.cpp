// libFuzzer target: parseChecklist must never crash, and whatever it accepts must survive the
// canonical round trip unchanged.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scoring/checklist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto checklist = callqc::scoring::parseChecklist(text, "fuzz.toml");
    if (checklist) {
        const std::string canonical = callqc::scoring::canonicalChecklistToml(*checklist);
        const auto again = callqc::scoring::parseChecklist(canonical, "canonical.toml");
        if (!again || !(*again == *checklist)) {
            __builtin_trap();
        }
    }
    return 0;
}
