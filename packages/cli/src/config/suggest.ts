/** "Did you mean …?" for unknown keys. */

/** The closest known key: same letters ignoring case and `_`/`-`, else edit distance ≤ 2 (≤ 3 for long keys). */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const normal = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const exact = known.find((candidate) => normal(candidate) === normal(key));
  if (exact) return exact;
  // `maxAgents` → `maxConcurrentAgents`: every word of the key appears, in order, in one candidate.
  const words = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  const keyWords = words(key);
  const containing = known.filter((candidate) => {
    const candidateWords = words(candidate);
    let at = 0;
    for (const word of candidateWords) if (word === keyWords[at]) at++;
    return keyWords.length > 1 && at === keyWords.length;
  });
  if (containing.length === 1) return containing[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(normal(key), normal(candidate));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= (key.length > 12 ? 3 : 2) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
