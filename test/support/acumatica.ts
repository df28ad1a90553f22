import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient, HttpResult } from '@tablecast/testing';
import { ACUMATICA_FIXTURES } from './fixtures';

/** A shared sample body, byte for byte. */
export function fixture(name: string): string {
  return readFileSync(join(ACUMATICA_FIXTURES, name), 'utf8');
}

export interface NotificationOptions {
  inserted?: Record<string, unknown>[];
  deleted?: Record<string, unknown>[];
  /** Digits, inserted verbatim so ticks stay exact; null leaves TimeStamp out. */
  timeStamp?: string | null;
  id?: string | null;
  query?: string;
  companyId?: string;
}

let counter = 0;

/** A push notification body as Acumatica sends it, with the TimeStamp written as raw digits. */
export function notification(options: NotificationOptions): string {
  const fields = [
    `"Inserted":${JSON.stringify(options.inserted ?? [])}`,
    `"Deleted":${JSON.stringify(options.deleted ?? [])}`,
    `"Query":${JSON.stringify(options.query ?? 'JX-Customers')}`,
    `"CompanyId":${JSON.stringify(options.companyId ?? 'MyStore')}`,
  ];
  const id = options.id === undefined ? `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}-${process.pid}-${Math.random()}` : options.id;
  if (id !== null) fields.push(`"Id":${JSON.stringify(id)}`);
  if (options.timeStamp !== null && options.timeStamp !== undefined) fields.push(`"TimeStamp":${options.timeStamp}`);
  fields.push('"AdditionalInfo":{}');
  return `{${fields.join(',')}}`;
}

/** POSTs a raw body to the solution's CDC endpoint. */
export function pushCdc(http: HttpClient, solutionPath: string, body: string, query = '', contentType = 'application/json'): Promise<HttpResult> {
  return http.post(`${solutionPath}/acumatica/cdc${query}`, body, { 'content-type': contentType });
}
