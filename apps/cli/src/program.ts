import type { INestApplicationContext } from '@nestjs/common';
import { Command, Option } from 'commander';
import { uuidArgument } from './arguments';
import type { Listing } from './listings';
import { formatJson, formatTable } from './output';

// The services load with the first command that needs them (not for `--help`).
const commands = () => import('./commands');
const listings = () => import('./listings');
const runServiceCommand: typeof import('./commands').runServiceCommand = async (app, argv) =>
  (await commands()).runServiceCommand(app, argv);
const listOrganizations: typeof import('./listings').listOrganizations = async (app) => (await listings()).listOrganizations(app);
const listSolutions: typeof import('./listings').listSolutions = async (app, org) => (await listings()).listSolutions(app, org);
const listTokens: typeof import('./listings').listTokens = async (app, org) => (await listings()).listTokens(app, org);
const listTables: typeof import('./listings').listTables = async (app, org, sol) => (await listings()).listTables(app, org, sol);
const acumatica = () => import('./acumatica-commands');
const organizationsNamed: typeof import('./listings').organizationsNamed = async (app, name) =>
  (await listings()).organizationsNamed(app, name);

/** What the commands need from the process: the services against the migrated database, and output. */
export interface CliRuntime {
  withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  out(text: string): void;
  warn(text: string): void;
}

interface OutputOptions {
  json?: boolean;
}

const jsonOption = () => new Option('--json', 'print JSON (for scripts) instead of a table');

/**
 * The operator CLI (`npm run cli -- <command>`), with `--help` on every command. Create, revoke and
 * rotate commands print JSON (the secret of a new token is shown once); list commands print a
 * table, or JSON with `--json`. Ids are checked before any database is touched.
 */
