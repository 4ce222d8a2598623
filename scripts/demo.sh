#!/usr/bin/env bash
# The main job on the bundled example stories, end to end: analyse each story to JSON,
# show a readable summary, build a Parquet corpus and query it, write HTML reports.
# Run by `make demo` after .venv is set up; any failing step stops the demo loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
FICLENS="$BIN/ficlens"
OUT=out
CORPUS="$OUT/corpus"
REPORTS="$OUT/reports"
STEP="setup"
# Tables are drawn by rich; when the output goes to a file or pipe, draw them wide enough.
[ -t 1 ] || export COLUMNS="${COLUMNS:-120}"

# Say which step failed (and where to look) instead of dying silently.
trap 'rc=$?; [ "$rc" -ne 0 ] && echo "demo FAILED (exit $rc) during: $STEP" >&2' EXIT

step() {
  STEP="$1"
  printf '\n== %s\n' "$1"
}

[ -x "$FICLENS" ] || { echo "demo: $FICLENS not found; run \`make demo\` (it creates .venv)" >&2; exit 1; }

shopt -s nullglob
stories=(examples/*.txt examples/*.html examples/*.epub)
shopt -u nullglob
[ "${#stories[@]}" -gt 0 ] || { echo "demo: no example stories in examples/" >&2; exit 1; }

# The same story ships as .html and .epub, so outputs are named <stem>.<ext> to stay distinct.
out_name() {
  basename "$1"
}

mkdir -p "$OUT" "$REPORTS"

step "1/4 analyse each example story -> $OUT/<file>.json"
for f in "${stories[@]}"; do
  name=$(out_name "$f")
  "$FICLENS" analyze "$f" -o "$OUT/$name.json"
  echo "  $f -> $OUT/$name.json"
done

step "2/4 readable summaries (ficlens analyze --summary)"
for f in examples/the_orchard_war.txt examples/night_shift_on_copperline.html; do
  echo "-- $f"
  "$FICLENS" analyze "$f" --summary
done

step "3/4 the examples as a corpus: ficlens batch, then SQL with ficlens query"
# Batch resumes into an existing folder and would keep works analysed by older code of the
# same version, so the demo starts the corpus afresh to match the JSON files above.
rm -rf "$CORPUS"
"$FICLENS" batch examples --out "$CORPUS" --workers 0 --log-interval 60
echo
echo "-- every story: point of view, tense, narrator, size"
"$FICLENS" query "$CORPUS" "SELECT regexp_extract(path, '[^/]+$') AS story, pov, tense,
    coalesce(narrator_name, focal_character_name) AS narrator_or_focal,
    words, chapters, characters, quotes
  FROM works ORDER BY story"
echo "-- the top speaker of each story, and how many quotations have a speaker"
"$FICLENS" query "$CORPUS" "WITH lines AS (
    SELECT work_id, speaker_name, count(*) AS n FROM quotes
    WHERE speaker_name IS NOT NULL GROUP BY ALL)
  SELECT regexp_extract(w.path, '[^/]+$') AS story, arg_max(l.speaker_name, l.n) AS top_speaker,
    max(l.n) AS their_quotes, sum(l.n) AS attributed, w.quotes AS quotes
  FROM lines l JOIN works w USING (work_id)
  GROUP BY story, w.quotes ORDER BY story"

step "4/4 HTML reports -> $REPORTS/"
for f in "${stories[@]}"; do
  name=$(out_name "$f")
  "$FICLENS" report "$OUT/$name.json" -o "$REPORTS/$name.html"
  echo "  $REPORTS/$name.html"
done
"$FICLENS" report "$CORPUS" -o "$REPORTS/corpus.html"
echo "  $REPORTS/corpus.html"

STEP="done"
echo
echo "Done. What was written where:"
row() { printf '  %-26s %s\n' "$1" "$2"; }
row "$OUT/<file>.json" "one contract JSON per example file (${#stories[@]}; schema: ficlens schema)"
row "$CORPUS/" "Parquet tables: works, chapters, scenes, paratext, characters, quotes,"
row "" "relationships, errors (columns: docs/tables.md)"
row "$REPORTS/<file>.html" "an offline HTML report per example file"
row "$REPORTS/corpus.html" "the corpus report: open it in a browser to start"
echo "Try: $FICLENS query $CORPUS \"SELECT name, aliases, mention_count FROM characters\""
