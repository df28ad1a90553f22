import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ProblemDetails } from '@tablecast/common';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
/** Path parameters that are UUIDs (a malformed one names no resource: 404). */
const UUID_PARAMETERS = new Set(['organizationId', 'solutionId', 'tokenId', 'webhookId', 'connectionId', 'reloadId']);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed input: the detail and errors name the failing field',
  401: 'No or invalid credentials',
  403: 'The token lacks the scope or belongs to another organization',
  404: 'No such resource (a malformed id included)',
  409: 'The name is taken',
  413: 'The body is over MAX_BODY_BYTES, or a record over MAX_RECORD_BYTES',
  415: 'The body is not JSON in UTF-8',
  421: 'Misdirected: served by another region’s deployment',
  429: 'Too many failed authentications from this address; retry after Retry-After',
  503: 'Database unavailable, overloaded or shutting down; retry after Retry-After',
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };
const ERROR_HEADERS: Record<number, ResponseObject['headers']> = {
  401: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

/** The OpenAPI document of the HTTP API, served at /docs-json and rendered at /docs. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tablecast')
      .setDescription(
        'Acumatica push notifications in, gapless per-table change streams out. Errors are application/problem+json. ' +
          'The realtime interface (Socket.IO, namespace /dynamic-data) is described by the AsyncAPI document at /docs/asyncapi.json.',
      )
      .setVersion('2.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'The operator token (ADMIN_TOKEN) or a personal access token (tcp_…): opaque strings, not JWTs',
      })
      .build(),
    { extraModels: [ProblemDetails] },
  );
  return completeErrorResponses(document);
}

/**
 * Gives every operation the error answers it can give, each with the problem+json schema, from
 * what the operation is: secured routes can answer 401/403/429, routes with ids 404, routes with
 * input 400, routes with a body 413/415, and every route 503 (database down or shutting down).
 * Route-specific ones (409, 421) come from the controllers' decorators and get the schema here.
 * UUID path parameters get `format: uuid`.
 */
export function completeErrorResponses(document: OpenAPIObject): OpenAPIObject {
  const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      for (const parameter of parameters) {
        if (parameter.in === 'path' && UUID_PARAMETERS.has(parameter.name)) parameter.schema = { type: 'string', format: 'uuid' };
      }
      const statuses = new Set<number>([503]);
      if ((operation.security ?? []).length > 0) [401, 403, 429].forEach((s) => statuses.add(s));
      if (parameters.some((p) => p.in === 'path')) statuses.add(404);
      if (operation.requestBody || parameters.some((p) => p.in === 'query' || (p.in === 'path' && !UUID_PARAMETERS.has(p.name))))
        statuses.add(400);
      if (operation.requestBody) [413, 415].forEach((s) => statuses.add(s));
      for (const status of Object.keys(operation.responses).map(Number)) if (status >= 400) statuses.add(status);
      for (const status of [...statuses].sort()) {
        const existing = operation.responses[status] as ResponseObject | undefined;
        operation.responses[status] = {
          ...existing,
          description: existing?.description || ERROR_DESCRIPTIONS[status] || 'Error',
          ...(ERROR_HEADERS[status] ? { headers: ERROR_HEADERS[status] } : {}),
          content: problem,
        };
      }
    }
  }
  return document;
}
