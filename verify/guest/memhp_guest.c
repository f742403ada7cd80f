// SPDX-License-Identifier: GPL-2.0
/*
 * memhp_guest: the guest-side test module of `memhp verify`.
 *
 * 1. kretprobes for functions that tracefs kprobe_events refuses (in 6.1 the
 *    __meminit functions sparse_add_section, __populate_section_memmap, vmemmap_populate
 *    sit in .meminit.text, which has no ftrace call site).  Module parameters
 *    probe0..probe7, each "SYMBOL PARAM1 PARAM2 ..." (parameter names in prototype
 *    order, at most 6); every hit is written to the ftrace ring buffer:
 *        lab_kmod/SYM: (SYM+0x0) PARAM1=0x... PARAM2=0x...
 *        lab_kmod/SYM_ret: ret=0x... (decimal)
 *
 * 2. A debugfs control file /sys/kernel/debug/memhp_guest/call.  One command per write,
 *    numbers in hex (0x...) or decimal:
 *        add_pages NID PFN NR              __add_pages NID PFN NR
 *        __remove_pages PFN NR             sparse_add_section NID PFN NR
 *        sparse_remove_section PFN NR MAP_OFFSET
 *        online_mem_sections START_PFN END_PFN
 *        offline_mem_sections START_PFN END_PFN
 *        pfn_valid PFN                     pfn_to_online_page PFN
 *    Each call is logged with trace_printk as "lab_call/FN: ARGS" and
 *    "lab_call/FN_ret: ret=%d" or "lab_call/FN_ret: (void)"; a symbol that cannot be
 *    found gives "lab_call/NOSYM FN".  The mutating calls run between
 *    mem_hotplug_begin() and mem_hotplug_done(), like their in-kernel callers.
 *
 * None of the mm functions except pfn_to_online_page() are exported: their addresses
 * are looked up by registering (and at once unregistering) a kprobe on the symbol.  The
 * function pointer types are taken from the kernel's own declarations (typeof), so a
 * prototype that changed between releases is a compile error here, not a bad call.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/mutex.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/memory_hotplug.h>
#include <linux/version.h>

/* ------------------------------------------------------------------ kretprobes */

/* get_kretprobe() appeared in 5.11; before that the instance points at its kretprobe */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define get_kretprobe(ri) ((ri)->rp)
#endif

#define NPROBES 8
#define MAXARGS 6

static char *probe0, *probe1, *probe2, *probe3, *probe4, *probe5, *probe6, *probe7;
module_param(probe0, charp, 0444);
module_param(probe1, charp, 0444);
module_param(probe2, charp, 0444);
module_param(probe3, charp, 0444);
module_param(probe4, charp, 0444);
module_param(probe5, charp, 0444);
module_param(probe6, charp, 0444);
module_param(probe7, charp, 0444);
MODULE_PARM_DESC(probe0, "kretprobe: \"SYMBOL PARAM1 PARAM2 ...\" (probe1..probe7 alike)");

struct guest_probe {
	struct kretprobe krp;
	char sym[64];
	char argn[MAXARGS][32];
	int nargs;
	bool registered;
};
static struct guest_probe probes[NPROBES];

/* the i-th integer argument register of the x86-64 calling convention */
static unsigned long arg_reg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->cx;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

static int probe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct guest_probe *gp = container_of(get_kretprobe(ri), struct guest_probe, krp);
	char buf[400];
	int n, i;

	n = scnprintf(buf, sizeof(buf), "lab_kmod/%s: (%s+0x0)", gp->sym, gp->sym);
	for (i = 0; i < gp->nargs; i++)
		n += scnprintf(buf + n, sizeof(buf) - n, " %s=0x%lx", gp->argn[i], arg_reg(regs, i));
	trace_printk("%s\n", buf);
	return 0;
}

static int probe_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct guest_probe *gp = container_of(get_kretprobe(ri), struct guest_probe, krp);
	unsigned long rv = regs_return_value(regs);

	trace_printk("lab_kmod/%s_ret: ret=0x%lx (%ld)\n", gp->sym, rv, (long)rv);
	return 0;
}

/* parse "SYMBOL PARAM..." and register the kretprobe; failures are logged, not fatal */
static void probe_setup(struct guest_probe *gp, const char *spec)
{
	char tmp[256], *s, *tok;
	int ret;

	if (!spec || !*spec)
		return;
	strscpy(tmp, spec, sizeof(tmp));
	s = tmp;
	tok = strsep(&s, " ");
	if (!tok || !*tok)
		return;
	strscpy(gp->sym, tok, sizeof(gp->sym));
	while ((tok = strsep(&s, " ")) && gp->nargs < MAXARGS)
		if (*tok)
			strscpy(gp->argn[gp->nargs++], tok, sizeof(gp->argn[0]));
	gp->krp.kp.symbol_name = gp->sym;
	gp->krp.entry_handler = probe_entry;
	gp->krp.handler = probe_return;
	gp->krp.maxactive = 16;
	ret = register_kretprobe(&gp->krp);
	if (ret < 0) {
		pr_warn("memhp_guest: register_kretprobe(%s) failed: %d\n", gp->sym, ret);
		trace_printk("lab_kmod/REGISTER_FAIL %s %d\n", gp->sym, ret);
		return;
	}
	gp->registered = true;
	trace_printk("lab_kmod/REGISTERED %s at %px nargs=%d\n", gp->sym, gp->krp.kp.addr, gp->nargs);
}

