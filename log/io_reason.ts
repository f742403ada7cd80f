/** A failed file operation's reason in words, as `ls` or `cp` would say it: one wording for every reader and writer. */

/** The system's reason for the failed file operation `e`, as `ls` or `cp` would say it. */
export function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EEXIST: 'file exists',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    EROFS: 'read-only file system',
    EFBIG: 'file too large',
  };
  const k = err.code === undefined ? undefined : known[err.code];
  if (k !== undefined) return k;
  // node:fs says `CODE: reason, syscall 'path'`: keep the reason.
  const m = /^[A-Z0-9_]+: (.*?)(?:, \w+(?: '.*')?)?$/.exec(err.message ?? '');
  return m?.[1] ?? String(err.message ?? e);
}
