import { INestApplicationContext } from '@nestjs/common';
import { UuidParamPipe } from '@tablecast/common';
import { CreateWebhookDto, PatchWebhookDto, ReplayWebhookDto, WebhooksService } from '@tablecast/webhooks';
import { validated } from './validated';

/** `webhook …` commands; undefined for anything else. */
export async function runWebhookCommand(
  app: INestApplicationContext,
  positional: string[],
  flags: Record<string, string>,
): Promise<unknown> {
  const [noun, verb, ...rest] = positional;
  if (noun !== 'webhook') return undefined;
  const id = (value: string | undefined): string => new UuidParamPipe().transform(value ?? '');
  const webhooks = app.get(WebhooksService);
  const scope = () => ({ organizationId: id(rest[0]), solutionId: id(rest[1]) });
  switch (verb) {
    case 'create': {
      const dto = await validated(CreateWebhookDto, {
        url: rest[2],
        ...(flags.tables !== undefined ? { tables: flags.tables.split(',').map((name) => name.trim()) } : {}),
        ...(flags.description !== undefined ? { description: flags.description } : {}),
        ...('disabled' in flags ? { enabled: false } : {}),
      });
      return webhooks.create(scope(), dto);
    }
    case 'list':
      return webhooks.list(scope(), 1000);
    case 'replay': {
      const since = /^\d+$/.test(rest[4] ?? '') ? Number(rest[4]) : rest[4];
      const dto = await validated(ReplayWebhookDto, { table: rest[3], since });
      await webhooks.replay(scope(), id(rest[2]), dto.table, dto.since);
      return { replaying: { webhook: id(rest[2]), table: dto.table, since: dto.since } };
    }
    case 'enable': {
      const dto = await validated(PatchWebhookDto, { enabled: true });
      return webhooks.update(scope(), id(rest[2]), dto);
    }
    default:
      return undefined;
  }
}
