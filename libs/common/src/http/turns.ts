/** Resolves on the event loop's next turn (after pending I/O), so that long work can be done in slices. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
