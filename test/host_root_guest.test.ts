/**
 * verify/host_root_guest.ts and verify/record_formats.ts without a boot: the QEMU arguments of the
 * two 9p shares (the host root read-only, the output directory read-write) next to the NVDIMM
 * machine's devices, the 9p modules in load order from a modules.dep like Debian's 6.1 and 7.3
 * ones (virtio_pci a module on 6.1, built in on 7.3; netfs a dependency of 9pnet on 7.3), the
 * initramfs holding /init from verify/guest/host_root_init, the guest scripts parsing as sh, the
 * guest.sh text and run.json from the guest's meta.txt.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { HOST_ROOT_MODULES, NVDIMM_MACHINE, guestInitPath, hostRootFiles, hostRootShares, sharesFile, withHostRootShares } from '../verify/host_root_guest.js';
import { buildInitramfs } from '../verify/initramfs.js';
import { guestSourceDir } from '../verify/module_build.js';
import { resolveModules } from '../verify/modules.js';
import { findOnPath } from '../verify/path_lookup.js';
import { qemuArgv } from '../verify/qemu_args.js';
import { formatsGuestScript, runJsonFromMeta } from '../verify/record_formats.js';

const work = mkdtempSync(join(tmpdir(), 'memhp-host-root-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const BUSYBOX = findOnPath('busybox');

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** A modules dir of `ko` files (content `module NAME`) with these modules.dep and modules.builtin lines. */
function modulesDir(name: string, dep: string[], builtin: string[]): string {
  const dir = join(work, name);
  for (const line of dep) {
    const file = line.slice(0, line.indexOf(':'));
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), `module ${file}\n`);
  }
  writeFileSync(join(dir, 'modules.dep'), `${dep.join('\n')}\n`);
  writeFileSync(join(dir, 'modules.builtin'), `${builtin.join('\n')}\n`);
  return dir;
}

describe('the shares and the machine', () => {
  it('shares / read-only as hostroot and the output directory read-write as out, after the NVDIMM devices', () => {
    const m = withHostRootShares(NVDIMM_MACHINE, '/x/out');
    const argv = qemuArgv({ qemu: 'qemu-system-x86_64', accel: 'tcg', machine: m, qmpSocket: '/t/q.sock', kernel: 'bzImage', initrd: 'i.gz', append: 'console=ttyS0', tmp: '/t' });
    const at = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
    expect(at('-machine')).toEqual(['pc,nvdimm=on']);
    expect(at('-m')).toEqual(['2G,slots=2,maxmem=4G']);
    expect(at('-object')).toEqual(['memory-backend-file,id=nv0,share=on,mem-path=/t/nvdimm0,size=1G']);
    expect(at('-device')).toEqual(['nvdimm,id=nvdimm0,memdev=nv0,label-size=128K']);
    expect(at('-virtfs')).toEqual([
      'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
      'local,path=/x/out,mount_tag=out,security_model=none',
    ]);
    expect(NVDIMM_MACHINE.devices).toHaveLength(4);
  });

  it('shares a relative output directory by its absolute path', () => {
    const a = hostRootShares('rel/out');
    expect(a[3]).toMatch(/^local,path=\/.*\/rel\/out,mount_tag=out,security_model=none$/);
  });
});

describe('directories under the guest\'s tmpfs (a checkout in the temporary directory)', () => {
  it('each shared directory is one more read-only share, named in shares.txt with its absolute path', () => {
    const clone = join(tmpdir(), 'ci', 'clone');
    const a = hostRootShares('out', [clone, 'rel/dir']);
    expect(a.slice(4)).toEqual([
      '-virtfs', `local,path=${clone},mount_tag=share0,security_model=none,readonly=on,multidevs=remap`,
      '-virtfs', `local,path=${join(process.cwd(), 'rel/dir')},mount_tag=share1,security_model=none,readonly=on,multidevs=remap`,
    ]);
    expect(sharesFile([`${clone}/`])).toBe(`share0 ${clone}\n`);
    expect(sharesFile([])).toBe('');
  });

  it('the init mounts the shares.txt directories under its tmpfs mounts at their own path, read-only, after its tmpfs', () => {
    const init = readFileSync(guestInitPath(), 'utf8');
    const tmpfs = init.indexOf('mount -t tmpfs tmpfs /host/tmp');
    const shares = init.indexOf('done < /host/tmp/out/shares.txt');
    expect(tmpfs).toBeGreaterThan(0);
    expect(shares).toBeGreaterThan(tmpfs);
    expect(init).toMatch(/case "\$path" in \/tmp\/\*\|\/run\/\*\) ;; \*\) continue ;; esac/);
    expect(init).toMatch(/mount -t 9p -o [^ ]*,ro "\$tag" "\/host\$path"/);
  });
});

describe('the 9p modules', () => {
  it('loads virtio_pci, 9pnet_virtio and 9p with their dependencies, dependencies first (6.1: virtio_pci a module)', () => {
    const dir = modulesDir('m61', [
      'kernel/drivers/virtio/virtio.ko:',
      'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/fs/netfs/netfs.ko:',
      'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
      'kernel/net/9p/9pnet.ko:',
      'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
    ], []);
    expect(ok(resolveModules(dir, HOST_ROOT_MODULES)).map((m) => m.name)).toEqual(['virtio_ring', 'virtio', 'virtio_pci', '9pnet', '9pnet_virtio', 'netfs', 'fscache', '9p']);
  });

  it('skips virtio_pci when built in and takes netfs before 9pnet (7.3)', () => {
    const dir = modulesDir('m73', [
      'kernel/fs/netfs/netfs.ko:',
      'kernel/net/9p/9pnet.ko: kernel/fs/netfs/netfs.ko',
      'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko',
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko',
    ], ['kernel/drivers/virtio/virtio_pci.ko', 'kernel/drivers/virtio/virtio.ko']);
    expect(ok(resolveModules(dir, HOST_ROOT_MODULES)).map((m) => m.name)).toEqual(['netfs', '9pnet', '9pnet_virtio', '9p']);
  });
});

