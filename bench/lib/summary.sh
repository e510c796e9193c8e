# Sourced by the benchmark scripts: reading a run's summary.json (one line of JSON, as `train --out` writes it).

# summary_field FILE KEY: a scalar value (number, string, true/false/null) of the summary.
summary_field() { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\)\"\{0,1\}[,}].*/\1/p" "$1" | head -1; }

# summary_p50 FILE PHASE: the p50 in microseconds of a phase of phases_rank0 (gradient, compress, exchange, mix).
summary_p50() { sed -n "s/.*\"$2\": *{[^}]*\"p50_us\": *\([0-9.eE+-]*\).*/\1/p" "$1" | head -1; }

# summary_mean FILE PHASE: a phase's mean microseconds per step (phases_rank0's mean_us_per_step).
summary_mean() { sed -n "s/.*\"$2\": *{[^}]*\"mean_us_per_step\": *\([0-9.eE+-]*\).*/\1/p" "$1" | head -1; }

# summary_step FILE KEY: a number of step_rank0 (p50_us, p99_us, mean_us, in_no_phase_share).
summary_step() { sed -n "s/.*\"step_rank0\": *{[^}]*\"$2\": *\([0-9.eE+-]*\).*/\1/p" "$1" | head -1; }

# summary_per_rank FILE KEY [PHASE]: an array of one number per rank, joined by ';': KEY a top-level array
# (step_mean_us_per_rank, startup_seconds_per_rank), or with PHASE the phase's array in phase_mean_us_per_rank.
summary_per_rank() {
    if [ $# -eq 3 ]; then
        sed -n "s/.*\"$2\": *{[^}]*\"$3\": *\[\([^]]*\)\].*/\1/p" "$1" | head -1 | tr ',' ';'
    else
        sed -n "s/.*\"$2\": *\[\([^]]*\)\].*/\1/p" "$1" | head -1 | tr ',' ';'
    fi
}

# history_after HISTORY [STEP]: from a run's history.csv, the train seconds at evaluation STEP (default: the
# first evaluation) and the ms a step from there to the last evaluation, as "SECONDS MS" (MS is "-" where no
# evaluation follows); fails where STEP has no evaluation.
history_after() {
    awk -F, -v w="${2:-}" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "train_seconds") c = i; next }
        s0 == "" && (w == "" || $1 == w) { s0 = $1; t0 = $c }
        { s = $1; t = $c }
        END { if (s0 == "") exit 1
              if (s > s0) printf "%.2f %.1f\n", t0, 1000 * (t - t0) / (s - s0); else printf "%.2f -\n", t0 }' "$1"
}
