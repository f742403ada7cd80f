#!/usr/bin/env node
// The CLI as bundled by cli/build.ts (npm run build); dist/cli/main.js is the same code unbundled.
// `memhp --help` without colour and `memhp --version` print the text the build rendered from the
// same code (dist/bundle/usage.txt, version.txt) without loading the bundle; colour as
// cli/io.ts wantsColor decides it (a TTY, and NO_COLOR unset or empty) goes through the CLI.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const colour = process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
const file = args.length !== 1 ? null : ['--version', '-V'].includes(args[0]) ? 'version.txt' : !colour && ['--help', '-h', 'help'].includes(args[0]) ? 'usage.txt' : null;
let text = null;
if (file !== null) {
  try {
    text = readFileSync(new URL(`../dist/bundle/${file}`, import.meta.url), 'utf8');
  } catch {
    text = null;
  }
}
if (text !== null) {
  // A reader that goes away (`memhp --help | head -1`) is not an error, as in cli/main.ts.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.stdout.write(text);
}
else await import('../dist/bundle/main.js');
