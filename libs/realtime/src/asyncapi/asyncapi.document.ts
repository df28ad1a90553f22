import { TABLE_NAME } from '@tablecast/dynamic-data';
import { ResubscribePayload, SubscribeAck, TableChangePayload, UnsubscribeAck } from '../realtime.types';
import { SubscribeDto, UnsubscribeDto } from '../subscribe.dto';

/**
 * The AsyncAPI 3 document of the realtime interface: Socket.IO namespace `/dynamic-data`.
 * Its payload schemas describe the types the gateway uses (realtime.types.ts, subscribe.dto.ts);
 * the examples below are typed with them, and test/asyncapi.e2e-spec.ts validates real socket
 * traffic against the schemas.
 */

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const ORGANIZATION_ID = '6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5';
const SOLUTION_ID = '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';
const ADDRESS = { organizationId: ORGANIZATION_ID, solutionId: SOLUTION_ID, table: 'Customers' };

const SUBSCRIBE_EXAMPLE: Required<Pick<SubscribeDto, 'organizationId' | 'solutionId' | 'table' | 'since'>> = { ...ADDRESS, since: 4710 };
const UNSUBSCRIBE_EXAMPLE: Pick<UnsubscribeDto, 'organizationId' | 'solutionId' | 'table'> = ADDRESS;
const SUBSCRIBE_ACKS: { name: string; summary: string; payload: SubscribeAck }[] = [
  { name: 'subscribed', summary: 'Subscribed; changes after since (or after now) follow', payload: { ok: true, head: 4711 } },
  {
    name: 'reset',
    summary: 'since is older than the log: reload the table through REST, then subscribe from head',
    payload: { ok: true, reset: true, head: 4711 },
  },
  {
    name: 'forbidden',
    summary: 'Another organization, or no data:read scope',
    payload: { ok: false, error: { code: 'forbidden', message: 'This token belongs to another organization.' } },
  },
  {
    name: 'notFound',
    summary: 'No such solution in the organization',
    payload: { ok: false, error: { code: 'not_found', message: 'No such solution in this organization.' } },
  },
  {
    name: 'badRequest',
    summary: 'The message names the failing field',
    payload: { ok: false, error: { code: 'bad_request', message: 'organizationId must be a UUID' } },
  },
];
const UNSUBSCRIBE_ACK: UnsubscribeAck = { ok: true };
const CHANGE_EXAMPLE: TableChangePayload = {
  ...ADDRESS,
  changes: [
    {
      seq: 4711,
      op: 'update',
      id: 'C000000101',
      data: { CustomerID: 'C000000101', CustomerName: 'Harbor Street Bakery', _tab: 'Customer', _del: false },
      modifiedAt: '2025-03-20T09:22:25.120Z',
    },
    { seq: 4712, op: 'delete', id: 'C000000102', data: null, modifiedAt: '2025-03-20T09:22:25.120Z' },
  ],
  head: 4712,
};
const RESUBSCRIBE_EXAMPLE: ResubscribePayload = { ...ADDRESS, since: 4712, reason: 'slow_consumer' };

/** The classes the gateway validates client messages with; the test checks the schemas list exactly their fields. */
export const ASYNCAPI_MESSAGE_DTOS = { SubscribeMessage: SubscribeDto, UnsubscribeMessage: UnsubscribeDto };

/** Examples of every message, typed with the gateway's types (a change of type breaks the build here). */
export const ASYNCAPI_EXAMPLES = {
  subscribe: SUBSCRIBE_EXAMPLE,
  subscribeAck: SUBSCRIBE_ACKS.map((ack) => ack.payload),
  unsubscribe: UNSUBSCRIBE_EXAMPLE,
  unsubscribeAck: UNSUBSCRIBE_ACK,
  onTableChange: CHANGE_EXAMPLE,
  resubscribe: RESUBSCRIBE_EXAMPLE,
};

