/** The process entry: the only place that exits. Bugs (non-user errors) print in full. */
import { constants } from 'node:os';
import { exitStatus } from '../kernel/errors.js';
import { runCli } from './app.js';
import { processIo } from './io.js';
import { removeTempFiles, watchTempFiles } from './temp_files.js';

// A reader that goes away (`memhp run … | head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// While an output is being written, a signal that ends the process removes its temporary file first
// and exits as the shell reports a signal (128 + its number, 130 for Ctrl-C). Installed only then:
// otherwise the signals keep their default action (a long computation stops at once on Ctrl-C).
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const onSignal = (signal: NodeJS.Signals): void => {
  removeTempFiles();
  process.exit(128 + constants.signals[signal]);
};
watchTempFiles((count) => {
  for (const s of ENDING_SIGNALS) {
    process.off(s, onSignal);
    if (count > 0) process.on(s, onSignal);
  }
});
process.on('exit', removeTempFiles);

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`memhp: error[E_INTERNAL]: internal error (a bug in memhp, please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = exitStatus('E_INTERNAL');
  },
);
