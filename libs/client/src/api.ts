import { TablecastError } from './errors';
import { TokenProvider } from './token';
import { Change, TableAddress, TableRecord } from './types';

export type ChangesAnswer = { items: Change[]; head: number } | { reset: true; head: number };
export interface RecordsPage {
  items: TableRecord[];
  nextCursor: string | null;
}

/** Largest page the API serves. */
export const PAGE_LIMIT = 1000;

/** The REST side of the public API (section 4) that the SDK reads: table heads, record pages, changes. */
export class TablecastApi {
  constructor(
    private readonly apiBase: string,
    private readonly tokens: TokenProvider,
    private readonly fetchImpl: typeof fetch,
  ) {}

  /** The table's head; 0 when the table does not exist (yet). */
  async head(address: TableAddress): Promise<number> {
    const table = await this.get<{ head: number }>(tablePath(address), { allowNotFound: true });
    return table?.head ?? 0;
  }

  /** One page of records in id order, tombstones included (their seq protects them from older changes). */
  async records(address: TableAddress, cursor: string | null): Promise<RecordsPage> {
    const query = new URLSearchParams({ limit: String(PAGE_LIMIT), includeDeleted: 'true' });
    if (cursor) query.set('cursor', cursor);
    const page = await this.get<RecordsPage>(`${tablePath(address)}/records?${query}`, { allowNotFound: true });
    return page ?? { items: [], nextCursor: null };
  }

  /** Changes after `since`, in seq order, or `{reset}` when the log no longer reaches back. */
  async changes(address: TableAddress, since: number): Promise<ChangesAnswer> {
    const query = new URLSearchParams({ since: String(since), limit: String(PAGE_LIMIT) });
    const answer = await this.get<ChangesAnswer>(`${tablePath(address)}/changes?${query}`, { allowNotFound: true });
    return answer ?? { reset: true, head: 0 };
  }

  private async get<T>(path: string, options: { allowNotFound?: boolean } = {}): Promise<T | undefined> {
    let response = await this.send(path, await this.tokens.get());
    if (response.status === 401) response = await this.send(path, await this.tokens.refresh()); // the token may have expired: ask again, once
    if (response.status === 404 && options.allowNotFound) return undefined;
    if (response.ok) return (await response.json()) as T;
    const detail = await problemDetail(response);
    if (response.status === 401) throw new TablecastError(`unauthorized: ${detail}`, 'unauthorized', 401);
    if (response.status === 403) throw new TablecastError(`forbidden: ${detail}`, 'forbidden', 403);
    if (response.status === 404) throw new TablecastError(`not found: ${detail}`, 'not_found', 404);
    if (response.status === 429 || response.status >= 500) throw new TablecastError(`HTTP ${response.status}: ${detail}`, 'unavailable', response.status);
    throw new TablecastError(`HTTP ${response.status}: ${detail}`, 'bad_request', response.status);
  }

  private async send(path: string, token: string): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.apiBase}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    } catch (error) {
      throw new TablecastError(`request failed: ${error instanceof Error ? error.message : String(error)}`, 'unavailable');
    }
  }
}

export function tablePath(address: TableAddress): string {
  return `/tool/organizations/${encodeURIComponent(address.organizationId)}/solutions/${encodeURIComponent(address.solutionId)}/tables/${encodeURIComponent(address.table)}`;
}

async function problemDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
