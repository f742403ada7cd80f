/**
 * `memhp capture --script`: the same recorder as capture/capture.ts as a POSIX sh script (busybox
 * sh is enough; no Node on the machine recorded), the probe lines baked in with a placeholder
 * group that the script makes unique per run (memhp_PID). Same run directory, same cleanup: a trap
 * on EXIT removes the instance and the definitions, INT and TERM end the recording first.
 */

/** The group placeholder in the baked probe lines (replaced by `memhp_PID` when the script runs). */
export const SCRIPT_GROUP = 'MEMHP_GROUP';

/** What the script is made of. */
export interface ScriptInput {
  /** kprobe_events lines whose group is SCRIPT_GROUP (or SCRIPT_GROUP_FN). */
  readonly probes: readonly string[];
  readonly sections: readonly number[];
  readonly spr: number;
  /** Where the offsets came from (the BTF file), for the header. */
  readonly source: string;
  /** memhp's version, for the header. */
  readonly version: string;
  /** Remarks of the probe generator, as header comments. */
  readonly notes: readonly string[];
}

/** The recorder script's text. */
export function captureScript(s: ScriptInput): string {
  const bad = s.probes.find((l) => l.includes('\n') || l.includes("'") || !l.includes(SCRIPT_GROUP));
  if (bad !== undefined) throw new Error(`probe line unfit for the script: ${bad}`);
  const head = [
    '#!/bin/sh',
    `# memhp capture --script (memhp ${s.version}): the probes of ${s.source}`,
    '# Records the memory hotplug of this machine into a run directory that `memhp check DIR` reads.',
    '# Usage (as root): sh capture.sh [-o DIR] [-t TRACEFS] [-b BUFFER_KB] [--] [COMMAND [ARG...]]',
    '#   with COMMAND: records while it runs (it gets stdin; SIGINT/SIGTERM to this script end it with SIGTERM),',
    '#   exits with its status when it fails; without: records until SIGINT (Ctrl-C) or SIGTERM.',
    '#   -o DIR     the run directory (default memhp-capture-YYYYMMDD-HHMMSS), new or empty',
    '#   -t TRACEFS the tracefs mount (default /sys/kernel/tracing)',
    '#   -b KB      the instance\'s buffer_size_kb per CPU (default: the kernel\'s)',
    '# Uses its own instance (instances/memhp-PID) and kprobe groups (memhp_PID*), enabled only there;',
    '# removes both on exit, on errors and on INT/TERM.',
  ];
  for (const n of s.notes) head.push(`# note: ${n}`);
  return `${head.join('\n')}\n${BODY_TOP}SECTIONS='${s.sections.join(' ')}'\nSPR=${s.spr}\n${BODY_MID}${s.probes.join('\n')}\nMEMHP_PROBES\n${BODY_END}`;
}

// --- internal ---

// The sh text below writes a parameter expansion as %{…} (a template literal cannot hold a dollar-brace): sh() turns it back.
/** The sh text with %{ turned into a dollar-brace. */
const sh = (text: string): string => text.replaceAll('%{', '$' + '{');

const BODY_TOP = sh(String.raw`
T=/sys/kernel/tracing
OUT=
BUF=
die() { echo "memhp: error[$1]: $2" >&2; [ -z "$3" ] || echo "  hint: $3" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        -o|-t|-b) [ $# -ge 2 ] || die E_USAGE "option $1 needs a value"
                  case "$1" in -o) OUT=$2 ;; -t) T=$2 ;; -b) BUF=$2 ;; esac
                  shift 2 ;;
        --) shift; break ;;
        -*) die E_USAGE "unknown option $1" "sh capture.sh [-o DIR] [-t TRACEFS] [-b BUFFER_KB] [--] [COMMAND [ARG...]]" ;;
        *) break ;;
    esac
done
[ -n "$OUT" ] || OUT=memhp-capture-$(date +%Y%m%d-%H%M%S)
`);

