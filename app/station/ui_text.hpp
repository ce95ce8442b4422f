#pragma once

#include <string>

#include "scoring/language.hpp"

namespace callqc::station {

/// The workstation's own words in the chosen language (checklist wording comes from the file).
struct UiText {
    scoring::Language language = scoring::Language::Zh;
    const char* queueTitle;
    const char* reviewTitle;
    const char* transcriptTitle;
    const char* scorecardTitle;
    const char* inspector;
    const char* done;
    const char* agent;
    const char* team;
    const char* duration;
    const char* reason;
    const char* reasonRandom;
    const char* reasonFocus;
    const char* reasonNewHire;
    const char* reasonComplaint;
    const char* deadAir;
    const char* overtalk;
    const char* noCallOpen;
    const char* play;
    const char* pause;
    const char* loadingAudio;
    const char* output;
    const char* agentLane;
    const char* customerLane;
    const char* mixedLane;
    const char* pass;
    const char* fail;
    const char* notApplicable;
    const char* suggested;
    const char* critical;
    const char* comment;
    const char* commentRequired;
    const char* submit;
    const char* submitted;
    const char* draft;
    const char* score;
    const char* speakerAgent;
    const char* speakerCustomer;
    const char* noTranscript;
    const char* keysHelp;
    const char* speed;
    const char* skipSilence;
    const char* soloBoth;
    const char* soloAgent;
    const char* soloCustomer;
    const char* loopSetA;
    const char* loopSetB;
    const char* loopClear;
    const char* exportClip;    ///< the A–B loop as a clip file
    const char* exportingClip; ///< the clip is being written
    const char* clipExported;  ///< clip written to {}
    const char* audioFailed;
    const char* recordingChanged;
    const char* recordingUnreadable;
    const char* points;
    const char* occurrences;
    const char* annotationsTitle;
    const char* noAnnotations;
    const char* newNote;
    const char* noteHint;
    const char* commentHint;
    const char* keysTitle;
    const char* keysClose;
    const char* phraseHit;
    const char* note;
    const char* noMoreMarks;
    const char* allAnswered;
    const char* notesFinal;
    const char* deleteNote;
    const char* editNote;
    const char* item;
    const char* keyboardHere;
};

[[nodiscard]] const UiText& uiText(scoring::Language language);

} // namespace callqc::station
