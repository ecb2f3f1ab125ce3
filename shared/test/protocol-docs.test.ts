import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLine, decodeTelemetry, IngestBatch, IngestReply } from '../src/index.ts';

const doc = readFileSync(join(import.meta.dirname, '../../docs/protocols.md'), 'utf8');

function block(tag: string): string {
  const m = doc.match(new RegExp('```' + tag + '\\n([\\s\\S]*?)```'));
  if (!m) throw new Error(`docs/protocols.md has no \`\`\`${tag} block`);
  return m[1]!;
}

describe('docs/protocols.md examples', () => {
  it('good serial lines decode', () => {
    const lines = block('serial-ok').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(decodeLine(line), line).toMatchObject({ ok: true });
  });

  it('each refused serial line is refused for the reason the table gives', () => {
    const rows = [...doc.matchAll(/^\| `(\$?RG[^`]*)` \| `([a-z_]+)` \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const [, line, reason] of rows) expect(decodeLine(line!), line).toMatchObject({ ok: false, reason });
  });

  it('the telemetry payload, ingest batch and reply match the schemas', () => {
    expect(decodeTelemetry('soil-01', new TextEncoder().encode(block('json telemetry')))).toMatchObject({ ok: true });
    expect(IngestBatch.safeParse(JSON.parse(block('json ingest-batch'))).success).toBe(true);
    expect(IngestReply.safeParse(JSON.parse(block('json ingest-reply'))).success).toBe(true);
  });
});
