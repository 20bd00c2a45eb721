#!/bin/bash
# instructions.sh [REV...]: the gateway's own work per call, counted in
# instructions by valgrind (callgrind), for BenchmarkAppGetItem's XML-RPC,
# SOAP (GetItem and ListItems) and JSON calls: one column per revision (a
# commit, or "work" for the working tree, the default).
#
# Why instructions: wrk's figures on this kind of machine move by 10-20%
# from run to run, and a CPU profile's share of a few microseconds moves by
# as much as a change is worth. An instruction count is the same, within
# about 1%, for the same binary and input, whatever else the machine does,
# so that a change of a few percent can be seen, and two revisions compared
# without running them side by side.
#
# What is counted: everything under the request-ID middleware, the
# outermost handler (callgrind's --toggle-collect), for 20,000 calls of one
# goroutine, divided by the calls. "GC off" runs with GOGC=off: the
# collector's work is left out, and the count repeats exactly. "GC 400"
# runs at the binary's own default (GOGC=400, cmd/gateway/main.go) and
# keeps the collector's assists made inside the handler: closer to what a
# call costs, less repeatable (a few percent). Go's asynchronous preemption
# is off (callgrind does not survive its signals). Instructions are not
# time: a cache miss costs a hundred of them, so wrk's figures stay the
# measure of throughput; these say where the gateway's own code went.
set -euo pipefail
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
revs=("$@")
[ ${#revs[@]} -gt 0 ] || revs=(work)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; git -C "$root" worktree prune' EXIT
calls=20000

build() { # build REV OUT: the cmd/gateway test binary of REV
	if [ "$1" = work ]; then
		(cd "$root/cmd/gateway" && go test -c -o "$2" .)
		return
	fi
	git -C "$root" worktree add -q --detach "$tmp/src" "$1"
	# The benchmark itself may be newer than the revision.
	cp "$root/cmd/gateway/app_bench_test.go" "$tmp/src/cmd/gateway/"
	(cd "$tmp/src/cmd/gateway" && go test -c -o "$2" .)
	git -C "$root" worktree remove --force "$tmp/src"
}

count() { # count BINARY CASE GOGC: instructions per call
	local n
	for _ in 1 2 3; do # callgrind now and then loses a run of a Go binary: tried again
		n=$(cd "$root/cmd/gateway" && GOGC=$3 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
			--callgrind-out-file=/dev/null --toggle-collect='gateway/cmd/gateway.withRequestID.func1' \
			"$1" -test.run '^$' -test.bench "AppGetItem/$2\$" -test.benchtime ${calls}x -test.cpu 1 2>&1 |
			awk '/Collected/ {n = $NF} END {print n + 0}')
		if [ "$n" -gt $((calls * 1000)) ]; then
			echo $((n / (calls + 1))) # b.N=1 runs first
			return
		fi
	done
	echo "?"
}

for i in "${!revs[@]}"; do
	build "${revs[$i]}" "$tmp/bin$i"
done
printf '%-16s' "instructions"
for r in "${revs[@]}"; do printf '%12s' "${r:0:10}"; done
echo
for gc in off 400; do
	for c in xmlrpc soap soaplist json; do
		label="$c, GC off"
		[ "$gc" = off ] || label="$c, GC $gc"
		printf '%-16s' "$label"
		for i in "${!revs[@]}"; do printf '%12s' "$(count "$tmp/bin$i" "$c" "$gc")"; done
		echo
	done
done
