import type { Change } from '../api/types';

/** The live feed: newest first, each seq once, at most `max` entries. */
export function mergeFeed(feed: Change[], incoming: Change[], max = 200): Change[] {
  const bySeq = new Map<number, Change>();
  for (const change of [...feed, ...incoming]) bySeq.set(change.seq, change);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, max);
}
