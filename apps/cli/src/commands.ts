import { INestApplicationContext } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { authConfig } from '@tablecast/config';
import { AccessTokensService, OperatorTokenService } from '@tablecast/auth';
import { UuidParamPipe } from '@tablecast/common';
import { CreateOrganizationDto, CreateSolutionDto, CreateTokenDto, OrganizationsService, SolutionsService } from '@tablecast/tenancy';
import { runWebhookCommand } from './webhook-commands';
import { validated } from './validated';

/** What the CLI tells the operator about running servers after a revocation or rotation. */
function takesEffect(app: INestApplicationContext, what: string): string {
  const cacheMs = app.get<ConfigType<typeof authConfig>>(authConfig.KEY).tokenCacheMs;
  return `${what} is refused by every running server now: they were told at once (PostgreSQL NOTIFY), and one that missed the message refuses it within TOKEN_CACHE_MS (${cacheMs} ms); its open sockets are closed.`;
}

export function parseFlags(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      flags[name] = inline ?? args[++i] ?? '';
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

/** Runs one service command; returns what to print, or undefined for an unknown command. */
export async function runServiceCommand(app: INestApplicationContext, argv: string[]): Promise<unknown> {
  const { positional, flags } = parseFlags(argv);
  const [noun, verb, ...rest] = positional;
  // Ids are UUIDs, as in the HTTP API: anything else names nothing (404).
  const id = (value: string | undefined): string => new UuidParamPipe().transform(value ?? '');
  switch (`${noun} ${verb}`) {
    case 'org create': {
      const dto = await validated(CreateOrganizationDto, { name: rest[0], ...(flags.region ? { region: flags.region } : {}) });
      return app.get(OrganizationsService).create(dto.name, dto.region);
    }
    case 'solution create': {
      const dto = await validated(CreateSolutionDto, { name: rest[1] });
      return app.get(SolutionsService).create(id(rest[0]), dto.name);
    }
    case 'token create': {
      const dto = await validated(CreateTokenDto, {
        name: rest[1],
        ...(flags.scopes ? { scopes: flags.scopes.split(',').map((s) => s.trim()) } : {}),
        ...(flags.expires ? { expiresAt: flags.expires } : {}),
      });
      await app.get(OrganizationsService).assertExists(id(rest[0]));
      return app.get(AccessTokensService).create(id(rest[0]), dto);
    }
    case 'token revoke':
      await app.get(AccessTokensService).revoke(id(rest[0]), id(rest[1]));
      return { revoked: id(rest[1]), effect: takesEffect(app, 'The token') };
    case 'admin-token rotate':
      return { token: await app.get(OperatorTokenService).rotate(), effect: takesEffect(app, 'The previous operator token') };
    default:
      return runWebhookCommand(app, positional, flags);
  }
}
