/**
 * The QEMU command line of a guest run, as the lab's runner built it: TCG (`-accel tcg -cpu max`)
 * or KVM (`-enable-kvm -cpu host`), two CPUs, no network, no reboot, the serial console on stdio,
 * no HMP monitor, QMP on a unix socket, the kernel, initramfs and command line, then the devices.
 */

/** The machine of a guest: QEMU's `-machine` and `-m` values and extra device arguments. */
export interface GuestMachine {
  readonly machine: 'pc' | 'pc,nvdimm=on';
  /** e.g. `2G` or `2G,slots=4,maxmem=16G` */
  readonly mem: string;
  /** Extra arguments (`-object …`, `-device …`); `{tmp}` in them is replaced by the run's temporary directory (removed after the run). */
  readonly devices: readonly string[];
}

/** The accelerator a run used. */
export type Accel = 'kvm' | 'tcg';

/** What the command line is made of. */
export interface QemuArgsSpec {
  readonly qemu: string;
  readonly accel: Accel;
  readonly machine: GuestMachine;
  readonly qmpSocket: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly append: string;
  /** The run's temporary directory, for `{tmp}` in the devices. */
  readonly tmp: string;
}

/** The argv (program first) of a run. */
export function qemuArgv(s: QemuArgsSpec): string[] {
  const accel = s.accel === 'kvm' ? ['-enable-kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  return [
    s.qemu,
    ...accel,
    '-machine', s.machine.machine,
    '-m', s.machine.mem,
    '-smp', '2',
    '-nographic',
    '-nic', 'none',
    '-no-reboot',
    '-serial', 'stdio',
    '-monitor', 'none',
    '-qmp', `unix:${s.qmpSocket},server=on,wait=off`,
    '-kernel', s.kernel,
    '-initrd', s.initrd,
    '-append', s.append,
    ...s.machine.devices.map((d) => d.split('{tmp}').join(s.tmp)),
  ];
}