const SCHEMAS: Record<string, Schema> = {
  OrganizationId: { type: 'string', format: 'uuid' },
  SolutionId: { type: 'string', format: 'uuid' },
  TableName: { type: 'string', pattern: TABLE_NAME.source, description: 'Unique within the solution' },
  Seq: { type: 'integer', minimum: 0, description: 'Table sequence number: changes are numbered 1, 2, 3, … in commit order' },
  SubscribeMessage: {
    type: 'object',
    additionalProperties: false,
    required: ['organizationId', 'solutionId', 'table'],
    properties: {
      organizationId: ref('OrganizationId'),
      solutionId: ref('SolutionId'),
      table: ref('TableName'),
      since: {
        type: 'integer',
        minimum: 0,
        description: 'The last seq the client has applied; omitted: only changes committed after subscribing',
      },
    },
  },
  UnsubscribeMessage: {
    type: 'object',
    additionalProperties: false,
    required: ['organizationId', 'solutionId', 'table'],
    properties: { organizationId: ref('OrganizationId'), solutionId: ref('SolutionId'), table: ref('TableName') },
  },
  AckError: {
    type: 'object',
    additionalProperties: false,
    required: ['ok', 'error'],
    properties: {
      ok: { const: false },
      error: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: ['forbidden', 'not_found', 'bad_request', 'rate_limited'] },
          message: { type: 'string', description: 'For people; names the failing field for bad_request' },
        },
      },
    },
  },
  SubscribeAck: {
    oneOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['ok', 'head'],
        properties: {
          ok: { const: true },
          head: { ...ref('Seq'), description: 'The table’s latest seq (0: no changes yet, or the table does not exist yet)' },
          reset: {
            const: true,
            description: 'since is older than the retained log (or beyond head): reload the table, then resume from head',
          },
        },
      },
      ref('AckError'),
    ],
  },
  UnsubscribeAck: {
    oneOf: [{ type: 'object', additionalProperties: false, required: ['ok'], properties: { ok: { const: true } } }, ref('AckError')],
  },
  Change: {
    type: 'object',
    additionalProperties: false,
    required: ['seq', 'op', 'id', 'data', 'modifiedAt'],
    properties: {
      seq: ref('Seq'),
      op: { type: 'string', enum: ['insert', 'update', 'delete'] },
      id: { type: 'string', description: 'The record id' },
      data: { type: ['object', 'null'], description: 'The record’s new data; null for a delete' },
      modifiedAt: { type: 'string', format: 'date-time', description: 'Server UTC time of the commit' },
    },
  },
  TableChangePayload: {
    type: 'object',
    additionalProperties: false,
    required: ['organizationId', 'solutionId', 'table', 'changes', 'head'],
    properties: {
      organizationId: ref('OrganizationId'),
      solutionId: ref('SolutionId'),
      table: ref('TableName'),
      changes: {
        type: 'array',
        minItems: 1,
        items: ref('Change'),
        description: 'Consecutive seqs, following the last one this subscription was sent',
      },
      head: { ...ref('Seq'), description: 'The table’s latest seq when read' },
    },
  },
  ResubscribePayload: {
    type: 'object',
    additionalProperties: false,
    required: ['organizationId', 'solutionId', 'table'],
    properties: {
      organizationId: ref('OrganizationId'),
      solutionId: ref('SolutionId'),
      table: ref('TableName'),
      since: { ...ref('Seq'), description: 'Subscribe again with this since; absent: subscribe without it and expect reset' },
      reason: { type: 'string', enum: ['slow_consumer', 'log_purged'] },
    },
  },
};

function message(
  name: string,
  title: string,
  summary: string,
  payload: string,
  examples: { name: string; summary?: string; payload: unknown }[],
): Schema {
  return { name, title, summary, contentType: 'application/json', payload: ref(payload), examples };
}

