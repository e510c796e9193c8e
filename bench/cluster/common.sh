# Shared by bench/cluster/{up,run,down}: names, the state directory and checks.
#
# The emulated cluster is N network namespaces PREFIX-h0..PREFIX-h(N-1) (GOSSIP_CLUSTER_PREFIX, default
# gmpi), each with a veth pair whose outer end is on the bridge PREFIX-br, addresses SUBNET.1..SUBNET.N (the bridge is SUBNET.254), and a tbf qdisc at RATE
# on every host's eth0. Its hostfile, rsh agent and settings live in STATE.
PREFIX=${GOSSIP_CLUSTER_PREFIX:-gmpi}
BRIDGE=${PREFIX}-br
SUBNET=${GOSSIP_CLUSTER_SUBNET:-10.213.77}
STATE=${GOSSIP_CLUSTER_STATE:-${TMPDIR:-/tmp}/gossip-mpi-cluster}

cluster_die() { printf 'cluster: error: %s\n' "$*" >&2; exit 1; }
cluster_say() { printf 'cluster: %s\n' "$*"; }

host_name() { echo "${PREFIX}-h$1"; }

# Fails with one clear message where namespaces cannot be made here.
cluster_require() {
    [ "$(id -u)" -eq 0 ] || cluster_die "network namespaces need root: run this as root (sudo $0 $*)"
    command -v ip >/dev/null && command -v tc >/dev/null \
        || cluster_die "ip and tc are missing: apt-get install iproute2"
    if ! ip netns add "${PREFIX}-probe" 2>/dev/null; then
        cluster_die "cannot create network namespaces here (a container without CAP_SYS_ADMIN?)"
    fi
    ip netns del "${PREFIX}-probe"
}

# The namespaces of this cluster that exist now.
cluster_hosts() {
    ip netns list 2>/dev/null | awk -v p="${PREFIX}-h" 'index($1, p) == 1 { print $1 }' | sort -V
}

# The bytes all hosts of this cluster have sent on their links (their eth0 counters, summed).
cluster_tx_bytes() {
    local h total=0
    for h in $(cluster_hosts); do
        total=$((total + $(ip netns exec "$h" cat /sys/class/net/eth0/statistics/tx_bytes)))
    done
    echo "$total"
}

# Slow hosts (bench/cluster/up --slow HOST:FRACTION): every process the rsh agent starts on such a host runs in a
# CPU control group of its own, limited to FRACTION of one core by the kernel's CFS bandwidth control (cgroup v2's
# cpu.max, or v1's cpu.cfs_quota_us where the cpu controller is mounted apart). Prints the group's directory.
cluster_cgroup_dir() {
    if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
        echo "/sys/fs/cgroup/$1-slow"
    elif [ -d /sys/fs/cgroup/cpu ]; then
        echo "/sys/fs/cgroup/cpu/$1-slow"
    else
        cluster_die "no cgroup cpu controller under /sys/fs/cgroup (neither v2 nor v1's cpu): --slow cannot limit a host"
    fi
}

# Makes host $1's group, limited to $2 (a fraction of one core), and records it for the agent.
cluster_slow_host() {
    local h=$1 fraction=$2 dir quota period=100000
    dir=$(cluster_cgroup_dir "$h")
    quota=$(awk -v f="$fraction" -v p="$period" 'BEGIN { printf "%d", f * p }')
    [ "$quota" -ge 1000 ] || cluster_die "--slow $h:$fraction: below the kernel's least quota (0.01 of a core)"
    mkdir -p "$dir"
    if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
        grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control \
            || cluster_die "cannot enable the cpu controller in /sys/fs/cgroup (cgroup v2)"
        echo "$quota $period" >"$dir/cpu.max"
        echo "$dir/cgroup.procs" >"$STATE/cgroup.$h"
    else
        echo "$period" >"$dir/cpu.cfs_period_us"
        echo "$quota" >"$dir/cpu.cfs_quota_us"
        echo "$dir/cgroup.procs" >"$STATE/cgroup.$h"
        if [ ! -r "$dir/cpuacct.usage" ] && [ -d /sys/fs/cgroup/cpuacct ]; then
            # cpuacct mounted apart from cpu: a group there too, to measure what the host used
            mkdir -p "/sys/fs/cgroup/cpuacct/$h-slow"
            echo "/sys/fs/cgroup/cpuacct/$h-slow/cgroup.procs" >>"$STATE/cgroup.$h"
        fi
    fi
}

# The CPU time (microseconds) the processes of slow host $1's group have used.
cluster_slow_usage_us() {
    local dir
    dir=$(cluster_cgroup_dir "$1")
    if [ -r "$dir/cpu.stat" ] && grep -q '^usage_usec' "$dir/cpu.stat"; then
        awk '$1 == "usage_usec" { print $2 }' "$dir/cpu.stat"
    else
        local acct=/sys/fs/cgroup/cpuacct/$1-slow
        [ -r "$dir/cpuacct.usage" ] && acct=$dir
        awk '{ printf "%d\n", $1 / 1000 }' "$acct/cpuacct.usage"
    fi
}

# Removes the groups of slow hosts (their processes must be gone).
cluster_slow_remove() {
    local d
    for d in /sys/fs/cgroup/"${PREFIX}"-h*-slow /sys/fs/cgroup/cpu/"${PREFIX}"-h*-slow \
        /sys/fs/cgroup/cpuacct/"${PREFIX}"-h*-slow; do
        [ -d "$d" ] || continue
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            rmdir "$d" 2>/dev/null && break
            xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null || true
            sleep 0.2
        done
        [ ! -d "$d" ] || cluster_die "cannot remove the control group $d: processes remain in it"
    done
}
