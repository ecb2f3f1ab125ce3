#!/usr/bin/env node
// What npm links as `ruong-gateway`. npm links a package's bins before `prepare` builds dist/, and
// leaves out a bin whose file is not there yet: a link straight to dist/cli.js was missing from every
// fresh checkout.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('ruong-gateway: the gateway is not built; run `npm run build` in the checkout (npm install runs it)');
  process.exit(1);
}
await import(cli.href);
