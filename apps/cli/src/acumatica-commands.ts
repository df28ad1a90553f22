import { INestApplicationContext } from '@nestjs/common';
import { ConnectionsService, CreateConnectionDto, CreateReloadDto, PutSourceDto, ReloadsService, ReloadView } from '@tablecast/acumatica';
import { BadRequestError, toFieldErrors, UuidParamPipe } from '@tablecast/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { setTimeout as delay } from 'node:timers/promises';

async function validated<T extends object>(dto: new () => T, input: Record<string, unknown>): Promise<T> {
  const instance = plainToInstance(dto, input);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const fieldErrors = toFieldErrors(errors);
    throw new BadRequestError(`Invalid arguments: ${fieldErrors.map((e) => e.message).join('; ')}`, fieldErrors);
  }
  return instance;
}

const id = (value: string | undefined): string => new UuidParamPipe().transform(value ?? '');

export interface ConnectionOptions {
  url?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
}

/** `connection create`: the secrets come from the options or, better (not visible in `ps`), ACUMATICA_CLIENT_SECRET / ACUMATICA_PASSWORD. */
export async function createConnection(
  app: INestApplicationContext,
  org: string,
  sol: string,
  name: string,
  o: ConnectionOptions,
): Promise<unknown> {
  const dto = await validated(CreateConnectionDto, {
    name,
    instanceUrl: o.url,
    tenant: o.tenant,
    clientId: o.clientId,
    clientSecret: o.clientSecret ?? process.env.ACUMATICA_CLIENT_SECRET,
    username: o.username,
    password: o.password ?? process.env.ACUMATICA_PASSWORD,
  });
  return app.get(ConnectionsService).create({ organizationId: id(org), solutionId: id(sol) }, dto);
}

export function listConnections(app: INestApplicationContext, org: string, sol: string): Promise<unknown> {
  return app.get(ConnectionsService).list({ organizationId: id(org), solutionId: id(sol) }, 1000);
}

export function testConnection(app: INestApplicationContext, org: string, sol: string, conn: string): Promise<{ ok: boolean }> {
  return app.get(ConnectionsService).test({ organizationId: id(org), solutionId: id(sol) }, id(conn));
}

export interface SourceOptions {
  connection?: string;
  gi?: string;
  key?: string;
  fieldMap?: string;
  every?: string;
}

export async function setSource(app: INestApplicationContext, org: string, sol: string, table: string, o: SourceOptions): Promise<unknown> {
  let fieldMap: unknown;
  if (o.fieldMap !== undefined) {
    try {
      fieldMap = JSON.parse(o.fieldMap) as unknown;
    } catch (error) {
      throw new BadRequestError(`fieldMap: --field-map must be a JSON object ({"odataName": "column"}): ${(error as Error).message}`, [
        { field: 'fieldMap', message: 'fieldMap must be a JSON object' },
      ]);
    }
  }
  const dto = await validated(PutSourceDto, {
    connectionId: o.connection,
    genericInquiry: o.gi,
    ...(o.key !== undefined ? { keyFields: o.key.split(',').map((k) => k.trim()) } : {}),
    ...(fieldMap !== undefined ? { fieldMap } : {}),
    ...(o.every !== undefined ? { everyMinutes: /^\d+$/.test(o.every) ? Number(o.every) : o.every } : {}),
  });
  return app.get(ReloadsService).putSource({ organizationId: id(org), solutionId: id(sol) }, table, dto);
}

/**
 * `reload`: queues it (a serving node runs it, picking it up within RELOAD_SWEEP_MS); with `wait`,
 * reports progress until it ends and fails (non-zero exit) unless it succeeded.
 */
export async function startReload(
  app: INestApplicationContext,
  org: string,
  sol: string,
  table: string,
  mode: string | undefined,
  wait: boolean,
  progress: (line: string) => void,
): Promise<ReloadView> {
  const dto = await validated(CreateReloadDto, { mode: mode ?? 'full' });
  const scope = { organizationId: id(org), solutionId: id(sol) };
  const reloads = app.get(ReloadsService);
  let view = await reloads.create(scope, table, dto.mode);
  if (!wait) return view;
  let shown = '';
  while (view.status === 'queued' || view.status === 'running') {
    await delay(500);
    view = await reloads.get(scope, table, view.id);
    const line = `${view.status}: ${view.progress.pages} pages, ${view.progress.rowsRead} rows read`;
    if (line !== shown) progress((shown = line));
  }
  if (view.status !== 'succeeded') {
    const why = view.error ? `${view.error.code}: ${view.error.message}` : view.status;
    throw new ReloadFailed(`reload ${view.id} ${view.status} (${why})`, view);
  }
  return view;
}

/** A reload that did not succeed: the CLI prints it and exits 1. */
export class ReloadFailed extends Error {
  constructor(
    message: string,
    readonly reload: ReloadView,
  ) {
    super(message);
  }
}