/* ------------------------------------------------------------------ calls */

/* the address of a (not exported) kernel symbol, through a temporary kprobe */
static void *lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (register_kprobe(&kp) < 0)
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* LOOKUP(var, sym): var = address of sym with sym's declared type; NOSYM line if absent */
#define LOOKUP(var, sym)						\
	typeof(&sym) var = lookup(#sym);				\
	if (!var) {							\
		trace_printk("lab_call/NOSYM %s\n", #sym);		\
		return -ENOENT;						\
	}

/* mem_hotplug_begin/done, looked up once at load (each lookup is a kprobe registration) */
static void (*hotplug_begin_fn)(void), (*hotplug_done_fn)(void);

static void hotplug_begin(void)
{
	if (hotplug_begin_fn)
		hotplug_begin_fn();
}

static void hotplug_done(void)
{
	if (hotplug_done_fn)
		hotplug_done_fn();
}

/*
 * Prototype changes the calls below follow (x86-64, Debian kernels):
 *  - sparse_remove_section(ms, pfn, nr_pages, map_offset, altmap) until 6.4;
 *    (pfn, nr_pages, altmap) from 6.5 ("mm/sparse: remove unused parameters in
 *    sparse_remove_section()"), which also moved the valid_section() check into it;
 *    (pfn, nr_pages, altmap, pgmap) in 7.x.
 *  - __remove_pages(pfn, nr_pages, altmap) until 6.x; (..., pgmap) in 7.x.
 *  - sparse_add_section(nid, pfn, nr_pages, altmap, pgmap) in all of them.
 * typeof(&sym) makes a wrong version boundary a compile error.
 */
#define PGMAP_ARGS (LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0))

static int do_add(const char *fn, int nid, unsigned long pfn, unsigned long nr)
{
	struct mhp_params params = { .pgprot = PAGE_KERNEL };
	int ret;

	trace_printk("lab_call/%s: nid=%d pfn=0x%lx nr_pages=0x%lx altmap=NULL\n", fn, nid, pfn, nr);
	if (!strcmp(fn, "add_pages")) {
		LOOKUP(f, add_pages);
		hotplug_begin();
		ret = f(nid, pfn, nr, &params);
		hotplug_done();
	} else if (!strcmp(fn, "__add_pages")) {
		LOOKUP(f, __add_pages);
		hotplug_begin();
		ret = f(nid, pfn, nr, &params);
		hotplug_done();
	} else {
		LOOKUP(f, sparse_add_section);
		hotplug_begin();
		ret = f(nid, pfn, nr, NULL, NULL);
		hotplug_done();
	}
	trace_printk("lab_call/%s_ret: ret=%d\n", fn, ret);
	return 0;
}

static int do_remove_pages(unsigned long pfn, unsigned long nr)
{
	LOOKUP(f, __remove_pages);
	trace_printk("lab_call/__remove_pages: pfn=0x%lx nr_pages=0x%lx altmap=NULL\n", pfn, nr);
	hotplug_begin();
#if PGMAP_ARGS
	f(pfn, nr, NULL, NULL);
#else
	f(pfn, nr, NULL);
#endif
	hotplug_done();
	trace_printk("lab_call/__remove_pages_ret: (void)\n");
	return 0;
}

static int do_sparse_remove_section(unsigned long pfn, unsigned long nr, unsigned long map_offset)
{
	LOOKUP(f, sparse_remove_section);
	trace_printk("lab_call/sparse_remove_section: pfn=0x%lx nr_pages=0x%lx map_offset=0x%lx altmap=NULL\n",
		     pfn, nr, map_offset);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	{
		/* the caller (__remove_section) checked the section and passed it in */
		struct mem_section *ms = __pfn_to_section(pfn);

		if (WARN_ON_ONCE(!valid_section(ms))) {
			trace_printk("lab_call/sparse_remove_section_ret: (void)\n");
			return 0;
		}
		hotplug_begin();
		f(ms, pfn, nr, map_offset, NULL);
		hotplug_done();
	}
#elif PGMAP_ARGS
	hotplug_begin();
	f(pfn, nr, NULL, NULL);
	hotplug_done();
#else
	hotplug_begin();
	f(pfn, nr, NULL);
	hotplug_done();
#endif
	trace_printk("lab_call/sparse_remove_section_ret: (void)\n");
	return 0;
}

static int do_mem_sections(const char *fn, unsigned long start, unsigned long end)
{
	trace_printk("lab_call/%s: start_pfn=0x%lx end_pfn=0x%lx\n", fn, start, end);
	if (!strcmp(fn, "online_mem_sections")) {
		LOOKUP(f, online_mem_sections);
		hotplug_begin();
		f(start, end);
		hotplug_done();
	} else {
		LOOKUP(f, offline_mem_sections);
		hotplug_begin();
		f(start, end);
		hotplug_done();
	}
	trace_printk("lab_call/%s_ret: (void)\n", fn);
	return 0;
}

static int do_query(const char *fn, unsigned long pfn)
{
	int ret;

	trace_printk("lab_call/%s: pfn=0x%lx\n", fn, pfn);
	if (!strcmp(fn, "pfn_valid"))
		ret = pfn_valid(pfn) ? 1 : 0;	/* the header's inline pfn_valid() */
	else
		ret = pfn_to_online_page(pfn) ? 1 : 0;
	trace_printk("lab_call/%s_ret: ret=%d\n", fn, ret);
	return 0;
}

/* the expected number of numeric arguments of a command, or -1 if unknown */
static int nargs_of(const char *fn)
{
	static const struct { const char *name; int n; } cmds[] = {
		{ "add_pages", 3 }, { "__add_pages", 3 }, { "sparse_add_section", 3 },
		{ "__remove_pages", 2 }, { "sparse_remove_section", 3 },
		{ "online_mem_sections", 2 }, { "offline_mem_sections", 2 },
		{ "pfn_valid", 1 }, { "pfn_to_online_page", 1 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(fn, cmds[i].name))
			return cmds[i].n;
	return -1;
}

/* run one command line "FN ARG..."; -EINVAL for an unknown command or bad numbers */
static int run_command(char *line)
{
	unsigned long a[3] = { 0, 0, 0 };
	char *s = strim(line), *fn, *tok;
	int want, n = 0;

	fn = strsep(&s, " \t");
	want = nargs_of(fn);
	if (want < 0) {
		trace_printk("lab_call/BADCMD %s\n", fn);
		return -EINVAL;
	}
	while (s && (tok = strsep(&s, " \t"))) {
		if (!*tok)
			continue;
		if (n >= want || kstrtoul(tok, 0, &a[n]))
			return -EINVAL;
		n++;
	}
	if (n != want)
		return -EINVAL;

	if (!strcmp(fn, "add_pages") || !strcmp(fn, "__add_pages") || !strcmp(fn, "sparse_add_section"))
		return do_add(fn, (int)a[0], a[1], a[2]);
	if (!strcmp(fn, "__remove_pages"))
		return do_remove_pages(a[0], a[1]);
	if (!strcmp(fn, "sparse_remove_section"))
		return do_sparse_remove_section(a[0], a[1], a[2]);
	if (!strcmp(fn, "pfn_valid") || !strcmp(fn, "pfn_to_online_page"))
		return do_query(fn, a[0]);
	return do_mem_sections(fn, a[0], a[1]);
}

static DEFINE_MUTEX(call_lock);

static ssize_t call_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[128];
	int ret;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&call_lock);
	ret = run_command(buf);
	mutex_unlock(&call_lock);
	return ret < 0 ? ret : len;
}

static const struct file_operations call_fops = {
	.owner = THIS_MODULE,
	.write = call_write,
};

static struct dentry *debug_dir;

/* ------------------------------------------------------------------ module */

static int __init memhp_guest_init(void)
{
	char *specs[NPROBES] = { probe0, probe1, probe2, probe3, probe4, probe5, probe6, probe7 };
	int i;

	for (i = 0; i < NPROBES; i++)
		probe_setup(&probes[i], specs[i]);
	hotplug_begin_fn = lookup("mem_hotplug_begin");
	hotplug_done_fn = lookup("mem_hotplug_done");
	if (!hotplug_begin_fn || !hotplug_done_fn)
		trace_printk("lab_call/NOSYM mem_hotplug_begin/done\n");
	debug_dir = debugfs_create_dir("memhp_guest", NULL);
	debugfs_create_file("call", 0200, debug_dir, NULL, &call_fops);
	return 0;
}

static void __exit memhp_guest_exit(void)
{
	int i;

	debugfs_remove_recursive(debug_dir);
	for (i = 0; i < NPROBES; i++)
		if (probes[i].registered)
			unregister_kretprobe(&probes[i].krp);
}

module_init(memhp_guest_init);
module_exit(memhp_guest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memhp verify: kretprobes and a debugfs file that calls memory hotplug functions");
