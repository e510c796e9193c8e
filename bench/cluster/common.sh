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
