#include "app/station/settings.hpp"

#include <cstdlib>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace callqc::station {
namespace {

constexpr double kMinSpeed = 0.5;
constexpr double kMaxSpeed = 3.0;

std::string where(const std::filesystem::path& path, const toml::node& node, std::string_view key) {
    return fmt::format("{}:{}: {}", path.filename().string(), node.source().begin.line, key);
}

} // namespace

std::filesystem::path defaultSettingsPath() {
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config) {
        return std::filesystem::path(config) / "callqc" / "station.toml";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".config" / "callqc" /
           "station.toml";
}

tl::expected<StationSettings, std::string> loadSettings(const std::filesystem::path& path) {
    StationSettings settings;
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return settings;
    }
    toml::table root;
    try {
        root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        return tl::unexpected(fmt::format("{}:{}: {}", path.filename().string(),
                                          e.source().begin.line, e.description()));
    }
    const auto text = [&](std::string_view key, const toml::node* node,
                          std::string& out) -> tl::expected<void, std::string> {
        if (node == nullptr) {
            return {};
        }
        if (!node->is_string()) {
            return tl::unexpected(fmt::format("{}: must be a string", where(path, *node, key)));
        }
        out = node->value_or(std::string());
        return {};
    };
    const auto number = [&](std::string_view key, const toml::node* node, double low, double high,
                            double& out) -> tl::expected<void, std::string> {
        if (node == nullptr) {
            return {};
        }
        const auto value = node->value<double>();
        if (!value || *value < low || *value > high) {
            return tl::unexpected(
                fmt::format("{}: {} is not between {} and {}", where(path, *node, key),
                            value ? fmt::format("{}", *value) : "the value", low, high));
        }
        out = *value;
        return {};
    };

    std::string language = "zh";
    if (auto ok = text("language", root.get("language"), language); !ok) {
        return tl::unexpected(ok.error());
    }
    if (language != "zh" && language != "en") {
        return tl::unexpected(fmt::format("{}: \"{}\" is not zh or en",
                                          where(path, *root.get("language"), "language"),
                                          language));
    }
    settings.language = language == "en" ? scoring::Language::En : scoring::Language::Zh;
    if (auto ok = text("output_device", root.get("output_device"), settings.outputDevice); !ok) {
        return tl::unexpected(ok.error());
    }
    if (const toml::table* playback = root["playback"].as_table()) {
        if (auto ok = number("playback.speed", playback->get("speed"), kMinSpeed, kMaxSpeed,
                             settings.speed);
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (auto ok = number("playback.volume", playback->get("volume"), 0, 1, settings.volume);
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (const toml::node* skip = playback->get("skip_silence")) {
            if (!skip->is_boolean()) {
                return tl::unexpected(fmt::format("{}: must be true or false",
                                                  where(path, *skip, "playback.skip_silence")));
            }
            settings.skipSilence = skip->value_or(false);
        }
        std::string channel = "left";
        if (auto ok = text("playback.agent_channel", playback->get("agent_channel"), channel);
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (channel != "left" && channel != "right") {
            return tl::unexpected(fmt::format(
                "{}: \"{}\" is not left or right",
                where(path, *playback->get("agent_channel"), "playback.agent_channel"), channel));
        }
        settings.agentChannel = channel == "right" ? 1 : 0;
    }
    return settings;
}

tl::expected<void, std::string> saveSettings(const std::filesystem::path& path,
                                             const StationSettings& settings) {
    const auto fail = [&](const std::string& why) {
        return tl::unexpected(fmt::format("cannot write {}: {}", path.string(), why));
    };
    std::error_code error;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), error);
        if (error) {
            return fail(error.message());
        }
    }
    toml::table playback{
        {"speed", settings.speed},
        {"volume", settings.volume},
        {"skip_silence", settings.skipSilence},
        {"agent_channel", settings.agentChannel == 1 ? "right" : "left"},
    };
    toml::table root{
        {"language", settings.language == scoring::Language::En ? "en" : "zh"},
        {"output_device", settings.outputDevice},
        {"playback", std::move(playback)},
    };
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            return fail("the folder is not writable");
        }
        out << "# CallQC Station settings, written by its Settings screen.\n" << root << '\n';
        out.flush();
        if (!out) {
            return fail("the disk refused the write");
        }
    }
    std::filesystem::rename(temporary, path, error);
    if (error) {
        return fail(error.message());
    }
    return {};
}

} // namespace callqc::station
