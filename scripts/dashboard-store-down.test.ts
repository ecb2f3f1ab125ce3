/**
 * The dashboard on a farmer's phone while the cloud's InfluxDB is down, and while the phone has no
 * signal: the farm stays usable, and what cannot be shown or is not current says so. Its screenshot
 * goes where dashboard.test.ts puts its own (`RUONG_SCREENSHOTS`).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../cloud/test/influxd.ts';
import { launchChromium, screenshot, signedIn, startPlatform, type Platform } from './test-platform.ts';

/** The next poll of the overview (every 10 s) has answered. */
const POLL_MS = 15_000;

describe('dashboard while InfluxDB or the signal is gone', () => {
  let influxd: Influxd;
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    influxd = await startInfluxd();
    platform = await startPlatform({ RUONG_TELEMETRY_STORE: 'influxdb', RUONG_INFLUX_URL: influxd.url, RUONG_SIM_HISTORY_HOURS: '2' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await influxd?.dispose();
  }, 30_000);

  const moisture = (page: Page) => page.locator('[data-testid=zone-card] [data-testid=moisture]').first().textContent();

  it('keeps zones, gateways and watering on screen without readings, says why, and shows readings again once InfluxDB is back', async () => {
    const { context, page } = await signedIn(browser, platform.url, 'nongdan', 'phone');
    await expect.poll(() => moisture(page)).toMatch(/^\d+,\d\u00a0%$/);

    await influxd.stop();
    // The open page turns at its next poll, and a fresh one opens that way.
    const down = page.locator('[data-testid=readings-down]');
    await down.waitFor({ timeout: POLL_MS });
    expect(await down.textContent()).toContain('kho số đo của máy chủ không trả lời');
    await page.reload();
    await down.waitFor();
    const cards = page.locator('[data-testid=zone-card]');
    expect(await cards.count()).toBe(2);
    expect(await moisture(page)).toBe('–');
    expect(await cards.first().locator('a.button.primary').textContent()).toBe('Tưới');
    expect(await page.locator('[data-testid=gateway]').first().textContent()).toContain('Trực tuyến');
    await screenshot(page, process.env.RUONG_SCREENSHOTS ?? platform.dataDir, 'readings-down-phone');
    // Watering needs no readings: the farmer's command is taken, and the valve confirms it.
    await cards.first().locator('a.button.primary').click();
    await page.click('button.primary');
    await page.locator('[data-testid=command][data-state=done]').first().waitFor({ timeout: 30_000 });
    // With no valve readings to go by, the overview goes by the run the valve confirmed.
    await page.goto(platform.url);
    await down.waitFor();
    expect(await cards.first().locator('[data-testid=valve-state]').textContent()).toBe('Van: Đang mở');
    // A chart cannot be drawn, and says why in the farmer's words rather than the server's.
    await page.goto(`${platform.url}/#/chart?node=soil-01&metric=soil_moisture`);
    expect(await page.locator('p.error').textContent()).toBe('Máy chủ tạm thời không đọc được kho số đo; hãy thử lại sau ít phút.');

    await influxd.start();
    await page.goto(platform.url);
    await expect.poll(() => moisture(page), { timeout: POLL_MS }).toMatch(/^\d+,\d\u00a0%$/);
    expect(await down.count()).toBe(0);
    await context.close();
  }, 90_000);

  it('shows how many readings a gateway that cannot upload holds, and since when, and a gateway that cannot write its card', async () => {
    const spoke = Date.now();
    const health = { uptimeSec: 90_000, rssBytes: 70_000_000, queueDepth: 12_400, oldestUnsentTs: spoke - 3 * 3_600_000, readingsIn: 50_000, readingsOut: 37_600, droppedByCap: 0, rejects: {} };
    const full = { ...health, queueDepth: 0, oldestUnsentTs: null, outboxFailing: { since: spoke - 600_000, error: 'database or disk is full', heldReadings: 2_150 } };
    for (const [id, sent] of [['gw-cham', health], ['gw-day', full]] as const) {
      const { token } = (await platform.asAdmin('POST', '/api/v1/gateways', { id, farmId: 'htx-demo' })) as { token: string };
      const res = await fetch(`${platform.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batchId: `${id}-1`, readings: [], health: sent }),
      });
      expect(res.status).toBe(200);
    }
    const { context, page } = await signedIn(browser, platform.url, 'nongdan', 'phone');
    const backlogs = page.locator('[data-testid=backlog]');
    await backlogs.first().waitFor();
    // Only the gateway falling behind says so; the demo gateway keeps up.
    expect(await backlogs.count()).toBe(1);
    expect(await page.locator('[data-testid=gateway].warn [data-testid=backlog]').count()).toBe(1);
    expect(await backlogs.first().textContent()).toMatch(/^ · 12\.400 số đo chưa gửi lên được, cũ nhất từ \d\d:\d\d( \d\d-\d\d)?$/);
    const failing = page.locator('[data-testid=gateway].bad [data-testid=outbox-failing]');
    expect(await failing.count()).toBe(1);
    expect(await failing.textContent()).toMatch(/^ · không ghi được vào thẻ nhớ từ \d\d:\d\d( \d\d-\d\d)? \(thẻ đầy\?\); đang giữ 2\.150 số đo trong bộ nhớ$/);
    await context.close();
  }, 30_000);

  it('says since when the figures on screen are old while the phone has no signal, and that it cannot reach the cloud', async () => {
    const { context, page } = await signedIn(browser, platform.url, 'nongdan', 'phone');
    const stale = page.locator('[data-testid=not-updated]');
    await context.setOffline(true);
    await stale.waitFor({ timeout: POLL_MS });
    expect(await stale.textContent()).toMatch(/^Chưa cập nhật được từ \d\d:\d\d\. Không kết nối được với máy chủ/);
    // The figures stay, marked as old rather than taken away.
    expect(await moisture(page)).toMatch(/^\d+,\d\u00a0%$/);
    await context.setOffline(false);
    await stale.waitFor({ state: 'detached', timeout: POLL_MS });
    // Going to water a zone without signal says so, rather than loading for ever.
    await context.setOffline(true);
    await page.locator('[data-testid=zone-card] a.button.primary').first().click();
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^Không kết nối được với máy chủ/);
    await context.close();
  }, 60_000);
});
