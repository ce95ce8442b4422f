// Writes the fuzz seed corpus into DIR: DIR/decoder_fuzz (a quarter second of tone and silence
// in every format the encoder writes, mono and stereo where the format allows), DIR/csv_fuzz
// (metadata.csv in the shapes platforms export), DIR/transcript_fuzz (JSON, SRT and WebVTT
// transcripts, good and broken, one in GB18030) and one libFuzzer dictionary per target
// (DIR/<target>.dict). Deterministic; every file is far below the fuzzers' -max_len of 64 KiB. A
// format the encoder cannot write is reported and skipped.
//
// Usage: make_fuzz_seeds DIR

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "audio/encoder.hpp"
#include "audio/pcm_buffer.hpp"

namespace {

namespace fs = std::filesystem;
using callqc::audio::EncodeFormat;
using callqc::audio::EncodeOptions;

/// 0.25 s: a tone on each channel (different pitches) in the first half, silence after.
callqc::audio::PcmBuffer shortCall(int rateHz, int channels) {
    callqc::audio::PcmBuffer pcm;
    pcm.sampleRateHz = rateHz;
    const auto frames = static_cast<std::size_t>(rateHz / 4);
    pcm.channels.assign(static_cast<std::size_t>(channels), std::vector<float>(frames, 0.0f));
    for (std::size_t c = 0; c < pcm.channels.size(); ++c) {
        const double hz = 300.0 + 200.0 * static_cast<double>(c);
        for (std::size_t i = 0; i < frames / 2; ++i) {
            const double t = static_cast<double>(i) / rateHz;
            pcm.channels[c][i] = 0.4f * static_cast<float>(std::sin(2 * std::numbers::pi * hz * t));
        }
    }
    return pcm;
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// One dictionary entry per token, in libFuzzer's quoted form.
void writeDict(const fs::path& path, const std::vector<std::string>& tokens) {
    std::string text;
    for (const auto& token : tokens) {
        std::string escaped;
        for (const char ch : token) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                escaped += fmt::format("\\x{:02X}", c);
            } else {
                escaped += static_cast<char>(c);
            }
        }
        text += fmt::format("\"{}\"\n", escaped);
    }
    writeText(path, text);
}

struct AudioSeed {
    std::string name;
    EncodeOptions options;
    int rateHz = 8000;
    int channels = 1;
};

std::vector<AudioSeed> audioSeeds() {
    const auto with = [](EncodeFormat format) {
        EncodeOptions options;
        options.format = format;
        return options;
    };
    std::vector<AudioSeed> seeds{
        {"pcm16-mono.wav", with(EncodeFormat::PcmS16Wav), 8000, 1},
        {"pcm16-stereo.wav", with(EncodeFormat::PcmS16Wav), 16000, 2},
        {"pcm16-ext.wav", with(EncodeFormat::PcmS16WavExtensible), 8000, 2},
        {"pcm8.wav", with(EncodeFormat::PcmU8Wav), 8000, 1},
        {"pcm24.wav", with(EncodeFormat::PcmS24Wav), 16000, 1},
        {"float.wav", with(EncodeFormat::FloatWav), 8000, 2},
        {"mulaw.wav", with(EncodeFormat::MulawWav), 8000, 2},
        {"alaw.wav", with(EncodeFormat::AlawWav), 8000, 1},
        {"gsm.wav", with(EncodeFormat::GsmWav), 8000, 1},
        {"cbr.mp3", with(EncodeFormat::Mp3), 8000, 1},
        {"stereo.mp3", with(EncodeFormat::Mp3), 16000, 2},
        {"opus-mono.ogg", with(EncodeFormat::OpusOgg), 16000, 1},
        {"opus-stereo.ogg", with(EncodeFormat::OpusOgg), 8000, 2},
        {"aac.m4a", with(EncodeFormat::AacM4a), 8000, 1},
        {"flac-stereo.flac", with(EncodeFormat::Flac), 8000, 2},
        {"amr.amr", with(EncodeFormat::AmrNb), 8000, 1},
    };
    AudioSeed vbr{"vbr-id3.mp3", with(EncodeFormat::Mp3), 8000, 1};
    vbr.options.mp3VbrQuality = 6;
    vbr.options.title = "呼叫 0001";
    vbr.options.comment = "seed";
    seeds.push_back(vbr);
    AudioSeed dtx{"amr-dtx.amr", with(EncodeFormat::AmrNb), 8000, 1};
    dtx.options.amrDtx = true;
    dtx.options.amrMode = callqc::audio::AmrMode::Mr475;
    seeds.push_back(dtx);
    AudioSeed tagged{"tagged.wav", with(EncodeFormat::PcmS16Wav), 8000, 1};
    tagged.options.title = "call";
    tagged.options.comment = "seed";
    seeds.push_back(tagged);
    return seeds;
}

const char* const kCsvSeeds[] = {
    "call_id,file,start_time,duration_sec,agent_id,agent_name,team,queue,direction,"
    "customer_phone\r\n"
    "C0001,audio/C0001.wav,2026-11-25 09:00:00,63,A01,王芳,T1,billing,inbound,138****0001\r\n"
    "C0002,\"audio/C0002, part 1.mp3\",2026-11-25 09:05:00,120,A02,\"Li \"\"Lee\"\" Na\",T1,"
    "billing,outbound,\r\n",

    "\xEF\xBB\xBF录音编号,录音文件,开始时间,时长,坐席工号,坐席姓名,班组,技能组,呼叫方向,客户号码\n"
    "R1,r1.amr,2026-11-25 10:00:00,30,1001,张伟,一组,投诉,呼入,13800000000\n"
    "\n"
    "R2,\"r2\nsecond line.wav\",2026-11-25 10:01:00,31,1002,李娜,一组,投诉,呼出,\n",

    "a,b\n\"never closed,1\n",
    "a,b\nx\"y,2\n,,\n\r\n",
};

