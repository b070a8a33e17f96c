#!/usr/bin/env node
// The mosaic command. Runs the compiled library in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("mosaic: dist/ is missing; run 'npm install' (or 'npm run build') in the package folder first\n");
  process.exit(1);
}
const { cli } = await import(entry.href);
await cli();
