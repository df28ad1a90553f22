import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { RetentionService } from '@tablecast/dynamic-data';
import { HttpClient, HttpResult } from '@tablecast/testing';
import { createSession, Session } from './support/session';
import { bootTestApp, TEST_ADMIN_TOKEN, TestApp } from './support/test-app';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** The constructed Customer insert of the Acumatica fixtures, TimeStamp as the JSON number Acumatica sends. */
const CUSTOMER_INSERT = `{"Inserted": [{"CustomerID": "C000000101", "CustomerName": "Harbor Street Bakery", "CustomerClass": "LOCAL",
  "Status": "Active", "Email": "orders@harborbakery.example", "CreditLimit": 5000.0, "_tab": "Customer", "_del": false,
  "_mod": "2025-03-20T09:22:24.573"}], "Deleted": [], "Query": "JX-Customers", "CompanyId": "MyStore",
  "Id": "3f0c1a2e-8b1d-4c55-9a3e-0d6f2b7c9e11", "TimeStamp": 638780557445871234,
  "AdditionalInfo": {"PXPerformanceInfoStartTime": "03/20/2025 08:22:24"}}`;
const PUBLIC_PATHS = ['/healthz', '/readyz', '/metrics', '/v2.0/regions'];

/** Every object schema that lists its properties gets additionalProperties: false, so that an undocumented field fails. */
function strict(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Json = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'example' ? value : strict(value)]));
  if (copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

describe('the OpenAPI document (/docs-json)', () => {
  let t: TestApp;
  let raw: Json;
  let resolved: Json;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const validators = new Map<Json, ValidateFunction>();
  const exercised = new Set<string>();

  const operations = (): [string, string, Json][] =>
    Object.entries(raw.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m): [string, string, Json] => [path, m, item[m]]),
    );

  /** Checks that an answer is one the document promises: its status is listed, its body fits the schema. */
  function conforms(method: string, path: string, res: HttpResult): void {
    const operation = resolved.paths[path]?.[method];
    exercised.add(`${method} ${path}`);
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const response = operation.responses[String(res.status)];
    if (!response) throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}, which the document does not list: ${res.text}`);
    if (res.status === 204) return expect(res.text).toBe('');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0];
    const content = response.content?.[mediaType];
    if (!content) throw new Error(`${method.toUpperCase()} ${path} ${res.status}: ${mediaType} is not documented`);
    const schema = res.status < 300 ? strict(content.schema) : content.schema;
    let validate = validators.get(content.schema);
    if (!validate) {
      validate = ajv.compile(schema);
      validators.set(content.schema, validate);
    }
    if (!validate(res.body)) {
      throw new Error(
        `${method.toUpperCase()} ${path} ${res.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${res.text}`,
      );
    }
  }

  beforeAll(async () => {
    t = await bootTestApp({ env: { ALLOW_PRIVATE_NETWORK: 'true' } }); // the webhook routes point at 127.0.0.1
    raw = (await (await fetch(`${t.url}/docs-json`)).json()) as Json;
    resolved = (await SwaggerParser.dereference(structuredClone(raw) as never)) as Json;
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI document', async () => {
    await expect(SwaggerParser.validate(structuredClone(raw) as never)).resolves.toBeDefined();
    expect(raw.openapi).toMatch(/^3\./);
    const ui = await fetch(`${t.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('gives every route a 2xx answer with a schema (204 without a body)', () => {
    expect(operations().length).toBeGreaterThanOrEqual(25);
    for (const [path, method, operation] of operations()) {
      const success = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status));
      expect({ route: `${method} ${path}`, success: success.length > 0 }).toEqual({ route: `${method} ${path}`, success: true });
      for (const status of success) {
        if (status === '204') continue;
        const content = operation.responses[status].content ?? {};
        const schemas = Object.values(content as Json).map((media) => media.schema);
        expect({ route: `${method} ${path} ${status}`, schemas: schemas.length > 0 && schemas.every(Boolean) }).toEqual({
          route: `${method} ${path} ${status}`,
          schemas: true,
        });
      }
    }
  });

  it('secures every route but the public ones with an opaque bearer token, and lists 401 on each', () => {
    expect(raw.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(raw.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
    for (const [path, method, operation] of operations()) {
      const route = `${method} ${path}`;
      if (PUBLIC_PATHS.includes(path)) {
        expect({ route, security: operation.security ?? [] }).toEqual({ route, security: [] });
        continue;
      }
      expect({ route, security: operation.security }).toEqual({ route, security: [{ bearer: [] }] });
      expect({ route, has401: '401' in operation.responses, has403: '403' in operation.responses }).toEqual({
        route,
        has401: true,
        has403: true,
      });
    }
  });

  it('describes every error answer as application/problem+json', () => {
    const problem = raw.components.schemas.ProblemDetails;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    for (const [path, method, operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (Number(status) < 400) continue;
        expect({ route: `${method} ${path} ${status}`, content: response.content }).toEqual({
          route: `${method} ${path} ${status}`,
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
        });
      }
      expect(operation.responses['503']).toBeDefined();
    }
    const org = raw.paths['/v2.0/tool/organizations'].post.responses;
    expect(Object.keys(org)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '421', '429', '503']));
    const tables = raw.paths['/v2.0/tool/organizations/{organizationId}/solutions/{solutionId}/tables'].post.responses;
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(['201', '400', '404', '409']));
  });

  it('types ids of organizations, solutions and tokens as UUIDs', () => {
    let seen = 0;
    for (const [, , operation] of operations()) {
      for (const parameter of operation.parameters ?? []) {
        if (!['organizationId', 'solutionId', 'tokenId'].includes(parameter.name)) continue;
        expect(parameter.schema).toEqual({ type: 'string', format: 'uuid' });
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(30);
  });

  it('types the Acumatica body, with the sample notifications as examples that fit it and that the route accepts', async () => {
    const s = await createSession(t, 'CDC docs');
    const body =
      resolved.paths['/v2.0/tool/organizations/{organizationId}/solutions/{solutionId}/acumatica/cdc'].post.requestBody.content[
        'application/json'
      ];
    expect(body.schema.type).toBe('object');
    expect(body.schema.required).toEqual(expect.arrayContaining(['Inserted', 'Deleted', 'Query', 'CompanyId']));
    const validate = ajv.compile(body.schema);
    // The fixtures themselves (TimeStamp as a JSON number) fit the schema as well.
    expect(validate(JSON.parse(CUSTOMER_INSERT))).toBe(true);
    const examples = Object.values(body.examples as Json);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      expect(validate(example.value)).toBe(true);
      const res = await s.http.post(`${s.solutionPath}/acumatica/cdc?table=Docs`, example.value);
      expect(res.status).toBe(200);
      conforms('post', '/v2.0/tool/organizations/{organizationId}/solutions/{solutionId}/acumatica/cdc', res);
    }
  });

  it('matches what the API really answers, status by status', async () => {
    const anonymous = new HttpClient(t.url);
    const operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
    conforms('get', '/healthz', await anonymous.get('/healthz'));
    conforms('get', '/readyz', await anonymous.get('/readyz'));
    conforms('get', '/metrics', await anonymous.get('/metrics'));
    conforms('get', '/v2.0/regions', await anonymous.get('/v2.0/regions'));

    const orgs = '/v2.0/tool/organizations';
    const org = `${orgs}/{organizationId}`;
    conforms('post', orgs, await operator.post('/tool/organizations', { name: 'Elsewhere', region: 'eu-central-1' })); // 421
    conforms('post', orgs, await operator.post('/tool/organizations', { name: '' })); // 400
    conforms('post', orgs, await operator.post('/tool/organizations', 'name=x', { 'content-type': 'text/plain' })); // 415
    conforms('get', orgs, await anonymous.get('/v2.0/tool/organizations')); // 401
    const s: Session = await createSession(t, 'Docs');
    conforms('get', orgs, await operator.get('/tool/organizations?limit=1'));
    conforms('get', orgs, await s.http.get('/tool/organizations')); // 403
    conforms('get', org, await s.http.get(`/tool/organizations/${s.org.id}`));
    conforms('get', org, await operator.get('/tool/organizations/not-a-uuid')); // 404

    const sols = `${org}/solutions`;
    const sol = `${sols}/{solutionId}`;
    const created = await s.http.post(`/tool/organizations/${s.org.id}/solutions`, { name: 'Second' });
    conforms('post', sols, created);
    conforms('post', sols, await s.http.post(`/tool/organizations/${s.org.id}/solutions`, { name: 'Second' })); // 409
    conforms('get', sols, await s.http.get(`/tool/organizations/${s.org.id}/solutions`));
    conforms('get', sol, await s.http.get(`/tool/organizations/${s.org.id}/solutions/${created.body.id}`));

    const tokens = `${org}/tokens`;
    const token = await s.http.post(`/tool/organizations/${s.org.id}/tokens`, {
      name: 'phone',
      scopes: ['data:read'],
      expiresAt: '2099-01-01T00:00:00Z',
    });
    conforms('post', tokens, token);
    conforms('get', tokens, await s.http.get(`/tool/organizations/${s.org.id}/tokens`));
    conforms('post', tokens, await s.http.withToken(token.body.token).post(`/tool/organizations/${s.org.id}/tokens`, { name: 'x' })); // 403
    conforms('get', '/v2.0/tool/whoami', await s.http.withToken(token.body.token).get('/tool/whoami'));
    conforms('get', '/v2.0/tool/whoami', await operator.get('/tool/whoami'));
    conforms('get', '/v2.0/tool/whoami', await anonymous.get('/v2.0/tool/whoami')); // 401

    const tables = `${sol}/tables`;
    const table = `${tables}/{table}`;
    const base = s.solutionPath;
    conforms('post', tables, await s.http.post(`${base}/tables`, { name: 'Customers', keyFields: ['CustomerID'] }));
    conforms('post', tables, await s.http.post(`${base}/tables`, { name: 'Customers' })); // 409
    conforms('get', tables, await s.http.get(`${base}/tables`));
    conforms('get', table, await s.http.get(`${base}/tables/Customers`));
    conforms('patch', table, await s.http.patch(`${base}/tables/Customers`, { keyFields: null }));
    conforms('get', table, await s.http.get(`${base}/tables/no.such`)); // 404

    const records = `${table}/records`;
    const record = `${records}/{id}`;
    conforms('put', record, await s.http.put(`${base}/tables/Customers/records/C1`, { data: { CustomerID: 'C1' } })); // 201
    conforms('put', record, await s.http.put(`${base}/tables/Customers/records/C1`, { data: { CustomerID: 'C1', n: 2 } })); // 200
    conforms('put', record, await s.http.put(`${base}/tables/Customers/records/C1`, { data: [] })); // 400
    conforms('get', record, await s.http.get(`${base}/tables/Customers/records/C1`));
    conforms('get', records, await s.http.get(`${base}/tables/Customers/records?limit=1&filter=${encodeURIComponent('{"n":2}')}`));
    conforms('get', `${table}/changes`, await s.http.get(`${base}/tables/Customers/changes?since=0`));
    conforms('delete', record, await s.http.delete(`${base}/tables/Customers/records/C1`));
    await t.app.get(RetentionService).purgeOlderThan(new Date(Date.now() + 60_000));
    const reset = await s.http.get(`${base}/tables/Customers/changes?since=0`);
    expect(reset.body.reset).toBe(true);
    conforms('get', `${table}/changes`, reset);

    const deliveries = `${sol}/acumatica/deliveries`;
    const cdc = `${sol}/acumatica/cdc`;
    conforms('post', cdc, await s.http.post(`${base}/acumatica/cdc?table=Customers`, CUSTOMER_INSERT));
    conforms('post', cdc, await s.http.post(`${base}/acumatica/cdc`, '{"Inserted": 1}')); // 400, and a failed one in the audit
    conforms('get', deliveries, await s.http.get(`${base}/acumatica/deliveries`));

    const hooks = `${sol}/webhooks`;
    const hook = `${hooks}/{webhookId}`;
    const createdHook = await s.http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/hook', tables: ['Customers'] });
    conforms('post', hooks, createdHook);
    conforms('post', hooks, await s.http.post(`${base}/webhooks`, { url: 'ftp://example.com/' })); // 400
    conforms('get', hooks, await s.http.get(`${base}/webhooks`));
    const hookPath = `${base}/webhooks/${createdHook.body.id}`;
    conforms('get', hook, await s.http.get(hookPath));
    conforms('patch', hook, await s.http.patch(hookPath, { enabled: false }));
    conforms('post', `${hook}/rotate-secret`, await s.http.post(`${hookPath}/rotate-secret`, {}));
    conforms('post', `${hook}/replay`, await s.http.post(`${hookPath}/replay`, { table: 'Customers', since: 0 }));
    conforms('get', `${hook}/attempts`, await s.http.get(`${hookPath}/attempts`));
    conforms('delete', hook, await s.http.delete(hookPath));

    const connections = `${sol}/acumatica/connections`;
    const connection = `${connections}/{connectionId}`;
    const credentials = {
      instanceUrl: 'http://127.0.0.1:9',
      tenant: 'Company',
      clientId: 'id@Company',
      clientSecret: 's3cret',
      username: 'u',
      password: 'p',
    };
    const createdConnection = await s.http.post(`${base}/acumatica/connections`, { name: 'Docs', ...credentials });
    conforms('post', connections, createdConnection);
    conforms(
      'post',
      connections,
      await s.http.post(`${base}/acumatica/connections`, { name: 'Bad', ...credentials, instanceUrl: 'ftp://x' }),
    ); // 400
    conforms('get', connections, await s.http.get(`${base}/acumatica/connections`));
    const connectionPath = `${base}/acumatica/connections/${createdConnection.body.id}`;
    conforms('get', connection, await s.http.get(connectionPath));
    conforms('patch', connection, await s.http.patch(connectionPath, { name: 'Docs 2' }));
    conforms('post', `${connection}/test`, await s.http.post(`${connectionPath}/test`, {})); // {ok: false}: nothing listens there
    conforms(
      'put',
      `${table}/source`,
      await s.http.put(`${base}/tables/Customers/source`, { connectionId: createdConnection.body.id, genericInquiry: 'JX-Customers' }),
    );
    conforms('get', `${table}/source`, await s.http.get(`${base}/tables/Customers/source`));
    const reload = await s.http.post(`${base}/tables/Customers/reloads`, { mode: 'full' });
    conforms('post', `${table}/reloads`, reload);
    conforms('get', `${table}/reloads`, await s.http.get(`${base}/tables/Customers/reloads`));
    conforms('get', `${table}/reloads/{reloadId}`, await s.http.get(`${base}/tables/Customers/reloads/${reload.body.id}`));
    conforms('delete', `${table}/reloads/{reloadId}`, await s.http.delete(`${base}/tables/Customers/reloads/${reload.body.id}`)); // 2xx, or 409 once ended
    conforms('delete', `${table}/source`, await s.http.delete(`${base}/tables/Customers/source`));
    conforms('delete', connection, await s.http.delete(connectionPath));

    conforms('delete', table, await s.http.delete(`${base}/tables/Customers`));
    conforms('delete', `${tokens}/{tokenId}`, await s.http.delete(`/tool/organizations/${s.org.id}/tokens/${token.body.id}`));
    conforms('delete', sol, await s.http.delete(`/tool/organizations/${s.org.id}/solutions/${created.body.id}`));
    conforms('delete', org, await operator.delete(`/tool/organizations/${s.org.id}`));
    // Every documented route was called and answered as documented.
    expect([...exercised].sort()).toEqual(
      operations()
        .map(([p, m]) => `${m} ${p}`)
        .sort(),
    );
  });
});
