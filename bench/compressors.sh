#!/usr/bin/env bash
# Compressor throughput (JMH): encode, decodeAdd and their round trip of d floats per operation, on the JDK
# the launcher runs on, Java quantizers and OpenCL kernels, beside a plain copy of the same array in the same run.
#
#   bench/compressors.sh                      # all compressors, d = 1e6 and 1e7, java and opencl
#   JMH_ARGS="-f 1 -wi 1 -i 1 -p compressor=sign,qsgd:16 -p d=1000000" bench/compressors.sh
#   (a -p of JMH_ARGS overrides the script's own: the OpenCL pass then runs whatever compressors it names)
#
# Writes bench/results/compressors-jmh.csv (JMH's own CSV) and bench/results/compressors.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
OUT=bench/results
mkdir -p "$OUT"
bin/setup --no-build >/dev/null
mvn -B -q -Dstyle.color=never -Pbench -DskipTests package
# Long warm-up: C2 needs several seconds on d = 1e7 before the Vector API loops reach their steady speed
# (measured: qsgd:16 encode 31 ms a vector after 2 one-second warm-up iterations, 9 ms after 8).
JMH_ARGS=${JMH_ARGS:--f 1 -wi 6 -w 1s -i 4 -r 1s}
# The JDK the launcher runs on (bin/lib/jdk.sh), with the Vector API module where it has one; JMH's fork
# inherits these options, and the preloaded signal-chaining library that OpenCL needs.
# shellcheck source=bin/lib/jdk.sh
. bin/lib/jdk.sh
pick_jdk
preload_signal_chaining
jmh() { # CSV-FILE JMH-ARGUMENTS...
    # shellcheck disable=SC2086
    "$JAVA" --enable-native-access=ALL-UNNAMED "${VECTOR[@]}" -cp "target/bench/classes:target/bench/lib/*" \
        org.openjdk.jmh.Main "${@:2}" $JMH_ARGS -rf csv -rff "$1" >&2
}
# Every compressor on the Java path and the copy; then the OpenCL kernels, only for the compressors with a
# quantizer pass (the others run the same Java code whatever the device).
jmh "$OUT/compressors-jmh.csv" 'org.gossipmpi.jmh.*' -p device=java
jmh "$OUT/compressors-jmh-opencl.csv" 'org.gossipmpi.jmh.CompressorBenchmark' -p device=opencl \
    -p compressor=qsgd:16,natural,natdither:8,sign,topk-natdither:0.01:8
tail -n +2 "$OUT/compressors-jmh-opencl.csv" >>"$OUT/compressors-jmh.csv"
rm "$OUT/compressors-jmh-opencl.csv"

md=$OUT/compressors.md
{
    echo "# Compressor throughput (JMH)"
    echo
    echo "Command: \`JMH_ARGS=\"$JMH_ARGS\" bench/compressors.sh\` ($(revision_stamp),"
    echo "$("$JAVA" -version 2>&1 | head -1), OpenCL: $(clinfo -l 2>/dev/null | sed -n 's/.*Device #0: //p' | head -1))."
    echo "JMH ($JMH_ARGS), one thread, payload format 2. Raw: [compressors-jmh.csv](compressors-jmh.csv)."
    echo
    echo "GB/s of input (4d bytes) per vector, each the mean of JMH's measured iterations +- its 99.9% error"
    echo "(in GB/s, from JMH's score error): encode, decodeAdd (of one payload, again and again) and the round"
    echo "trip of both; the ratio is the round trip's to a plain copy of the same float array in the same run."
    echo "Device \"java\" is the Java quantizer this JDK selects (Vector API on 21+, scalar before), \"opencl\""
    echo "the Aparapi kernels; compressors without a quantizer pass (none, fp16, topk, randk) run the same Java"
    echo "code on both. \`bin/gossip-mpi bench codecs\` gives the same figures for one node without JMH"
    echo "([codecs.md](codecs.md))."
    echo
    awk -F, 'NR > 1 {
            gsub(/"/, "")
            split($1, parts, "."); kind = parts[length(parts)]
            us = $5; err = $6
            # params are the last columns: compressor, d, device for CompressorBenchmark; d for CopyBenchmark
            if (kind == "copy") { copy[$(NF - 1)] = us; next }
            key = $(NF - 2) "," $(NF - 1) "," $NF
            if (!(key in seen)) { seen[key] = 1; order[++n] = key }
            t[key, kind] = us; e[key, kind] = err
        }
        function gbs(d, us) { return 4 * d / (us * 1e-6) / 1e9 }
        # the GB/s interval of a time us +- err, written as value +- half its width
        function cell(d, us, err,   lo, hi) {
            if (us == "") return "n/a"
            hi = gbs(d, us - err > 0 ? us - err : us); lo = gbs(d, us + err)
            return sprintf("%.2f +- %.2f", gbs(d, us), (hi - lo) / 2)
        }
        END {
            print "| compressor | d | device | encode GB/s | decodeAdd GB/s | round trip GB/s | round trip / copy |"
            print "|---|---|---|---|---|---|---|"
            for (i = 1; i <= n; i++) {
                split(order[i], f, ",")
                k = order[i]; d = f[2]
                rt = t[k, "roundTrip"]
                printf "| %s | %s | %s | %s | %s | %s | %.3f |\n", f[1], d, f[3], cell(d, t[k, "encode"], e[k, "encode"]),
                    cell(d, t[k, "decodeAdd"], e[k, "decodeAdd"]), cell(d, rt, e[k, "roundTrip"]), copy[d] / rt
            }
            print ""
            for (d in copy) printf "Copy of %s floats: %.0f us (%.2f GB/s read).\n", d, copy[d], gbs(d, copy[d])
        }' "$OUT/compressors-jmh.csv"
} >"$md"
cat "$md"
