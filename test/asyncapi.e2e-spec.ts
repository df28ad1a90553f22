import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { getMetadataStorage } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { RetentionService } from '@tablecast/dynamic-data';
import { waitFor } from '@tablecast/testing';
import { notification, pushCdc } from './support/acumatica';
import { createSession, Session } from './support/session';
import { connect, TableClient } from './support/socket';
import { bootTestApp, TestApp } from './support/test-app';
import { ASYNCAPI_EXAMPLES, ASYNCAPI_MESSAGE_DTOS, TableFeedService } from '@tablecast/realtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const specs = require('@asyncapi/specs') as { schemas: Record<string, object> };

type Json = Record<string, any>;

describe('the AsyncAPI document (/docs/asyncapi.json)', () => {
  let t: TestApp;
  let s: Session;
  let document: Json;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  let validators: Record<string, ValidateFunction>;
  const clients: TableClient[] = [];

  /** Validates a payload against a component schema of the served document. */
  function expectValid(schema: string, payload: unknown): void {
    const validate = validators[schema];
    if (!validate(payload)) throw new Error(`${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(payload)}`);
  }

  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t, 'AsyncAPI');
    const res = await fetch(`${t.url}/docs/asyncapi.json`);
    expect(res.status).toBe(200);
    document = (await res.json()) as Json;
    // The document's component schemas, compiled with their local references.
    ajv.addSchema({ $id: 'asyncapi', components: { schemas: document.components.schemas } });
    validators = Object.fromEntries(
      Object.keys(document.components.schemas).map((name) => [name, ajv.compile({ $ref: `asyncapi#/components/schemas/${name}` })]),
    );
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  async function client(): Promise<TableClient> {
    const c = await connect(t.url, { token: s.token });
    clients.push(c);
    return c;
  }

  it('is a valid AsyncAPI 3.0.0 document whose references all resolve', () => {
    // The specification bundles its own copy of the draft-07 meta-schema: no second one from Ajv.
    const validator = new Ajv({ strict: false, allErrors: true, validateSchema: false, meta: false });
    addFormats(validator);
    const validate = validator.compile(specs.schemas['3.0.0']);
    if (!validate(document)) throw new Error(validator.errorsText(validate.errors));
    // The validator does refuse what AsyncAPI 3 does not allow (2.x's "publish"; a server without host).
    const broken = structuredClone(document);
    broken.operations.subscribe.action = 'publish';
    delete broken.servers.tablecast.host;
    expect(validate(broken)).toBe(false);
    const refs: string[] = [];
    JSON.stringify(document, (key, value: unknown) => (key === '$ref' && typeof value === 'string' ? (refs.push(value), value) : value));
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<Json | undefined>((at, key) => at?.[key], document);
      expect({ ref, resolves: target !== undefined }).toEqual({ ref, resolves: true });
    }
    expect(Object.keys(document.operations).sort()).toEqual(['onTableChange', 'resubscribe', 'subscribe', 'unsubscribe']);
    expect(document.channels.dynamicData.address).toBe('/dynamic-data');
  });

  it('documents exactly the fields the gateway’s message DTOs validate', () => {
    const fields = (dto: new () => object) =>
      [
        ...new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(dto, '', true, false)
            .map((m) => m.propertyName),
        ),
      ].sort();
    for (const [schema, dto] of Object.entries(ASYNCAPI_MESSAGE_DTOS)) {
      expect({ schema, fields: Object.keys(document.components.schemas[schema].properties).sort() }).toEqual({
        schema,
        fields: fields(dto),
      });
    }
  });

  it('has examples, typed with the gateway’s types, that fit its schemas', () => {
    expectValid('SubscribeMessage', ASYNCAPI_EXAMPLES.subscribe);
    for (const ack of ASYNCAPI_EXAMPLES.subscribeAck) expectValid('SubscribeAck', ack);
    expectValid('UnsubscribeMessage', ASYNCAPI_EXAMPLES.unsubscribe);
    expectValid('UnsubscribeAck', ASYNCAPI_EXAMPLES.unsubscribeAck);
    expectValid('TableChangePayload', ASYNCAPI_EXAMPLES.onTableChange);
    expectValid('ResubscribePayload', ASYNCAPI_EXAMPLES.resubscribe);
    for (const message of Object.values(document.components.messages as Json)) {
      const schema = (message.payload.$ref as string).split('/').at(-1)!;
      for (const example of message.examples) expectValid(schema, example.payload);
    }
  });

  it('describes the real socket traffic: subscribe, every ack, onTableChange, unsubscribe', async () => {
    const c = await client();
    const address = { organizationId: s.org.id, solutionId: s.solution.id, table: 'Customers' };
    const messages = [
      address,
      { ...address, since: 0 },
      { ...address, table: 'Not yet created' },
      { ...address, organizationId: 'nope' },
      { ...address, extra: 1 },
      { ...address, since: -1 },
    ];
    for (const message of messages) {
      const ack = await c.request('subscribe', message);
      expectValid('SubscribeAck', ack);
      // What the document says of the message agrees with what the gateway did with it.
      expect({ message, valid: validators.SubscribeMessage(message) }).toEqual({ message, valid: (ack as { ok: boolean }).ok });
    }
    const forbidden = await c.request('subscribe', { ...address, organizationId: randomUUID() });
    expect(forbidden.error.code).toBe('forbidden');
    expectValid('SubscribeAck', forbidden);
    const notFound = await c.request('subscribe', { ...address, solutionId: randomUUID() });
    expect(notFound.error.code).toBe('not_found');
    expectValid('SubscribeAck', notFound);

    expect(
      (await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: 'C1' }, { Code: 'C2' }] }), '?table=Customers')).status,
    ).toBe(200);
    expect((await s.http.delete(`${s.solutionPath}/tables/Customers/records/C1`)).status).toBe(204);
    await c.waitForChanges(3);
    for (const event of c.events) expectValid('TableChangePayload', event);
    expect(c.changes.map((change) => change.op)).toEqual(['insert', 'insert', 'delete']);

    await t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 60_000));
    const reset = await (await client()).request('subscribe', { ...address, since: 1 });
    expect(reset).toEqual({ ok: true, reset: true, head: 3 });
    expectValid('SubscribeAck', reset);

    const unsubscribed = await c.request('unsubscribe', address);
    expectValid('UnsubscribeAck', unsubscribed);
    const badUnsubscribe = await c.request('unsubscribe', { table: 'x' });
    expect(badUnsubscribe.ok).toBe(false);
    expectValid('UnsubscribeAck', badUnsubscribe);
  });

  it('describes the real resubscribe a slow consumer gets', async () => {
    // A raw Engine.IO long-polling client that never polls: everything the server sends stays in
    // the socket's write buffer, as with a phone that stopped reading.
    const base = `${t.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const send = async (...packets: string[]) => {
      const res = await fetch(`${base}&sid=${sid}`, {
        method: 'POST',
        body: packets.join('\x1e'),
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(200);
    };
    const address = { organizationId: s.org.id, solutionId: s.solution.id, table: 'Slow' };
    const feed = t.app.get(TableFeedService);
    const before = feed.count();
    await send(`40/dynamic-data,${JSON.stringify({ token: s.token })}`);
    // The namespace is joined once the server says so (token checked); only then does it take events.
    const joined = await (await fetch(`${base}&sid=${sid}`)).text();
    expect(joined).toContain('40/dynamic-data,{"sid"');
    await send(`42/dynamic-data,0${JSON.stringify(['subscribe', address])}`);
    await waitFor(() => feed.count() === before + 1, { what: 'the subscription' });
    let received: unknown[] = [];
    const poll = async () => {
      const text = await (await fetch(`${base}&sid=${sid}`)).text();
      received = [
        ...received,
        ...text
          .split('\x1e')
          .filter((packet) => packet.startsWith('42/dynamic-data,'))
          .map((packet) => JSON.parse(packet.slice('42/dynamic-data,'.length)) as unknown),
      ];
    };
    await waitFor(
      async () => {
        // One commit after another, each an onTableChange packet that is never read.
        await pushCdc(s.http, s.solutionPath, notification({ inserted: [{ Code: randomUUID() }] }), '?table=Slow');
        return feed.count() === before;
      },
      { timeoutMs: 60_000, intervalMs: 1, what: 'the slow consumer to be dropped' },
    );
    await waitFor(
      async () => {
        await poll();
        return received.some((event) => (event as unknown[])[0] === 'resubscribe');
      },
      { timeoutMs: 10_000, what: 'the resubscribe event' },
    );
    const [, payload] = received.find((event) => (event as unknown[])[0] === 'resubscribe') as [string, Json];
    expect(payload).toMatchObject({ ...address, reason: 'slow_consumer' });
    expectValid('ResubscribePayload', payload);
    for (const [name, event] of received as [string, unknown][]) if (name === 'onTableChange') expectValid('TableChangePayload', event);
  }, 90_000);

  it('is rendered at /docs/asyncapi as a self-contained page', async () => {
    const res = await fetch(`${t.url}/docs/asyncapi`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const name of ['subscribe', 'unsubscribe', 'onTableChange', 'resubscribe', '/dynamic-data', 'SubscribeAck', 'AckError', 'reset'])
      expect(html).toContain(name);
    // Nothing is loaded from elsewhere: no scripts, stylesheets, images or fonts by URL.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
