#!/usr/bin/env bash
# Compressor throughput (JMH): encode + decodeAdd of d floats per operation, Java twins and OpenCL kernels,
# beside a plain copy of the same float array in the same JMH run.
#
#   bench/compressors.sh                      # all compressors, d = 1e6 and 1e7, java and opencl
#   JMH_ARGS="-f 1 -wi 1 -i 1 -p compressor=sign,qsgd:16 -p d=1000000" bench/compressors.sh
#
# Writes bench/results/compressors-jmh.csv (JMH's own CSV) and bench/results/compressors.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=bench/results
mkdir -p "$OUT"
bin/setup --no-build >/dev/null
mvn -B -q -Dstyle.color=never -Pbench -DskipTests package
JMH_ARGS=${JMH_ARGS:--f 1 -wi 2 -w 1s -i 3 -r 1s}
# shellcheck disable=SC2086
java --enable-native-access=ALL-UNNAMED -cp "target/bench/classes:target/bench/lib/*" org.openjdk.jmh.Main \
    'org.gossipmpi.jmh.*' $JMH_ARGS -rf csv -rff "$OUT/compressors-jmh.csv" >&2

md=$OUT/compressors.md
{
    echo "# Compressor throughput"
    echo
    echo "Command: \`JMH_ARGS=\"$JMH_ARGS\" bench/compressors.sh\` (revision $(git rev-parse --short HEAD 2>/dev/null || echo unknown),"
    echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1), OpenCL: $(clinfo -l 2>/dev/null | sed -n 's/.*Device #0: //p' | head -1))."
    echo "JMH ($JMH_ARGS), one thread. Raw: [compressors-jmh.csv](compressors-jmh.csv)."
    echo
    echo "Throughput is GB/s of input (4d bytes) for encode + decodeAdd of one vector; the ratio is to a plain"
    echo "copy of the same float array measured in the same run. Goals: elementwise quantizers (qsgd, natural,"
    echo "natdither, sign) >= 0.5x the copy, top-1% >= 0.25x."
    echo
    awk -F, 'NR > 1 {
            gsub(/"/, "")
            name = $1; score = $5
            # params are the last columns: compressor, d, device for CompressorBenchmark; d for CopyBenchmark
            if (name ~ /CopyBenchmark/) { copy[$(NF - 1)] = score; next }
            key = $(NF - 2) "," $(NF - 1) "," $NF
            t[key] = score; order[++n] = key
        }
        END {
            print "| compressor | d | device | us per vector | GB/s | ratio to copy | goal |"
            print "|---|---|---|---|---|---|---|"
            for (i = 1; i <= n; i++) {
                split(order[i], f, ",")
                c = f[1]; d = f[2]; dev = f[3]; us = t[order[i]]
                gbs = 4 * d / (us * 1e-6) / 1e9
                ratio = copy[d] / us
                goal = ""
                if (c ~ /^(qsgd|natural|natdither|sign)/) goal = ratio >= 0.5 ? "met (>= 0.5)" : "missed (< 0.5)"
                if (c == "topk:0.01") goal = ratio >= 0.25 ? "met (>= 0.25)" : "missed (< 0.25)"
                printf "| %s | %s | %s | %.0f | %.2f | %.3f | %s |\n", c, d, dev, us, gbs, ratio, goal
            }
            print ""
            for (d in copy) printf "Copy of %s floats: %.0f us (%.2f GB/s read).\n", d, copy[d], 4 * d / (copy[d] * 1e-6) / 1e9
        }' "$OUT/compressors-jmh.csv"
} >"$md"
cat "$md"
