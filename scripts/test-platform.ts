/**
 * For browser tests: the whole platform as `npm start` runs it (cloud, gateway, simulated farm with
 * some hours of history), on a free port with a data folder of its own, and Chromium signed in to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { waitUntil } from '../gateway/test/helpers.ts';
import { freePort } from './free-port.ts';

export const PASSWORD = 'mat-khau-demo-2026';
export const ADMIN_TOKEN = 'dashboard-test-admin-token-1';
export const SIZES = { phone: { width: 360, height: 800 }, laptop: { width: 1366, height: 768 } } as const;

export type Platform = {
  url: string;
  dataDir: string;
  asAdmin(method: string, path: string, body?: object): Promise<any>;
  stop(): Promise<void>;
};

/** Starts `npm start`'s platform with `env` added, once its simulated farm has caught up with the clock. */
export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ruong-dashboard-'));
  const url = `http://127.0.0.1:${await freePort()}`;
  const platform: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'start.ts')], {
    env: { ...process.env, RUONG_PORT: new URL(url).port, RUONG_DATA_DIR: dataDir, RUONG_ADMIN_TOKEN: ADMIN_TOKEN, RUONG_DEMO_PASSWORD: PASSWORD, RUONG_SIM_HISTORY_HOURS: '12', RUONG_SIM_HISTORY_SPEED: '2880', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  platform.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  platform.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const asAdmin = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, ...(body && { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const stop = async () => {
    if (platform.exitCode === null && platform.signalCode === null) {
      const exited = once(platform, 'exit');
      platform.kill('SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil('the platform runs', () => out.includes('Press Ctrl-C to stop.'), { timeoutMs: 40_000, events: [[platform.stdout!, 'data']] });
    // The history has been replayed once every node's newest reading is recent.
    await waitUntil(
      'the simulated farm has caught up with the clock',
      async () => {
        const { nodes } = (await asAdmin('GET', '/api/v1/nodes')) as { nodes: { node: string; lastSeen: number }[] };
        return nodes.length === 7 && nodes.every((n) => Date.now() - n.lastSeen < 60_000);
      },
      { timeoutMs: 60_000, pollMs: 500 },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}; the platform said:\n${out.slice(-3000)}`);
  }
  return { url, dataDir, asAdmin, stop };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A browser signed in as `username`, once `ready` shows (the zone cards, unless said otherwise). */
export async function signedIn(browser: Browser, url: string, username: string, size: keyof typeof SIZES = 'laptop', locale = 'vi-VN', ready = '[data-testid=zone-card]'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: SIZES[size], locale });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector(ready);
  return { context, page };
}

/** A whole-page screenshot from the top (the sticky header would otherwise land mid-page). */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
