#!/bin/sh
# One pmem hotplug session with the standard tools (run by verify/guest/record_formats.sh once
# per recorder): a 512 MiB devdax namespace on region0 → system-ram (kmem), not onlined → its
# memory blocks onlined → offlined → back to devdax → the namespace destroyed. Each step writes
# `LAB_STEP name`, `LAB_CMD command` and `LAB_RC status` to trace_marker (seen by the recorders
# that read ftrace's buffer) and runs `sync` after it (the secstate snapshot probe is on
# ksys_sync). $LAB_MARKER (the probes' LAB_SECSTATE_SECTIONS line), when set, and the boot /proc/iomem is written first as `IOMEM boot|line` markers.
T=/sys/kernel/tracing
mark() { echo "$*" > $T/trace_marker 2>/dev/null; }
step() {
    name=$1
    shift
    mark "LAB_STEP $name"
    mark "LAB_CMD $*"
    "$@"
    rc=$?
    mark "LAB_RC $rc"
    echo "session: $name: $* -> $rc"
    sync
    return 0
}
[ -n "${LAB_MARKER:-}" ] && mark "$LAB_MARKER"
while IFS= read -r l; do mark "IOMEM boot|$l"; done < /proc/iomem
sync
step create ndctl create-namespace -f -r region0 -s 512M -m devdax -M mem -a 2M
step kmem daxctl reconfigure-device --mode=system-ram --no-online dax0.0
step online daxctl online-memory dax0.0
step offline daxctl offline-memory dax0.0
step devdax daxctl reconfigure-device --mode=devdax -f dax0.0
step destroy ndctl destroy-namespace -f all
