# The recorders of the trace formats (sourced by the guest.sh verify/record_formats.ts writes,
# after MEMHP=<bin/memhp.js> SECTIONS=<list> SESSION=<formats_session.sh>; run by a host-root
# guest, verify/host_root_guest.ts): the session once per recorder — tracefs `cat trace`,
# tracefs `trace_pipe`, trace-cmd record/report, perf probe/record/script — each from a fresh
# namespace state, results in $OUT. meta.txt gets `key<TAB>value` lines (versions, commands,
# durations, refused probes) for run.json.
set -u
T=/sys/kernel/tracing
cd /tmp
meta() { printf '%s\t%s\n' "$1" "$2" >> $OUT/meta.txt; }
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{ printf "%.2f", $1 - $2 }'; }
: > $OUT/meta.txt
meta kernel "$(uname -r)"
meta banner "$(cat /proc/version)"
meta cmdline "$(cat /proc/cmdline)"
meta ndctl "$(ndctl --version)"
meta daxctl "$(daxctl --version)"
meta trace-cmd "$(trace-cmd --version 2>&1 | sed -n 's/^trace-cmd version \([^ ]*\).*/\1/p' | head -1)"
meta perf "$(perf --version)"
meta node "$(node --version)"

# A labelled DIMM: label areas initialised so that ndctl can size namespaces.
ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all
meta labels "ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all -> $?"
# Hot-added memory stays offline until the session onlines it (Debian 7.3 auto-onlines by
# default, and daxctl --no-online then refuses: "kernel policy will auto-online memory").
meta auto-online-before "$(cat /sys/devices/system/memory/auto_online_blocks)"
echo offline > /sys/devices/system/memory/auto_online_blocks
meta auto-online "echo offline > /sys/devices/system/memory/auto_online_blocks -> $?"
cat /proc/iomem > $OUT/iomem-before.txt
ndctl list -R > $OUT/ndctl-regions.json

t0=$(now)
node $MEMHP probes --running --sections $SECTIONS > /tmp/probes.txt 2> $OUT/probes-stderr.txt
meta probes-command "node bin/memhp.js probes --running --sections $SECTIONS -> $?"
meta probes-seconds "$(since $t0)"
grep -v '^#' /tmp/probes.txt | grep . > /tmp/kprobes.wanted
LAB_MARKER=$(sed -n 's/.*also write the marker: \(LAB_SECSTATE_SECTIONS .*\)$/\1/p' /tmp/probes.txt)
export LAB_MARKER
meta marker "$LAB_MARKER"

# kprobe_events, one write a line; refused ones logged.
: > $OUT/kprobes.txt
while IFS= read -r l; do
    if echo "$l" >> $T/kprobe_events 2>/dev/null; then
        echo "$l" >> $OUT/kprobes.txt
    else
        meta refused-kprobe "$l"
    fi
done < /tmp/kprobes.wanted

fresh() {
    echo 0 > $T/tracing_on
    echo > $T/trace
    ndctl destroy-namespace -f all > /dev/null 2>&1
    echo 1 > $T/tracing_on
}
session() {
    t0=$(now)
    sh $SESSION
    meta "$1-seconds" "$(since $t0)"
}

# 1. tracefs: cat trace
echo 8192 > $T/buffer_size_kb
fresh
echo 1 > $T/events/lab/enable
session tracefs
echo 0 > $T/tracing_on
cat $T/trace > $OUT/trace.txt
meta tracefs-command "echo LINE >> kprobe_events (kprobes.txt); echo 1 > events/lab/enable; sh session.sh; cat trace > trace.txt"

# 2. tracefs: trace_pipe read in the background
fresh
cat $T/trace_pipe > /tmp/trace_pipe.txt &
pipe=$!
session trace_pipe
sleep 2
kill $pipe
wait $pipe 2>/dev/null
cp /tmp/trace_pipe.txt $OUT/trace_pipe.txt
echo 0 > $T/events/lab/enable
meta trace_pipe-command "cat trace_pipe > trace_pipe.txt & sh session.sh; kill"