const char* const kTranscriptSeeds[] = {
    R"({"call_id": "C0001", "segments": [
  {"speaker": "agent", "start": 0.5, "end": 2.25, "text": "您好，请问有什么可以帮您？"},
  {"speaker": "customer", "start": 2.5, "end": 4, "text": "我的账单有问题。"},
  {"speaker": "agent", "start": 4.1, "end": 6.0, "text": "好的，请稍等。", "confidence": 0.9}
]})",
    R"({"segments": []})",
    R"({"call_id": "C2", "segments": [{"speaker": "agent", "start": 3, "end": 1, "text": "x"}]})",
    R"({"segments": [{"speaker": 1, "start": "0", "text": null}]})",
    R"({"segments": {}})",
    R"([1, 2, 3])",
    "1\r\n00:00:01,000 --> 00:00:03,500\r\n坐席：您好，<i>请问</i>有什么可以帮您？\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:05,250\r\nCustomer: my bill\r\nis wrong\r\n\r\n"
    "3\r\n00:00:06,000 --> 00:00:05,000\r\nA: backwards\r\n",
    "WEBVTT - call C0001\n\nNOTE exported by the platform\n\nSTYLE\n::cue { color: red }\n\n"
    "c1\n00:01.000 --> 00:03.500 align:start\n<v 坐席>您好 &amp; 欢迎</v>\n\n"
    "00:00:04.000 --> 00:00:05.000\n客户：&lt;账单&gt;&nbsp;问题\n",
    // GB18030 (GBK bytes) of {"segments":[{"speaker":"agent","start":0,"end":1,"text":"您好"}]}
    "{\"segments\":[{\"speaker\":\"agent\",\"start\":0,\"end\":1,\"text\":\"\xC4\xFA\xBA\xC3\"}]}",
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        fmt::print(stderr, "usage: make_fuzz_seeds DIR\n");
        return 2;
    }
    const fs::path dir = argv[1];
    for (const char* target : {"decoder_fuzz", "csv_fuzz", "transcript_fuzz"}) {
        fs::create_directories(dir / target);
    }

    int written = 0;
    for (const auto& seed : audioSeeds()) {
        const auto path = dir / "decoder_fuzz" / seed.name;
        if (fs::exists(path)) {
            ++written;
            continue;
        }
        auto ok =
            callqc::audio::encodeFile(shortCall(seed.rateHz, seed.channels), path, seed.options);
        if (!ok) {
            fmt::print(stderr, "make_fuzz_seeds: skipped {}: {}\n", seed.name, ok.error().detail);
            continue;
        }
        ++written;
    }
    int index = 0;
    for (const char* text : kCsvSeeds) {
        writeText(dir / "csv_fuzz" / fmt::format("seed-{}.csv", index++), text);
    }
    index = 0;
    for (const char* text : kTranscriptSeeds) {
        writeText(dir / "transcript_fuzz" / fmt::format("seed-{}.json", index++), text);
    }

    writeDict(dir / "decoder_fuzz.dict", {"RIFF",
                                          "WAVE",
                                          "fmt ",
                                          "data",
                                          "fact",
                                          "LIST",
                                          "INFO",
                                          "RF64",
                                          "ds64",
                                          std::string("\x01\x00", 2),
                                          std::string("\x06\x00", 2),
                                          std::string("\x07\x00", 2),
                                          std::string("\x31\x00", 2),
                                          std::string("\xFE\xFF", 2),
                                          "OggS",
                                          "OpusHead",
                                          "OpusTags",
                                          "fLaC",
                                          "ID3",
                                          "Xing",
                                          "Info",
                                          "LAME",
                                          "\xFF\xFB",
                                          "\xFF\xF3",
                                          "#!AMR\n",
                                          "ftyp",
                                          "M4A ",
                                          "moov",
                                          "mdat",
                                          "trak",
                                          "stsd",
                                          "mp4a",
                                          "esds",
                                          "\xFF\xF1"});
    writeDict(dir / "csv_fuzz.dict",
              {",", "\"", "\"\"", "\r\n", "\n", "\xEF\xBB\xBF", "call_id", "录音编号"});
    writeDict(dir / "transcript_fuzz.dict", {"{",
                                             "}",
                                             "[",
                                             "]",
                                             ":",
                                             ",",
                                             "\"segments\"",
                                             "\"speaker\"",
                                             "\"start\"",
                                             "\"end\"",
                                             "\"text\"",
                                             "\"agent\"",
                                             "\"customer\"",
                                             "\"call_id\"",
                                             "null",
                                             "true",
                                             "1e308",
                                             "-0",
                                             "\\u0000",
                                             "\\ud800"});
    fmt::print("wrote {} recordings, {} CSV files and {} transcripts into {}\n", written,
               std::size(kCsvSeeds), std::size(kTranscriptSeeds), dir.string());
    return 0;
}
