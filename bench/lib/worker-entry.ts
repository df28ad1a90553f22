/** The child side of Worker: loads one module and runs its exported functions on request. */
const target = process.argv[2];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exported = require(target) as Record<string, (args: unknown) => unknown>;

process.on('message', (message: { id: number; fn: string; args: unknown }) => {
  const { id, fn, args } = message;
  if (fn === '__ready') return process.send!({ id, result: true });
  const handler = exported[fn];
  if (typeof handler !== 'function') return process.send!({ id, error: `${target} exports no function ${fn}` });
  Promise.resolve()
    .then(() => handler(args))
    .then(
      (result) => process.send!({ id, result: result ?? null }),
      (error: unknown) => process.send!({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
});
process.on('disconnect', () => process.exit(0));
