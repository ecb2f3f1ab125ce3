import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPtyPair } from '../src/pty-pair.ts';

describe('pty pairs for serial nodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruong-pty-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a missing ptyDir and links both ends there', async () => {
    const ptyDir = join(dir, 'not', 'yet');
    const pair = await createPtyPair(ptyDir, 'soil-01');
    try {
      expect(existsSync(pair.simPath) && existsSync(pair.gatewayPath)).toBe(true);
      expect(pair.gatewayPath).toBe(join(ptyDir, 'soil-01.gw'));
    } finally {
      await pair.close();
    }
  });

  it('names a ptyDir that is a file, in one line', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expect(createPtyPair(file, 'soil-01')).rejects.toThrow(new RegExp(`^ptyDir ${file} is not a folder the pty links can go in: EEXIST`));
  });

  it("gives socat's own error, not its notices, when it cannot make the pair", async () => {
    const ptyDir = join(dir, 'taken');
    mkdirSync(join(ptyDir, 'soil-01.sim'), { recursive: true });
    const failed = await createPtyPair(ptyDir, 'soil-01').catch((err: Error) => err.message);
    expect(failed).toMatch(new RegExp(`^socat could not make the pty pair soil-01 in ${ptyDir} \\(exit 1\\): unlink\\("${join(ptyDir, 'soil-01.sim')}"\\): [^\\n]+$`));
    expect(failed).not.toMatch(/PTY is|exit\(1\)$/);
  });
});
