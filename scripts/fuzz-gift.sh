#!/usr/bin/env bash
# Coverage-guided fuzzing of the GIFT reader with libFuzzer (and AddressSanitizer).
# usage: scripts/fuzz-gift.sh [SECONDS]   (default 60)
# Builds the Banks model and GIFT sources with the fuzz entry point, then runs libFuzzer on a
# corpus seeded from the GIFT importer's tests; crashes are written to .build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/corpus"
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name Banks \
    -enable-upcoming-feature ExistentialAny \
    Sources/Banks/Bank.swift Sources/Banks/Item.swift Sources/Banks/BankDiagnostic.swift Sources/Banks/GIFT*.swift \
    scripts/fuzz/GIFTFuzzTarget.swift -o "$out/gift-fuzzer"
# Seeds: small valid and broken GIFT fragments.
printf '::Q1:: What? {=yes ~no}\n' > "$out/corpus/choice"
printf 'Sky is blue {T}\n\n2+2? {#4:0}\n\nName it {=a =b}\n' > "$out/corpus/mixed"
printf '$CATEGORY: a/b\n\n::T:: [html]<b>x</b> {~%%50%%a ~%%50%%b ~%%-100%%c}\n' > "$out/corpus/weights"
printf 'Match {=a -> b =c -> d}\n\nEssay {}\n\nbroken {=a\n' > "$out/corpus/broken"
"$out/gift-fuzzer" -max_total_time="$seconds" -timeout=5 -artifact_prefix="$out/" "$out/corpus"