const BODY_MID = sh(String.raw`G=memhp_$$
I=$T/instances/memhp-$$
NL='
'
[ -f "$T/kprobe_events" ] && [ -d "$T/instances" ] || die E_ENV "$T has no kprobe_events or instances/: not a tracefs with kprobe events" "mount -t tracefs nodev /sys/kernel/tracing (a kernel with CONFIG_KPROBE_EVENTS), or give -t TRACEFS"
REAL=0
[ "$(stat -f -c %t "$T" 2>/dev/null)" = 74726163 ] && REAL=1
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT" 2>/dev/null)" ]; then die E_USAGE "$OUT exists and is not empty: give a new directory with -o DIR"; fi
mkdir -p "$OUT" || die E_IO "cannot create $OUT"

MADE=0 DEFINED= ENABLED= DEFLINES= REFUSED= CHILD= SIG= RC=0 CMDRC= PHASE=setup

# cleanup: everything set up is undone, whatever happened (trap on EXIT)
cleanup() {
    trap '' INT TERM HUP
    [ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null
    left=
    if [ "$MADE" = 1 ]; then
        echo 0 > "$I/tracing_on" 2>/dev/null
        for e in $ENABLED; do echo 0 > "$I/events/$e/enable" 2>/dev/null; done
        if [ "$REAL" = 1 ]; then rmdir "$I" 2>/dev/null || left="$left instance $I;"; else rm -rf "$I" || left="$left instance $I;"; fi
    fi
    for e in $DEFINED; do echo "-:$e" >> "$T/kprobe_events" 2>/dev/null || left="$left probe $e;"; done
    rmdir "$OUT" 2>/dev/null
    if [ -n "$left" ]; then echo "memhp: error[E_ENV]: not cleaned up:$left" >&2; exit 2; fi
}
# a signal while setting up ends the script (the EXIT trap cleans up); while recording it ends the recording
on_signal() {
    SIG=$2 RC=$1
    [ "$PHASE" = wait ] || exit "$1"
    [ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null
}
trap cleanup EXIT
trap 'on_signal 130 INT' INT
trap 'on_signal 143 TERM' TERM
trap 'on_signal 129 HUP' HUP

mark() { echo "$*" >> "$I/trace_marker"; }
memblk() {
    [ -n "$SECTIONS" ] || return 0
    bs=$(cat /sys/devices/system/memory/block_size_bytes 2>/dev/null)
    [ -n "$bs" ] || return 0
    spb=$(( 0x$bs >> 27 ))
    [ "$spb" -ge 1 ] || spb=1
    for s in $SECTIONS; do
        b=$((s / spb)); d=/sys/devices/system/memory/memory$b
        if [ -d "$d" ]; then
            mark "MEMBLK $1 section=$s block=$b state=$(cat $d/state) online=$(cat $d/online) zones=$(cat $d/valid_zones 2>/dev/null | tr ' ' ',') removable=$(cat $d/removable 2>/dev/null)"
        else
            mark "MEMBLK $1 section=$s block=$b absent"
        fi
    done
}
# snap LABEL: /proc/iomem, memory blocks, sync (fires the secstate probes on ksys_sync)
snap() {
    mark "LAB_SNAP_BEGIN $1"
    while IFS= read -r l; do mark "IOMEM $1|$l"; done < /proc/iomem
    memblk "$1"
    sync
    mark "LAB_SNAP_END $1"
}
js() { printf '"%s"' "$(printf '%s' "$1" | tr '\t\r' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

mkdir "$I" || die E_ENV "cannot create the tracefs instance $I" "as root; an instance left by a killed capture of this pid: rmdir it"
MADE=1
echo 0 > "$I/tracing_on"
[ -z "$BUF" ] || echo "$BUF" > "$I/buffer_size_kb" || die E_USAGE "buffer_size_kb $BUF refused"
while IFS= read -r l; do
    [ -n "$l" ] || continue
    l="%{l%%MEMHP_GROUP*}$G%{l#*MEMHP_GROUP}"
    e=%{l#*:}; e=%{e%% *}
    if err=$( { echo "$l" >> "$T/kprobe_events"; } 2>&1 ); then
        DEFINED="$e $DEFINED"; DEFLINES="$DEFLINES$l$NL"
    else
        REFUSED="$REFUSED$l|%{err##*: }$NL"
    fi
done <<'MEMHP_PROBES'
`);