export function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('npm run cli --')
    .description(
      "Tablecast operator commands. Uses DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (a running server's, if there is one).",
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });

  const show = <T>(listing: Listing<T>, options: OutputOptions) =>
    runtime.out(options.json ? formatJson(listing.items) : formatTable(listing.items, listing.columns, listing.none));
  const service = (argv: string[]) => runtime.withApp(async (app) => runtime.out(formatJson(await runServiceCommand(app, argv))));

  program
    .command('migrate')
    .description('apply pending database migrations (npm start does it too)')
    .addOption(jsonOption())
    .action(async () => runtime.out(formatJson({ applied: await runtime.migrate() })));

  const org = program.command('org').description('organizations: create, list');
  org
    .command('create')
    .description('create an organization (prints JSON); warns when one of that name exists')
    .argument('<NAME>', 'its name')
    .option('--region <REGION>', "its region (default: the serving region; another one answers with that region's URL)")
    .addOption(jsonOption())
    .action(async (name: string, options: { region?: string }) =>
      runtime.withApp(async (app) => {
        const existing = await organizationsNamed(app, name);
        const created = await runServiceCommand(app, ['org', 'create', name, ...(options.region ? ['--region', options.region] : [])]);
        if (existing.length) {
          runtime.warn(
            `warning: an organization named ${JSON.stringify(name)} already existed (${existing.map((o) => o.id).join(', ')}); this is another one`,
          );
        }
        runtime.out(formatJson(created));
      }),
    );
  org
    .command('list')
    .description('list the organizations')
    .addOption(jsonOption())
    .action(async (options: OutputOptions) => runtime.withApp(async (app) => show(await listOrganizations(app), options)));

  const solution = program.command('solution').description('solutions of an organization: create, list');
  solution
    .command('create')
    .description('create a solution (prints JSON with its cdcUrl, the Acumatica destination)')
    .argument('<ORG>', 'organization id')
    .argument('<NAME>', 'its name')
    .addOption(jsonOption())
    .action(async (orgId: string, name: string) => service(['solution', 'create', uuidArgument('ORG', orgId), name]));
  solution
    .command('list')
    .description('list the solutions of an organization')
    .argument('<ORG>', 'organization id')
    .addOption(jsonOption())
    .action(async (orgId: string, options: OutputOptions) => {
      const id = uuidArgument('ORG', orgId);
      await runtime.withApp(async (app) => show(await listSolutions(app, id), options));
    });

  const token = program.command('token').description('personal access tokens of an organization: create, list, revoke');
  token
    .command('create')
    .description('create a token (prints JSON; the secret is shown only this once)')
    .argument('<ORG>', 'organization id')
    .argument('<NAME>', 'a name to recognise it by')
    .option('--scopes <SCOPES>', 'comma-separated: cdc:push, data:read, data:write, org:admin (default: all)')
    .option('--expires <ISO-8601>', 'expiry time, e.g. 2027-01-01T00:00:00Z (default: never)')
    .addOption(jsonOption())
    .action(async (orgId: string, name: string, options: { scopes?: string; expires?: string }) =>
      service([
        'token',
        'create',
        uuidArgument('ORG', orgId),
        name,
        ...(options.scopes !== undefined ? ['--scopes', options.scopes] : []),
        ...(options.expires !== undefined ? ['--expires', options.expires] : []),
      ]),
    );
  token
    .command('list')
    .description('list the tokens of an organization (never their secrets)')
    .argument('<ORG>', 'organization id')
    .addOption(jsonOption())
    .action(async (orgId: string, options: OutputOptions) => {
      const id = uuidArgument('ORG', orgId);
      await runtime.withApp(async (app) => show(await listTokens(app, id), options));
    });
  token
    .command('revoke')
    .description('revoke a token (prints JSON)')
    .argument('<ORG>', 'organization id')
    .argument('<TOKEN_ID>', 'token id (from token list)')
    .addOption(jsonOption())
    .action(async (orgId: string, tokenId: string) =>
      service(['token', 'revoke', uuidArgument('ORG', orgId), uuidArgument('TOKEN_ID', tokenId)]),
    );

  const table = program.command('table').description('tables of a solution: list');
  table
    .command('list')
    .description('list the tables of a solution')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, options: OutputOptions) => {
      const [o, s] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId)];
      await runtime.withApp(async (app) => show(await listTables(app, o, s), options));
    });

  const webhook = program.command('webhook').description('outbound webhooks of a solution: create, list, replay, enable');
  webhook
    .command('create')
    .description('create a webhook (prints JSON; the signing secret is shown only this once)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<URL>', 'where deliveries are POSTed (http or https)')
    .option('--tables <TABLES>', 'comma-separated table names (default: every table, including later ones)')
    .option('--description <TEXT>', 'a description')
    .option('--disabled', 'create it disabled')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, url: string, options: { tables?: string; description?: string; disabled?: boolean }) =>
      service([
        'webhook',
        'create',
        uuidArgument('ORG', orgId),
        uuidArgument('SOL', solId),
        url,
        ...(options.tables !== undefined ? ['--tables', options.tables] : []),
        ...(options.description !== undefined ? ['--description', options.description] : []),
        ...(options.disabled ? ['--disabled'] : []),
      ]),
    );
  webhook
    .command('list')
    .description('list the webhooks of a solution with their cursors (prints JSON)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string) => service(['webhook', 'list', uuidArgument('ORG', orgId), uuidArgument('SOL', solId)]));
  webhook
    .command('replay')
    .description("send TABLE's changes after SINCE again, before newer ones (the server sends them)")
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<HOOK>', 'webhook id')
    .argument('<TABLE>', 'table name')
    .argument('<SINCE>', 'a seq: changes after it are sent again')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, hookId: string, tableName: string, since: string) =>
      service([
        'webhook',
        'replay',
        uuidArgument('ORG', orgId),
        uuidArgument('SOL', solId),
        uuidArgument('HOOK', hookId),
        tableName,
        since,
      ]),
    );
  webhook
    .command('enable')
    .description('re-enable a disabled webhook; it resumes from its first undelivered change')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<HOOK>', 'webhook id')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, hookId: string) =>
      service(['webhook', 'enable', uuidArgument('ORG', orgId), uuidArgument('SOL', solId), uuidArgument('HOOK', hookId)]),
    );

  const connection = program.command('connection').description('Acumatica connections of a solution: create, list, test');
  connection
    .command('create')
    .description('create a connection (prints JSON; clientSecret and password are stored encrypted, never shown)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<NAME>', 'its name')
    .requiredOption('--url <URL>', 'instance URL, http(s)://host[:port][/path]')
    .requiredOption('--tenant <TENANT>', 'tenant (company) name')
    .requiredOption('--client-id <ID>', 'client id of the Connected Application (ROPC flow)')
    .option('--client-secret <SECRET>', 'its secret (better: ACUMATICA_CLIENT_SECRET in the environment, not visible in ps)')
    .requiredOption('--username <USER>', 'Acumatica user')
    .option('--password <PASSWORD>', 'the password (better: ACUMATICA_PASSWORD in the environment)')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, name: string, options: import('./acumatica-commands').ConnectionOptions) => {
      const [o, s] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId)];
      await runtime.withApp(async (app) => runtime.out(formatJson(await (await acumatica()).createConnection(app, o, s, name, options))));
    });
  connection
    .command('list')
    .description('list the connections of a solution (prints JSON; never their secrets)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string) => {
      const [o, s] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId)];
      await runtime.withApp(async (app) => runtime.out(formatJson(await (await acumatica()).listConnections(app, o, s))));
    });
  connection
    .command('test')
    .description('sign in, read the OData service document, sign out (prints JSON; exits 1 when it failed)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<CONN>', 'connection id')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, connId: string) => {
      const [o, s, c] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId), uuidArgument('CONN', connId)];
      const result = await runtime.withApp(async (app) => (await acumatica()).testConnection(app, o, s, c));
      runtime.out(formatJson(result));
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command('source')
    .description('the Acumatica source (Generic Inquiry) of a table')
    .command('set')
    .description('tie TABLE to a Generic Inquiry (creates the table when missing; starts no reload)')
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<TABLE>', 'table name')
    .requiredOption('--connection <CONN>', 'connection id')
    .requiredOption('--gi <NAME>', 'Generic Inquiry name (as exposed via OData)')
    .option('--key <FIELDS>', 'comma-separated key fields (for a table that has none yet)')
    .option('--field-map <JSON>', 'JSON {"odataName": "column"} renames')
    .option('--every <MINUTES>', 'run a compare reload every MINUTES (at least 5)')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, table: string, options: import('./acumatica-commands').SourceOptions) => {
      const [o, s] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId)];
      await runtime.withApp(async (app) => runtime.out(formatJson(await (await acumatica()).setSource(app, o, s, table, options))));
    });

  program
    .command('reload')
    .description(
      'queue a full load or a reload-and-compare of TABLE (a running server runs it); --wait shows progress, exits 1 unless it succeeded',
    )
    .argument('<ORG>', 'organization id')
    .argument('<SOL>', 'solution id')
    .argument('<TABLE>', 'table name')
    .addOption(
      new Option('--mode <MODE>', 'full: insert/update only; compare: also delete what Acumatica no longer has')
        .choices(['full', 'compare'])
        .default('full'),
    )
    .option('--wait', 'wait until it ends, printing progress')
    .addOption(jsonOption())
    .action(async (orgId: string, solId: string, table: string, options: { mode: string; wait?: boolean }) => {
      const [o, s] = [uuidArgument('ORG', orgId), uuidArgument('SOL', solId)];
      const view = await runtime.withApp(async (app) =>
        (await acumatica()).startReload(app, o, s, table, options.mode, options.wait === true, (line) => runtime.warn(line)),
      );
      runtime.out(formatJson(view));
    });

  program
    .command('admin-token')
    .description('the operator token')
    .command('rotate')
    .description('replace the generated operator token (when ADMIN_TOKEN is unset); prints the new one once')
    .addOption(jsonOption())
    .action(async () => service(['admin-token', 'rotate']));

  return program;
}