const MESSAGES: Record<string, Schema> = {
  subscribe: message('subscribe', 'subscribe', 'Client → server, with an acknowledgement callback', 'SubscribeMessage', [
    { name: 'resume', summary: 'Resume after the last applied seq', payload: SUBSCRIBE_EXAMPLE },
  ]),
  subscribeAck: message(
    'subscribe (ack)',
    'subscribe acknowledgement',
    'The argument of the subscribe callback',
    'SubscribeAck',
    SUBSCRIBE_ACKS,
  ),
  unsubscribe: message('unsubscribe', 'unsubscribe', 'Client → server, with an acknowledgement callback', 'UnsubscribeMessage', [
    { name: 'unsubscribe', payload: UNSUBSCRIBE_EXAMPLE },
  ]),
  unsubscribeAck: message(
    'unsubscribe (ack)',
    'unsubscribe acknowledgement',
    'The argument of the unsubscribe callback',
    'UnsubscribeAck',
    [{ name: 'done', payload: UNSUBSCRIBE_ACK }],
  ),
  onTableChange: message(
    'onTableChange',
    'onTableChange',
    'Server → client: the next changes of a subscribed table',
    'TableChangePayload',
    [{ name: 'changes', payload: CHANGE_EXAMPLE }],
  ),
  resubscribe: message(
    'resubscribe',
    'resubscribe',
    'Server → client: this subscription was dropped; subscribe again',
    'ResubscribePayload',
    [{ name: 'slowConsumer', payload: RESUBSCRIBE_EXAMPLE }],
  ),
};

const channel = { $ref: '#/channels/dynamicData' };
const channelMessage = (name: string) => ({ $ref: `#/channels/dynamicData/messages/${name}` });

/** The document for a deployment whose public API base URL is `publicBaseUrl` (e.g. https://api.example.com/v2.0). */
export function asyncApiDocument(publicBaseUrl: string): Record<string, unknown> {
  const base = new URL(publicBaseUrl);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tablecast realtime (onTableChange)',
      version: '2.0',
      description: [
        'Socket.IO (protocol 5, engine.io 4) on the API port, default path /socket.io/, namespace **/dynamic-data**.',
        'Credentials go in the handshake: `auth: {token}` or the `Authorization: Bearer` header, never the query string. ' +
          'Bad credentials refuse the connection with a connect_error whose message is "unauthorized".',
        `Per subscription the client receives every change after since (or after subscribing) exactly once, in seq order, without gaps, ` +
          'across reconnects (resubscribe with the last applied seq) and across server nodes. ' +
          `At most REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET (default 1000) subscriptions per connection. A revoked token's sockets are disconnected within 5 seconds.`,
        'Every client → server message takes an acknowledgement callback; its argument is the reply message.',
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      tablecast: {
        host: base.host,
        protocol: base.protocol === 'https:' ? 'wss' : 'ws',
        pathname: '/socket.io/',
        description: 'Socket.IO server (WebSocket, with HTTP long-polling as fallback)',
        security: [{ $ref: '#/components/securitySchemes/token' }],
      },
    },
    channels: {
      dynamicData: {
        address: '/dynamic-data',
        title: 'Socket.IO namespace /dynamic-data',
        messages: Object.fromEntries(Object.keys(MESSAGES).map((name) => [name, { $ref: `#/components/messages/${name}` }])),
      },
    },
    operations: {
      subscribe: {
        action: 'receive',
        title: 'subscribe',
        summary: 'Watch a table (it may not exist yet, within the token’s own organization). Needs data:read.',
        channel,
        messages: [channelMessage('subscribe')],
        reply: { channel, messages: [channelMessage('subscribeAck')] },
      },
      unsubscribe: {
        action: 'receive',
        title: 'unsubscribe',
        summary: 'Stop watching a table',
        channel,
        messages: [channelMessage('unsubscribe')],
        reply: { channel, messages: [channelMessage('unsubscribeAck')] },
      },
      onTableChange: {
        action: 'send',
        title: 'onTableChange',
        summary: 'Changes of a subscribed table, in seq order',
        channel,
        messages: [channelMessage('onTableChange')],
      },
      resubscribe: {
        action: 'send',
        title: 'resubscribe',
        summary: 'The server dropped a subscription (slow consumer, purged log, table deleted): subscribe again',
        channel,
        messages: [channelMessage('resubscribe')],
      },
    },
    components: {
      schemas: SCHEMAS,
      messages: MESSAGES,
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque',
          description: 'The operator token or a personal access token, as handshake `auth: {token}` or the Authorization header',
        },
      },
    },
  };
}
