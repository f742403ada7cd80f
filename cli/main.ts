/** The process entry: the only place that exits. Bugs (non-user errors) print in full. */
import { runCli } from './app.js';
import { processIo } from './io.js';

// A reader that goes away (`memhp run … | head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`memhp: internal error (a bug in memhp, please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
