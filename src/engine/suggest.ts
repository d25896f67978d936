// "Did you mean ...?" for every name a user types: config keys, column names, source tables. One
// rule, so a typo gets the same help wherever it is made.
import { distance } from 'fastest-levenshtein';

/** Case, `_`, `-` and spaces aside: `visitDate`, `VISIT_DATE` and `visit-date` are the same letters. */
const letters = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The candidate `name` most probably meant: one with the same letters (another case or spelling
 * style), else the closest by edit distance when that is within a typo's reach, a third of the
 * name's length (at least 1). Undefined when nothing is that close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = letters(name);
  const same = candidates.find((c) => letters(c) === wanted);
  if (same !== undefined) return same;
  const reach = Math.max(1, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= reach && (!best || d < best.distance)) best = { name: candidate, distance: d };
  }
  return best?.name;
}

/** ` (did you mean "X"?)`, or nothing when no candidate is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? '' : ` (did you mean "${closest}"?)`;
}
