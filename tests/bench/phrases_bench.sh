#!/usr/bin/env bash
# Phrase matching against grep -F -f on the same text, side by side in one run.
#
# Usage: tests/bench/phrases_bench.sh BUILD_DIR [MEGABYTES=50] [REPETITIONS=5]
#
# Makes a demo day of 100 calls with BUILD_DIR/app/cli/callqc, replicates and perturbs its
# transcripts' segment text (inserted spaces, full-width punctuation, zero-width characters,
# shuffled order) into a plain text file of MEGABYTES, one segment per line, and phrase lists
# of 1, 10 and 500 phrases: the default phrase list's phrases, then generated ones, each a
# substring of the demo text (3-6 characters) with its last character replaced by another
# character of the text. They share prefixes with what agents say, so the automaton walks
# deep, but like real forbidden phrases they are rarely said in full.
# Then times, REPETITIONS times each, taking the median wall-clock seconds:
#   (a) LC_ALL=C grep -F -c -f phrases.txt corpus.txt
#   (b) BUILD_DIR/tests/bench/phrase_bench phrases.txt corpus.txt
# and prints both and the ratio (b)/(a). grep counts raw bytes; phrase_bench also normalises
# every line (width, punctuation, spaces, zero-width characters), so it finds more.
set -euo pipefail

build=${1:?usage: phrases_bench.sh BUILD_DIR [MEGABYTES] [REPETITIONS]}
megabytes=${2:-50}
reps=${3:-5}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work="$build/bench-phrases"
mkdir -p "$work"

if [[ ! -d "$work/demo/transcripts" ]]; then
    "$build/app/cli/callqc" demo "$work/demo" --calls 100 --seed 1 >/dev/null
fi

python3 - "$work" "$megabytes" "$source_dir/assets/checklists/phrases.toml" <<'PY'
import glob, json, os, random, re, sys
work, megabytes, rules = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
texts = []
for path in sorted(glob.glob(os.path.join(work, "demo", "transcripts", "*.json"))):
    with open(path, encoding="utf-8") as f:
        texts += [s["text"].replace("\n", " ") for s in json.load(f)["segments"]]
noise = [" ", "，", "\u3000", "\u200b", "、", "！"]
def perturb(text):
    chars = list(text)
    for _ in range(rng.randrange(3)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(noise))
    return "".join(chars)
target = megabytes * 1_000_000
size = 0
with open(os.path.join(work, "corpus.txt"), "w", encoding="utf-8") as out:
    while size < target:
        order = texts[:]
        rng.shuffle(order)
        for text in order:
            line = perturb(text) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            if size >= target:
                break
phrases = []
for phrase in re.findall(r'^phrase\s*=\s*"([^"]+)"', open(rules, encoding="utf-8").read(), re.M):
    if phrase not in phrases:
        phrases.append(phrase)
# Near-substrings of the demo text: a prefix that occurs, then a different last character.
words = [re.sub(r"[^\w]", "", t) for t in texts]
alphabet = sorted(set("".join(words)))
while len(phrases) < 500:
    text = rng.choice(words)
    if len(text) < 6:
        continue
    start = rng.randrange(len(text) - 5)
    phrase = text[start:start + rng.randrange(2, 6)] + rng.choice(alphabet)
    if phrase not in phrases:
        phrases.append(phrase)
for count in (1, 10, 500):
    with open(os.path.join(work, f"phrases_{count}.txt"), "w", encoding="utf-8") as out:
        out.write("".join(p + "\n" for p in phrases[:count]))
PY

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
seconds() { # runs "$@" once, prints wall-clock seconds
    local start end
    start=$(date +%s.%N)
    # Not >/dev/null: GNU grep notices that and stops at the first match.
    "$@" >"$work/out.txt"
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

corpus="$work/corpus.txt"
echo "corpus: $(du -m "$corpus" | cut -f1) MB, $(wc -l <"$corpus") lines; $reps repetitions, median"
printf '%-8s %12s %12s %8s %14s %14s\n' phrases grep_s matcher_s ratio grep_lines matcher_lines
for count in 1 10 500; do
    phrases="$work/phrases_$count.txt"
    grep_times=() bench_times=()
    for ((i = 0; i < reps; ++i)); do
        grep_times+=("$(seconds env LC_ALL=C grep -F -c -f "$phrases" "$corpus")")
        bench_times+=("$(seconds "$build/tests/bench/phrase_bench" "$phrases" "$corpus")")
    done
    grep_s=$(printf '%s\n' "${grep_times[@]}" | median)
    bench_s=$(printf '%s\n' "${bench_times[@]}" | median)
    grep_lines=$(LC_ALL=C grep -F -c -f "$phrases" "$corpus")
    bench_lines=$("$build/tests/bench/phrase_bench" "$phrases" "$corpus" |
        sed -E 's/.*matching_lines=([0-9]+).*/\1/')
    printf '%-8s %12.3f %12.3f %8.2f %14s %14s\n' "$(wc -l <"$phrases")" "$grep_s" "$bench_s" \
        "$(echo "$bench_s / $grep_s" | bc -l)" "$grep_lines" "$bench_lines"
done