const BODY_END = sh(String.raw`[ -n "$DEFINED" ] || die E_ENV "the kernel refused every probe"
ndef=0; for e in $DEFINED; do ndef=$((ndef + 1)); done
nref=0; [ -z "$REFUSED" ] || nref=$(printf '%s' "$REFUSED" | grep -c .)
echo "capture: instance $I, probes: $ndef defined, $nref refused"
[ -z "$REFUSED" ] || printf '%s' "$REFUSED" | while IFS= read -r r; do echo "  refused: $r"; done
groups=
for e in $DEFINED; do
    g=%{e%%/*}
    case " $groups " in *" $g "*) ;; *) groups="$groups $g" ;; esac
done
for g in $groups; do
    [ "$REAL" = 1 ] || mkdir -p "$I/events/$g"
    echo 1 > "$I/events/$g/enable" || die E_ENV "cannot enable events/$g in $I"
    ENABLED="$g $ENABLED"
done
[ "$REAL" = 1 ] || mkdir -p "$I/events/printk/console"
echo 1 > "$I/events/printk/console/enable" 2>/dev/null && ENABLED="printk/console $ENABLED"
echo 1 > "$I/tracing_on"

START=$(date +%s)
cp /proc/iomem "$OUT/iomem-before.txt"
[ -z "$SECTIONS" ] || mark "LAB_SECSTATE_SECTIONS $SECTIONS spr=$SPR"
snap before
if [ $# -gt 0 ]; then
    mark "LAB_STEP capture: $*"
    mark "LAB_CMD $*"
    exec 3<&0
    PHASE=wait
    echo "capture: running $*"
    MEMHP_CAPTURE_INSTANCE=$I MEMHP_CAPTURE_DIR=$OUT "$@" <&3 3<&- &
else
    mark "LAB_STEP capture: recording until SIGINT/SIGTERM"
    PHASE=wait
    echo "capture: recording: Ctrl-C (or SIGTERM) to stop"
    sleep 2147483647 &
fi
CHILD=$!
# Waited for a second at a time: a signal that lands just before a blocking wait would otherwise
# wait for the child to end on its own (the shell's race); after each second a signal seen ends it.
while kill -0 "$CHILD" 2>/dev/null; do
    [ -z "$SIG" ] || kill -TERM "$CHILD" 2>/dev/null
    sleep 1 &
    wait $! 2>/dev/null
done
wait "$CHILD" 2>/dev/null; st=$?
CHILD=
PHASE=after
if [ $# -gt 0 ]; then CMDRC=$st; mark "LAB_RC $st"; fi
snap after
echo 0 > "$I/tracing_on"
[ "$REAL" = 1 ] || [ -f "$I/trace" ] || : > "$I/trace"
cat "$I/trace" > "$OUT/trace.txt"
grep -E "^[pr-][0-9]*:$G[_/]" "$T/kprobe_events" > "$OUT/kprobes.txt"
lost=0
h=$(sed -n 's/^# entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' "$OUT/trace.txt")
if [ -n "$h" ]; then set -- $h "$@"; [ "$2" -le "$1" ] || lost=$(($2 - $1)); shift 2; fi
for n in $(sed -n 's/.*\[LOST \([0-9]*\) EVENTS\].*/\1/p' "$OUT/trace.txt"); do lost=$((lost + n)); done
lines=$(grep -c '' "$OUT/trace.txt")
{
    echo "{"
    echo " \"capture\": true,"
    echo " \"script\": true,"
    echo " \"kernel_release\": $(js "$(uname -r)"),"
    echo " \"kernel_version_banner\": $(js "$(cat /proc/version)"),"
    echo " \"kernel_cmdline\": $(js "$(cat /proc/cmdline)"),"
    echo " \"tracefs\": $(js "$T"),"
    echo " \"instance\": $(js "instances/memhp-$$"),"
    if [ $# -gt 0 ]; then
        printf ' "command": ['; sep=; for a in "$@"; do printf '%s%s' "$sep" "$(js "$a")"; sep=', '; done; echo '],'
        echo " \"exit\": $CMDRC,"
    else
        echo ' "command": null,'
        echo ' "exit": null,'
    fi
    if [ -n "$SIG" ]; then echo " \"signal\": \"SIG$SIG\","; else echo ' "signal": null,'; fi
    echo " \"duration_s\": $(( $(date +%s) - START )),"
    echo " \"secstate_sections\": [$(echo $SECTIONS | sed 's/ /, /g')],"
    echo " \"spr\": $SPR,"
    printf ' "probes": ['; sep=; printf '%s' "$DEFLINES" | { while IFS= read -r l; do printf '%s%s' "$sep" "$(js "$l")"; sep=', '; done; }; echo '],'
    printf ' "refused": ['; printf '%s' "$REFUSED" | { sep=; while IFS='|' read -r l why; do printf '%s{"line": %s, "reason": %s}' "$sep" "$(js "$l")" "$(js "$why")"; sep=', '; done; }; echo '],'
    echo " \"trace_lines\": $lines,"
    echo " \"lost_events\": $lost"
    echo "}"
} > "$OUT/run.json"
echo "capture: $OUT: $lines trace lines, $lost events lost; read it with: memhp check $OUT"
[ "$lost" = 0 ] || echo "capture: the ring buffer dropped $lost events: give a larger -b BUFFER_KB"
if [ -n "$SIG" ]; then exit "$RC"; fi
if [ -n "$CMDRC" ] && [ "$CMDRC" != 0 ]; then exit "$CMDRC"; fi
exit 0
`);
