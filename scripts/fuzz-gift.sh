#!/usr/bin/env bash
# Coverage-guided fuzzing of the GIFT reader with libFuzzer (and AddressSanitizer).
# usage: scripts/fuzz-gift.sh [SECONDS]   (default 60)
# Builds the Banks module (with Yams) and the fuzz entry point, then runs libFuzzer on a
# corpus seeded from the GIFT importer's tests; crashes are written to .build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build-fuzz
mkdir -p "$out/corpus"
# The importer checks every item with the bank reader, so Banks is built whole, with Yams (from the
# package's checkout: run `swift build` once first) and its C parser.
yams=.build/checkouts/Yams/Sources
if [ ! -d "$yams/Yams" ]; then
    echo "fuzz-gift.sh: no Yams checkout in .build/checkouts; run swift build first" >&2
    exit 2
fi
mkdir -p "$out/cyaml"
# Yams with AddressSanitizer takes long to build on a busy machine: built again only when its
# checkout is newer than the library.
if [ ! -f "$out/libYams.a" ] || [ -n "$(find "$yams" -newer "$out/libYams.a" -name '*.[ch]*' -o -newer "$out/libYams.a" -name '*.swift' | head -1)" ]; then
    for c in "$yams"/CYaml/src/*.c; do
        clang -c -O2 -fsanitize=fuzzer-no-link,address -I "$yams/CYaml/include" "$c" -o "$out/cyaml/$(basename "$c" .c).o"
    done
    swiftc -parse-as-library -O -sanitize=address -module-name Yams -emit-library -static -D SWIFT_PACKAGE \
        -emit-module -emit-module-path "$out/Yams.swiftmodule" -I "$yams/CYaml/include" \
        "$yams"/Yams/*.swift -o "$out/libYams.a"
fi
swiftc -parse-as-library -sanitize=fuzzer,address -O -module-name Banks -swift-version 6 \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    -I "$out" -I "$yams/CYaml/include" Sources/Banks/*.swift scripts/fuzz/GIFTFuzzTarget.swift \
    "$out/libYams.a" "$out"/cyaml/*.o -o "$out/gift-fuzzer"
# Seeds: small valid and broken GIFT fragments.
printf '::Q1:: What? {=yes ~no}\n' > "$out/corpus/choice"
printf 'Sky is blue {T}\n\n2+2? {#4:0}\n\nName it {=a =b}\n' > "$out/corpus/mixed"
printf '$CATEGORY: a/b\n\n::T:: [html]<b>x</b> {~%%50%%a ~%%50%%b ~%%-100%%c}\n' > "$out/corpus/weights"
printf 'Match {=a -> b =c -> d}\n\nEssay {}\n\nbroken {=a\n' > "$out/corpus/broken"
"$out/gift-fuzzer" -max_total_time="$seconds" -timeout=5 -artifact_prefix="$out/" "$out/corpus"
