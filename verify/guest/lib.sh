# Guest helpers of `memhp verify` (busybox ash), sourced by /init; /memhp/plan.sh calls
# watch, step, note, snap, call, ns_enable, ns_disable, host (and the quiet stepq, snapq,
# callq); /init calls setup and finish.
#
# Everything worth keeping goes into the ftrace ring buffer, in order: the kprobe events
# of /memhp/kprobe_events (group lab), the module's lab_kmod/ and lab_call/ lines,
# printk:console (WARNs, driver messages) and the markers written here to trace_marker:
# LAB_STEP, LAB_CMD / LAB_OUT / LAB_RC, LAB_SNAP_BEGIN / END, IOMEM, MEMBLK,
# LAB_SECSTATE_SECTIONS.  Status lines for the host go to the console as "@@LAB ...".

T=/sys/kernel/tracing
M=/memhp
CALL=/sys/kernel/debug/memhp_guest/call
SECTION_SIZE_BITS=27            # x86-64: 128 MiB sections
WATCH_SECS=""                   # sections named by `watch`

say() { echo "@@LAB $*" > /dev/console; }
marker() { echo "$*" > $T/trace_marker 2>/dev/null; }

# record RC OUTPUT: the LAB_OUT lines of OUTPUT and LAB_RC RC (trace and console)
record() {
    if [ -n "$2" ]; then
        echo "$2" | while IFS= read -r l; do marker "LAB_OUT $l"; echo "   | $l" > /dev/console; done
    fi
    marker "LAB_RC $1"
    say "RC $1"
}

# run CMD...: run a command, recording it, its output and its exit status
run() {
    marker "LAB_CMD $*"
    say "CMD $*"
    out=$("$@" 2>&1); rc=$?
    record $rc "$out"
    return $rc
}

# wr FILE VALUE: a recorded sysfs write
wr() {
    marker "LAB_CMD echo $2 > $1"
    say "CMD echo $2 > $1"
    out=$( { echo "$2" > "$1"; } 2>&1 ); rc=$?
    record $rc "$out"
    return $rc
}

# ------------------------------------------------------------------ setup (from /init)

# setup: ring buffer, probe definitions, the module, event enables, hot-add policy
setup() {
    echo 0 > $T/tracing_on
    echo > $T/trace
    echo 65536 > $T/buffer_size_kb
    echo > $T/kprobe_events
    nfail=0; failed=""
    if [ -f $M/kprobe_events ]; then
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            if ! echo "$line" >> $T/kprobe_events 2>/dev/null; then
                say "KPROBE_FAIL: $line"
                nfail=$((nfail + 1))
                # the probed symbol of an entry probe ("p:lab/EV SYM args"): a kretprobe candidate
                case "$line" in p:*) failed="$failed $(echo "$line" | awk '{print $2}')" ;; esac
            fi
        done < $M/kprobe_events
    fi
    echo 1 > $T/events/lab/enable 2>/dev/null
    echo 1 > $T/events/printk/console/enable 2>/dev/null
    echo 1 > $T/tracing_on
    load_module "$failed"
    say "probes defined: $(grep -c . $T/kprobe_events) failures: $nfail"
    # the same hot-add policy on every kernel: new memory blocks stay offline until the
    # plan onlines them (Debian's 6.12+ are built with MEMORY_HOTPLUG_DEFAULT_ONLINE=y)
    a=/sys/devices/system/memory/auto_online_blocks
    if [ -w $a ] && [ "$(cat $a)" != offline ]; then wr $a offline; fi
}

# load_module "SYM SYM ...": insmod memhp_guest.ko with kretprobes on the refused symbols
# that /memhp/kretprobes describes (at most 8)
load_module() {
    [ -f $M/memhp_guest.ko ] || { say "no memhp_guest.ko"; marker "LAB_MODULE_MISSING"; return 1; }
    refused=" $1 "
    set --
    i=0
    if [ -f $M/kretprobes ]; then
        while IFS= read -r spec; do
            sym=${spec%% *}
            case "$refused" in *" $sym "*) ;; *) continue ;; esac
            # inlined functions have no symbol: no kretprobe possible either
            grep -q " [tT] $sym\$" /proc/kallsyms || { marker "LAB_NOSYM $sym (not in kallsyms: inlined or absent)"; continue; }
            [ $i -lt 8 ] || break
            set -- "$@" "probe$i=\"$spec\""     # quoted: the value holds spaces
            i=$((i + 1))
        done < $M/kretprobes
    fi
    run insmod $M/memhp_guest.ko "$@"
}

# ------------------------------------------------------------------ plan helpers

# watch SPR S1 S2 ...: the sections the snapshots describe (secstate probes are defined
# by kprobe_events; this names them for the trace reader and for the MEMBLK lines)
watch() {
    spr=$1; shift
    WATCH_SECS="$*"
    marker "LAB_SECSTATE_SECTIONS $WATCH_SECS spr=$spr"
}

# step TEXT: a phase of the plan
step() { marker "LAB_STEP $*"; say "STEP $*"; }

# note TEXT: a remark of the plan (a step the guest cannot run: "not verifiable: why")
note() { marker "LAB_NOTE $*"; say "NOTE $*"; }

# memblk LABEL: one MEMBLK line per watched section (its memory block's sysfs state)
memblk() {
    bs=$(cat /sys/devices/system/memory/block_size_bytes 2>/dev/null)
    [ -n "$bs" ] || return 0
    spb=$(( 0x$bs >> SECTION_SIZE_BITS ))
    for s in $WATCH_SECS; do
        b=$((s / spb)); d=/sys/devices/system/memory/memory$b
        if [ -d $d ]; then
            marker "MEMBLK $1 section=$s block=$b state=$(cat $d/state) online=$(cat $d/online) zones=$(cat $d/valid_zones 2>/dev/null | tr ' ' ',') removable=$(cat $d/removable 2>/dev/null)"
        else
            marker "MEMBLK $1 section=$s block=$b absent"
        fi
    done
}

