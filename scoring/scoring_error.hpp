#pragma once

#include <cstdint>
#include <string>

namespace callqc::scoring {

// An expected failure of the scoring module: a checklist or phrase list that cannot be read or
// does not make sense. `detail` is the complete human-readable message and already names the
// source, line and field ("default.toml:42: item 1.3: duplicate item id"); the other members
// carry the same facts for programs.
struct ScoringError {
    enum class Kind {
        Io,      // the file could not be read
        Syntax,  // not valid TOML
        Invalid, // valid TOML, but not a valid checklist / phrase list
    };

    Kind kind = Kind::Invalid;
    std::string detail;
    std::string source;     // file name or other source name given by the caller
    std::uint32_t line = 0; // 1-based; 0 when unknown
    std::string field;      // offending key, empty when not about one key
};

} // namespace callqc::scoring
