/** Run the CLI in-process (captured Io) or as the real `bin/memhp.js` process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { runCli } from '../../cli/app.js';
import { readTextFile } from '../../cli/io.js';
import type { Io } from '../../cli/io.js';
import type { WriteFs } from '../../log/write_atomic.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `memhp ARGS` in-process with colour off (or on), writing files through `writeFs` when given. */
export async function cli(args: readonly string[], opts: { color?: boolean; writeFs?: WriteFs } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    color: pc.createColors(opts.color ?? false),
    readFile: readTextFile,
    ...(opts.writeFs ? { writeFs: opts.writeFs } : {}),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Run the built `bin/memhp.js ARGS` as a child process. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [`${ROOT}bin/memhp.js`, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
