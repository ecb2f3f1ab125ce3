/**
 * The one of `names` a misspelt `name` most likely meant: the same but for case, or at most two letters
 * added, dropped, changed or swapped (one in a name of six or fewer); undefined when none is that close.
 */
export function closestName(name: string, names: readonly string[]): string | undefined {
  const most = name.length <= 6 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = most + 1;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Edit distance: letters added, dropped or changed, or two neighbours swapped, to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) next[j] = Math.min(next[j]!, before[j - 2]! + 1);
    }
    [before, row] = [row, next];
  }
  return row[b.length]!;
}