describe('the guest scripts', () => {
  const src = guestSourceDir();
  it('are found beside the other guest files', () => {
    expect(src).not.toBeNull();
    expect(guestInitPath()).toBe(join(src!, 'host_root_init'));
  });

  it.each(['host_root_init', 'formats_session.sh', 'record_formats.sh'])('%s parses as sh', (f) => {
    const r = spawnSync('sh', ['-n', join(src!, f)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('/init mounts the two shares by their tags, chroots and records the script status', () => {
    const init = readFileSync(guestInitPath(), 'utf8');
    expect(init).toMatch(/mount -t 9p -o trans=virtio,[^ ]*,ro hostroot \/host/);
    expect(init).toMatch(/mount -t 9p -o trans=virtio,[^ ]* out \/host\/tmp\/out/);
    expect(init).toMatch(/chroot \/host .*OUT=\/tmp\/out/);
    expect(init).toMatch(/OUT=(\S+) .*\/bin\/sh \1\/guest\.sh/s);
    expect(init).toContain('guest.status');
    expect(init).toContain('=====LAB DONE=====');
  });

  it('the session runs the six steps with the standard tools, each followed by sync', () => {
    const s = readFileSync(join(src!, 'formats_session.sh'), 'utf8');
    const steps = [...s.matchAll(/^step (\S+) (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    expect(steps).toEqual([
      'create: ndctl create-namespace -f -r region0 -s 512M -m devdax -M mem -a 2M',
      'kmem: daxctl reconfigure-device --mode=system-ram --no-online dax0.0',
      'online: daxctl online-memory dax0.0',
      'offline: daxctl offline-memory dax0.0',
      'devdax: daxctl reconfigure-device --mode=devdax -f dax0.0',
      'destroy: ndctl destroy-namespace -f all',
    ]);
    expect(s).toMatch(/mark "LAB_STEP \$name"[\s\S]*"\$@"[\s\S]*sync/);
  });
});

describe.skipIf(BUSYBOX === null)('the initramfs', () => {
  it('holds /init from host_root_init, executable', () => {
    const cpio = gunzipSync(ok(buildInitramfs({ busybox: BUSYBOX!, kver: '6.1.0-56-amd64', files: hostRootFiles(), modules: [] })));
    const d = mkdtempSync(join(work, 'x-'));
    execFileSync('busybox', ['cpio', '-i', '-d', 'init'], { input: cpio, cwd: d, stdio: ['pipe', 'pipe', 'pipe'] });
    expect(readFileSync(join(d, 'init'), 'utf8')).toBe(readFileSync(guestInitPath(), 'utf8'));
    const listed = execFileSync('busybox', ['cpio', '-tv'], { input: cpio, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
    expect(listed.split('\n').find((l) => l.endsWith(' init'))).toMatch(/^-rwxr-xr-x/);
  });
});

describe('record_formats', () => {
  it('guest.sh sets MEMHP, SECTIONS and SESSION before the recorder', () => {
    expect(formatsGuestScript('/w/bin/memhp.js', '31-36', 'echo rec\n')).toBe("MEMHP='/w/bin/memhp.js'\nSECTIONS='31-36'\nSESSION=$OUT/session.sh\necho rec\n");
    expect(() => formatsGuestScript('/w/bin/memhp.js', "1; rm -rf '/'", '')).toThrow(/bad section list/);
  });

  it('run.json takes the kernel as memhp check reads it, the tools, commands, durations and refused probes', () => {
    const meta = [
      'kernel\t6.1.0-56-amd64',
      'banner\tLinux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP',
      'cmdline\tconsole=ttyS0 panic=-1 nokaslr',
      'ndctl\t76.1',
      'trace-cmd\t3.1.6',
      'marker\tLAB_SECSTATE_SECTIONS 31 32 spr=128',
      'tracefs-seconds\t1.80',
      'refused-kprobe\tp:lab/sparse_add_section sparse_add_section nid=$arg1:s32',
      'refused-perf-probe\tsparse_add_section nid=$arg1:s32',
      'perf-record\tperf record -e probe:* -a -o perf.data -- sh session.sh -> 0',
      'no tab here',
    ].join('\n');
    expect(runJsonFromMeta(meta, { sections: '31-32' })).toEqual({
      kernel_release: '6.1.0-56-amd64',
      kernel_version_banner: 'Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP',
      kernel_cmdline: 'console=ttyS0 panic=-1 nokaslr',
      tools: { ndctl: '76.1', 'trace-cmd': '3.1.6' },
      marker: 'LAB_SECSTATE_SECTIONS 31 32 spr=128',
      commands: { 'perf-record': 'perf record -e probe:* -a -o perf.data -- sh session.sh -> 0' },
      seconds: { tracefs: 1.8 },
      refusedKprobes: ['p:lab/sparse_add_section sparse_add_section nid=$arg1:s32'],
      refusedPerfProbes: ['sparse_add_section nid=$arg1:s32'],
      sections: '31-32',
    });
  });
});
