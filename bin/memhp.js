#!/usr/bin/env node
// The CLI as bundled by cli/build.ts (npm run build); dist/cli/main.js is the same code unbundled.
import '../dist/bundle/main.js';
