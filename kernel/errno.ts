/** Linux errno values used by the hotplug paths (include/uapi/asm-generic/errno-base.h). */
export const ERRNO = {
  E2BIG: 7,
  ENOMEM: 12,
  EEXIST: 17,
  ENXIO: 6,
  EINVAL: 22,
  ERANGE: 34,
} as const;

/** An errno name such as `EEXIST`. */
export type ErrnoName = keyof typeof ERRNO;

/** Render a return value as the kernel reader expects: `0`, `-EEXIST`, or `-N` for an unnamed errno. */
export function formatRet(ret: number | null): string {
  if (ret === null) return 'void';
  if (ret === 0) return '0';
  for (const [name, value] of Object.entries(ERRNO)) if (-value === ret) return `-${name}`;
  return String(ret);
}

/** Parse `0`, `-EEXIST`, `EEXIST`, `-17` or `void`; undefined when it is none of those. */
export function parseRet(text: string): number | null | undefined {
  if (text === 'void') return null;
  if (/^-?\d+$/.test(text)) return Number(text) === 0 ? 0 : Number(text);
  const name = text.replace(/^-/, '');
  if (name in ERRNO) return -ERRNO[name as ErrnoName];
  return undefined;
}
