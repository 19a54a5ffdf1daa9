/** Suggestions for misspelt names: the closest known name, for "did you mean" in error messages. */

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known name closest to `given`, ignoring case, when it is close enough to be a slip (at most
 * a third of its letters, at least 2, differ); undefined otherwise.
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  const bad = given.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(bad, name.toLowerCase());
    if (distance <= Math.max(2, Math.floor(bad.length / 3)) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `; did you mean "x"?` for a close known name, else ` (known: a, b, c)`. */
export function didYouMean(given: string, known: readonly string[]): string {
  const near = closestName(given, known);
  return near !== undefined ? `; did you mean "${near}"?` : ` (known: ${[...known].sort().join(', ')})`;
}
