// Phrase matching throughput, for tests/bench/phrases_bench.sh to compare with grep -F: reads
// a phrase list (one phrase per line) and a text file (one transcript segment per line) and
// runs PhraseMatcher over every line, the way the station matches a day's transcripts. Not a
// test; prints counts and seconds.
//
// Usage: phrase_bench PHRASES.txt TEXT.txt

#include <chrono>
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scoring/phrases.hpp"

namespace {

using callqc::scoring::PhraseKind;
using callqc::scoring::PhraseMatcher;
using callqc::scoring::PhraseRule;
using callqc::scoring::Segment;
using callqc::scoring::Speaker;
using callqc::scoring::SpeakerFilter;

constexpr std::size_t kBatchSegments = 4096;

std::vector<PhraseRule> readPhrases(const char* path) {
    std::vector<PhraseRule> rules;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (callqc::scoring::normalizeText(line).empty()) {
            continue;
        }
        PhraseRule rule;
        rule.id = fmt::format("p{}", rules.size());
        rule.kind = PhraseKind::Forbidden;
        rule.phrase = line;
        rule.speaker = SpeakerFilter::Any;
        rules.push_back(std::move(rule));
    }
    return rules;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        fmt::print(stderr, "usage: phrase_bench PHRASES.txt TEXT.txt\n");
        return 2;
    }
    const auto begin = std::chrono::steady_clock::now();
    const PhraseMatcher matcher(readPhrases(argv[1]));
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) {
        fmt::print(stderr, "phrase_bench: {}: cannot open\n", argv[2]);
        return 1;
    }

    std::vector<Segment> batch(kBatchSegments);
    std::size_t filled = 0;
    std::size_t lines = 0;
    std::size_t bytes = 0;
    std::size_t hits = 0;
    std::size_t matchingLines = 0;
    std::chrono::steady_clock::duration matching{};
    const auto flush = [&] {
        batch.resize(filled);
        const auto start = std::chrono::steady_clock::now();
        const auto found = matcher.match(batch);
        matching += std::chrono::steady_clock::now() - start;
        std::size_t lastSegment = callqc::scoring::kNoSegment;
        for (const auto& hit : found) {
            hits += 1;
            if (hit.segmentIndex != lastSegment) {
                matchingLines += 1;
                lastSegment = hit.segmentIndex;
            }
        }
        batch.resize(kBatchSegments);
        filled = 0;
    };
    // The whole file at once, as grep reads in large blocks; then one segment per line.
    in.seekg(0, std::ios::end);
    std::string text(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0, std::ios::beg);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    bytes = text.size();
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) {
            end = text.size();
        }
        Segment& segment = batch[filled++];
        segment.speaker = Speaker::Agent;
        segment.startSec = 0;
        segment.endSec = 1;
        segment.text.assign(text, pos, end - pos); // keeps the buffer from batch to batch
        lines += 1;
        pos = end + 1;
        if (filled == kBatchSegments) {
            flush();
        }
    }
    flush();
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    const double matchSec = std::chrono::duration<double>(matching).count();
    fmt::print("phrases={} lines={} bytes={} matching_lines={} hits={} match_sec={:.3f} "
               "total_sec={:.3f} mb_per_sec={:.1f}\n",
               matcher.rules().size(), lines, bytes, matchingLines, hits, matchSec, total,
               static_cast<double>(bytes) / 1e6 / total);
    return 0;
}
