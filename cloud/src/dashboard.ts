import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudApp } from './app-env.ts';

const WEB_DIR = join(import.meta.dirname, '..', 'dist', 'web');

/** A green leaf on the theme's colour, inline: one request less, and no 404 for /favicon.ico in every console. */
const FAVICON = encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b6e3a"/><path d="M8 25C8 14 15 7 25 7c0 11-7 18-17 18z" fill="#f5d142"/></svg>',
);

const PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0b6e3a">
<link rel="icon" href="data:image/svg+xml,${FAVICON}">
<title>Ruộng</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body><div id="app"></div><noscript>Ruộng cần JavaScript. Ruộng needs JavaScript.</noscript></body>
</html>`;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Ruộng</title>
<p>The dashboard is not built. Run <code>npm run build</code> (npm install runs it), then reload.</p>`;

type Asset = { body: Buffer; gzip: Buffer; etag: string; type: string };

function loadAsset(file: string, type: string): Asset | undefined {
  try {
    const body = readFileSync(join(WEB_DIR, file));
    return { body, gzip: readFileSync(join(WEB_DIR, `${file}.gz`)), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`, type };
  } catch {
    return undefined;
  }
}

/**
 * The dashboard: one HTML page and the script and stylesheet `npm run build` made, served by the
 * cloud itself (nothing from a CDN: the cooperative's server may be the only one people can reach).
 * Assets go gzipped when the browser takes it, and are revalidated by ETag.
 */
export function registerDashboard(app: CloudApp): void {
  const assets = new Map<string, Asset>();
  for (const [file, type] of [['app.js', 'text/javascript; charset=utf-8'], ['app.css', 'text/css; charset=utf-8']] as const) {
    const asset = loadAsset(file, type);
    if (asset) assets.set(file, asset);
  }
  const built = assets.size === 2;
  app.get('/', (c) =>
    c.html(built ? PAGE : NOT_BUILT, built ? 200 : 503, {
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    }),
  );
  app.get('/assets/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) return c.notFound();
    const headers: Record<string, string> = { 'Content-Type': asset.type, ETag: asset.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding', 'X-Content-Type-Options': 'nosniff' };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.body), 200, gzip ? { ...headers, 'Content-Encoding': 'gzip' } : headers);
  });
}