# snap LABEL: /proc/iomem, memory blocks, per-section state (sync fires lab/secstate*)
snap() {
    marker "LAB_SNAP_BEGIN $1"
    while IFS= read -r l; do marker "IOMEM $1|$l"; done < /proc/iomem
    memblk "$1"
    sync
    marker "LAB_SNAP_END $1"
    say "snapshot $1"
}

# The quiet forms, for long plans (memhp verify --random): no console echo and no subshell,
# and snapq snapshots only the watched sections (secstate), not /proc/iomem or memory blocks.
stepq() { marker "LAB_STEP $*"; }
snapq() { marker "LAB_SNAP_BEGIN $1"; sync; marker "LAB_SNAP_END $1"; }
callq() {
    marker "LAB_CMD call $*"
    if echo "$*" > $CALL 2>/dev/null; then marker "LAB_RC 0"; else marker "LAB_RC 1"; fi
}

# call FN ARG...: one command to the module's control file
call() {
    marker "LAB_CMD call $*"
    say "CMD call $*"
    out=$( { echo "$*" > $CALL; } 2>&1 ); rc=$?
    record $rc "$out"
    return $rc
}

# ------------------------------------------------------------------ legacy pmem namespaces
NS_LOADED=0

# ns_load: the nvdimm modules of modules.order, with the nd bus's driver autoprobe off
# (set as soon as libnvdimm has registered the bus) so that nothing binds by itself
ns_load() {
    [ $NS_LOADED = 1 ] && return 0
    NS_LOADED=1
    for ko in $(cat $M/modules.order); do
        m=$(basename "$ko" .ko | tr - _)
        grep -q "^$m " /proc/modules || run insmod "$ko"
        ap=/sys/bus/nd/drivers_autoprobe
        [ -w $ap ] && [ "$(cat $ap)" != 0 ] && wr $ap 0
    done
}

# ns_regions: bind every region not yet bound to nd_region (regions carry the namespaces;
# binding one is not a hotplug action); regions register asynchronously, so this is
# repeated while waiting for a namespace
ns_regions() {
    for r in /sys/bus/nd/devices/region*; do
        [ -e $r ] && [ ! -e $r/driver ] && wr /sys/bus/nd/drivers/nd_region/bind "$(basename $r)"
    done
    return 0
}

# ns_of ADDR: the namespace device whose resource starts at byte address ADDR
ns_of() {
    for n in /sys/bus/nd/devices/namespace*; do
        [ -r $n/resource ] || continue
        [ $(($(cat $n/resource))) = $(($1)) ] && { basename $n; return 0; }
    done
    return 1
}

# ns_enable ADDR: bind the e820 namespace at ADDR to nd_pmem (devm_memremap_pages)
ns_enable() {
    ns_load
    wait_for 'ns_regions; ns_of '"$1"' >/dev/null' 20 || { marker "LAB_NO_NAMESPACE $1"; say "no namespace at $1"; return 1; }
    wr /sys/bus/nd/drivers/nd_pmem/bind "$(ns_of "$1")"
}

# ns_disable ADDR: unbind it again (devm_memremap_pages_release)
ns_disable() {
    n=$(ns_of "$1") || { marker "LAB_NO_NAMESPACE $1"; say "no namespace at $1"; return 1; }
    wr /sys/bus/nd/drivers/nd_pmem/unbind "$n"
}

# ------------------------------------------------------------------ misc

# host CMD: ask the host to run an HMP command; its one-line answer comes back on ttyS0
host() {
    marker "LAB_HOST $*"
    echo "@@HOST@@ $*" > /dev/console
    ans=""
    read -r -t 120 ans < /dev/console
    marker "LAB_HOST_ANSWER $ans"
    say "host answered: $ans"
}

# wait_for SHELL_TEST SECONDS
wait_for() {
    i=0
    while ! eval "$1"; do
        i=$((i + 1))
        [ $i -gt $(($2 * 10)) ] && { say "timeout waiting for $1"; marker "LAB_TIMEOUT $1"; return 1; }
        usleep 100000
    done
}

# finish: stop tracing, dump probes, symbols, trace and dmesg between markers, power off
finish() {
    step "end"
    echo 0 > $T/tracing_on
    dmesg -n 1
    echo "=====LAB KPROBES BEGIN====="
    cat $T/kprobe_events
    echo "=====LAB KPROBES END====="
    echo "=====LAB KALLSYMS BEGIN====="
    grep -wE 'mem_section|vmemmap_base|sparse_add_section|sparse_remove_section|section_activate|section_deactivate|__add_pages|__remove_pages|add_pages|arch_add_memory|arch_remove_memory|ksys_sync|fill_subsection_map|clear_subsection_map|__populate_section_memmap|vmemmap_free|vmemmap_populate|memremap_pages|memunmap_pages|check_pfn_span|online_mem_sections|offline_mem_sections|pfn_to_online_page' /proc/kallsyms
    echo "=====LAB KALLSYMS END====="
    echo "=====LAB TRACE BEGIN====="
    cat $T/trace
    echo "=====LAB TRACE END====="
    echo "=====LAB DMESG BEGIN====="
    dmesg
    echo "=====LAB DMESG END====="
    echo "=====LAB DONE====="
    sync
    poweroff -f
}
