import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.ts';

function split(chunks: (string | Buffer)[]) {
  const lines: string[] = [];
  let overflows = 0;
  const s = new LineSplitter((l) => lines.push(l), () => overflows++);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return { lines, overflows };
}

describe('LineSplitter', () => {
  it('joins lines across chunks and keeps \\r for the codec', () => {
    expect(split(['$RG,a', ',1*00\r\n$RG', ',b\n', '\n'])).toEqual({ lines: ['$RG,a,1*00\r', '$RG,b'], overflows: 0 });
  });
  it('reports an over-long line once and resumes at the next newline', () => {
    const long = 'x'.repeat(600);
    expect(split([long.slice(0, 300), long.slice(300), 'tail\n', 'ok\n'])).toEqual({ lines: ['ok'], overflows: 1 });
  });
  it('keeps a line of exactly the maximum length plus \\r', () => {
    const line = 'y'.repeat(512) + '\r';
    expect(split([`${line}\n`]).lines).toEqual([line]);
  });
});
