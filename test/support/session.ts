import { HttpClient } from '@tablecast/testing';
import { TEST_ADMIN_TOKEN, TestApp } from './test-app';

export interface Session {
  org: { id: string; name: string };
  solution: { id: string; name: string; cdcUrl: string };
  /** A PAT of `org` with all scopes. */
  token: string;
  /** Client authenticated with `token`, based at /v2.0. */
  http: HttpClient;
  /** Client authenticated with the operator token. */
  operator: HttpClient;
  /** /tool/organizations/:org/solutions/:sol */
  solutionPath: string;
}

/** Operator flow through the real API: organization → solution → token. */
export async function createSession(t: TestApp, name = 'Acme'): Promise<Session> {
  const operator = new HttpClient(t.api, TEST_ADMIN_TOKEN);
  const org = await operator.post('/tool/organizations', { name });
  if (org.status !== 201) throw new Error(`create organization: ${org.status} ${org.text}`);
  const solution = await operator.post(`/tool/organizations/${org.body.id}/solutions`, { name: 'Field service' });
  if (solution.status !== 201) throw new Error(`create solution: ${solution.status} ${solution.text}`);
  const token = await operator.post(`/tool/organizations/${org.body.id}/tokens`, { name: 'session' });
  if (token.status !== 201) throw new Error(`create token: ${token.status} ${token.text}`);
  return {
    org: org.body,
    solution: solution.body,
    token: token.body.token,
    http: new HttpClient(t.api, token.body.token),
    operator,
    solutionPath: `/tool/organizations/${org.body.id}/solutions/${solution.body.id}`,
  };
}
