import { CommanderError } from 'commander';
import { ArgumentError } from './arguments';
import { buildProgram, CliRuntime } from './program';

// Nest, TypeORM and the libs load (./runtime) only when a command needs the database.
const load = () => import('./runtime');
const runtime: CliRuntime = {
  migrate: async () => (await load()).runtime.migrate(),
  withApp: async (work) => (await load()).runtime.withApp(work),
  out: (text) => console.log(text),
  warn: (text) => console.error(text),
};

/** Exit codes: 0 done, 1 a bad value or a failure (one line), 2 a usage error (unknown command, missing argument). */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram(runtime);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.unknownCommand') program.outputHelp({ error: true });
    return 2; // commander has printed its one line (or a command group's help)
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(
      error instanceof ArgumentError ? `error: ${error.message}` : (await load()).describeError(error, argv.includes('--json')),
    );
    process.exit(1);
  },
);
