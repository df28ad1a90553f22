import { Client } from 'pg';
import { dollarQuoted } from '@tablecast/database';

/** Each text must come back from PostgreSQL exactly, whatever dollar signs it holds. */
describe('dollarQuoted', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: process.env.TABLECAST_TEST_ADMIN_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it.each([
    ['plain', 'hello'],
    ['empty', ''],
    ['the default tag inside', 'a$tc$b'],
    ['ending in the start of the closing tag', 'abc$tc'],
    ['ending in a dollar', 'abc$'],
    ['every candidate tag', '$tc$ $tc0$ $tc1$ x$tc2'],
    ['quotes and backslashes', `it's \\ "quoted" $$ $1`],
    ['an injection attempt', `x$tc$; DROP TABLE pg_class; SELECT $tc$`],
  ])('%s', async (_name, text) => {
    const { rows } = await client.query<{ v: string }>(`SELECT ${dollarQuoted(text)}::text AS v`);
    expect(rows).toEqual([{ v: text }]);
  });
});