# 3. trace-cmd
fresh
t0=$(now)
trace-cmd record -e lab -o /tmp/trace.dat sh $SESSION > $OUT/trace-cmd-record.txt 2>&1
meta trace-cmd-record "trace-cmd record -e lab -o /tmp/trace.dat sh session.sh -> $? (trace_marker lines are in the buffer without an event; -e ftrace:print is refused: No events enabled with ftrace:print)"
meta trace-cmd-seconds "$(since $t0)"
report() {
    file=$1
    shift
    trace-cmd report "$@" -i /tmp/trace.dat > $OUT/$file 2> /tmp/report.err
    meta "report $file" "trace-cmd report $* -i trace.dat -> $? $(head -c 300 /tmp/report.err | tr '\n\t' '  ')"
}
report trace-cmd-report.txt
report trace-cmd-report-t.txt -t
report trace-cmd-report-l.txt -l
report trace-cmd-report-ts-diff.txt --ts-diff
report trace-cmd-report-R.txt -R
report trace-cmd-report-q.txt -q
cp /tmp/trace.dat $OUT/trace.dat
echo 0 > $T/events/lab/enable 2>/dev/null
echo > $T/kprobe_events

# 4. perf: the same probes through perf probe (the kprobe line's fetchargs as they are, else
# $argN as the x86-64 argument registers)
regs() { echo "$1" | sed 's/\$arg1/%di/g; s/\$arg2/%si/g; s/\$arg3/%dx/g; s/\$arg4/%cx/g; s/\$arg5/%r8/g; s/\$arg6/%r9/g'; }
: > $OUT/perf-probes.txt
while IFS= read -r l; do
    kind=${l%%:*}
    rest=${l#*/}
    name=${rest%% *}
    rest=${rest#* }
    func=${rest%% *}
    args=
    case "$rest" in *" "*) args=${rest#* } ;; esac
    # perf's own names: FUNC for an entry probe, FUNC__return for a return probe; others named.
    if [ "$kind" = r ]; then spec="$func%return${args:+ $args}"
    elif [ "$name" = "$func" ]; then spec="$func${args:+ $args}"
    else spec="$name=$func${args:+ $args}"; fi
    if perf probe -q -a "$spec" 2>> /tmp/perf-probe.err; then
        echo "$spec" >> $OUT/perf-probes.txt
    elif perf probe -q -a "$(regs "$spec")" 2>> /tmp/perf-probe.err; then
        echo "$(regs "$spec")" >> $OUT/perf-probes.txt
    else
        meta refused-perf-probe "$spec"
    fi
done < /tmp/kprobes.wanted
cp /tmp/perf-probe.err $OUT/perf-probe-stderr.txt
perf probe -l > $OUT/perf-probe-l.txt 2>&1
fresh
t0=$(now)
perf record -e 'probe:*' -a -o /tmp/perf.data -- sh $SESSION > $OUT/perf-record.txt 2>&1
meta perf-record "perf record -e 'probe:*' -a -o /tmp/perf.data -- sh session.sh -> $?"
meta perf-seconds "$(since $t0)"
perf script -i /tmp/perf.data > $OUT/perf-script.txt 2> /tmp/perf-script.err
meta perf-script "perf script -i perf.data -> $? $(head -c 300 /tmp/perf-script.err | tr '\n\t' '  ')"
perf script -i /tmp/perf.data -F comm,tid,cpu,time,event,trace > $OUT/perf-script-F.txt 2> /tmp/perf-script.err
meta perf-script-F "perf script -i perf.data -F comm,tid,cpu,time,event,trace -> $? $(head -c 300 /tmp/perf-script.err | tr '\n\t' '  ')"
cp /tmp/perf.data $OUT/perf.data
perf probe -q -d 'probe:*'
ndctl destroy-namespace -f all > /dev/null 2>&1
echo "record: done"
