import { describe, expect, it } from 'vitest';
import { stubFetch } from '../test/helpers';
import { ApiError, request } from './http';

describe('request', () => {
  it('sends the token as a Bearer header and answers the JSON', async () => {
    const calls = stubFetch(() => ({ body: { items: [], nextCursor: null } }));
    await expect(request('/tool/organizations', { token: 'secret-token', query: { cursor: 'abc', limit: undefined } })).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
    expect(calls[0].url.pathname).toBe('/v2.0/tool/organizations');
    expect(calls[0].url.search).toBe('?cursor=abc');
    expect(new Headers(calls[0].init.headers).get('Authorization')).toBe('Bearer secret-token');
  });

  it('turns a problem+json answer into an ApiError carrying detail, status and errors', async () => {
    stubFetch(() => ({
      status: 400,
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'name must be shorter than 64 characters',
        errors: [{ field: 'name', message: 'too long' }],
      },
    }));
    const error = await request('/tool/organizations', { method: 'POST', body: { name: 'x' }, token: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      message: 'name must be shorter than 64 characters',
      detail: 'name must be shorter than 64 characters',
      status: 400,
      errors: [{ field: 'name', message: 'too long' }],
    });
  });

  it('names the status when the error body is not a problem', async () => {
    stubFetch(() => ({ status: 502, body: undefined }));
    await expect(request('/tool/organizations', { token: 't' })).rejects.toMatchObject({
      status: 502,
      detail: 'The server answered 502 without a problem description.',
    });
  });
});
