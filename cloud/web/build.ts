/**
 * Builds the dashboard into dist/web: one script and one stylesheet, minified, with a gzip copy of
 * each so a phone on 3G downloads ~50 kB in all. Run by `npm run build` (and so by `npm install`).
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outdir = join(import.meta.dirname, '..', 'dist', 'web');

/**
 * zod re-exports every locale as one namespace, which esbuild cannot tree-shake (colinhacks/zod#6050):
 * 40 languages, 250 kB. The dashboard speaks two; the rest are left out.
 */
const twoZodLocales: Plugin = {
  name: 'two-zod-locales',
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (args) => (args.importer.includes('/zod/') ? { path: 'zod-locales', namespace: 'zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js'; export { default as vi } from 'zod/v4/locales/vi.js';",
      resolveDir: import.meta.dirname,
    }));
  },
};

await build({
  entryPoints: { app: join(import.meta.dirname, 'src', 'main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
  plugins: [twoZodLocales],
});
for (const file of ['app.js', 'app.css']) writeFileSync(join(outdir, `${file}.gz`), gzipSync(readFileSync(join(outdir, file)), { level: 9 }));
