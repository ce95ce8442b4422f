#pragma once

#include <string>

namespace callqc::scoring {

// The languages the scoring module writes human text in (working, reasons, explanations).
enum class Language { Zh, En };

// A piece of user-facing text in both languages the product ships with.
struct LocalizedText {
    std::string zh;
    std::string en;

    [[nodiscard]] const std::string& in(Language language) const {
        return language == Language::Zh ? zh : en;
    }

    bool operator==(const LocalizedText&) const = default;
};

} // namespace callqc::scoring
