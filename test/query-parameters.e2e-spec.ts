import { bootTestApp, TestApp } from './support/test-app';
import { createSession, Session } from './support/session';

describe('query parameters and validation messages', () => {
  let t: TestApp;
  let s: Session;
  let table: string;

  beforeAll(async () => {
    t = await bootTestApp();
    s = await createSession(t);
    table = `${s.solutionPath}/tables/Customers`;
    expect((await s.http.post(`${s.solutionPath}/tables`, { name: 'Customers' })).status).toBe(201);
    expect((await s.http.put(`${table}/records/C1`, { data: { name: 'Ada' } })).status).toBe(201);
  });
  afterAll(() => t.close());

  it.each([
    ['a list', () => `/tool/organizations/${s.org.id}/solutions?_=1733000000000`],
    ['an organization', () => `/tool/organizations/${s.org.id}?utm_source=mail&cacheBust=7`],
    ['records', () => `${table}/records?limit=10&_=123`],
    ['a record', () => `${table}/records/C1?nocache=1`],
    ['changes', () => `${table}/changes?since=0&_=123`],
    ['tables', () => `${s.solutionPath}/tables?v=2`],
  ])('ignores unknown query parameters when reading %s', async (_what, path) => {
    const res = await s.http.get(path());
    expect(res.status).toBe(200);
  });

  it('still applies the known ones next to unknown ones', async () => {
    const res = await s.http.get(`${table}/changes?since=1&_=123`);
    expect(res.body).toEqual({ items: [], head: 1 });
    expect((await s.http.get(`${table}/records?limit=0&_=1`)).status).toBe(400);
  });

  it('keeps refusing unknown body fields', async () => {
    const res = await s.http.post(`${s.solutionPath}/tables`, { name: 'Orders', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'colour', message: 'property colour should not exist' }]);
  });

  it('answers since=abc with one message naming the field', async () => {
    const res = await s.http.get(`${table}/changes?since=abc`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'since', message: 'since must be an integer number' }]);
    expect(res.body.detail).toBe('Invalid request: since must be an integer number');
  });

  it('gives each failing field exactly one message', async () => {
    const res = await s.http.get(`${table}/records?limit=abc&includeDeleted=maybe`);
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['includeDeleted', 'limit']);
    expect(res.body.errors).toContainEqual({ field: 'limit', message: 'limit must be an integer number' });
  });
});
