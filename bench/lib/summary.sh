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
