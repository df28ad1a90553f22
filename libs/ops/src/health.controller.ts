import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, Public } from '@tablecast/common';
import { DatabasePingRepository } from './database-ping.repository';
import { HealthResponse, ReadyResponse } from './ops.responses';
import { ShutdownState } from './shutdown-state';

const READINESS_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabasePingRepository,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is up.', type: HealthResponse })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOkResponse({ description: 'The database answers.', type: ReadyResponse })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer.' })
  async readyz(): Promise<{ status: 'ok'; database: 'up' }> {
    // An expected state, not a bug: a 503 problem with Retry-After, logged by DatabaseOutageLog, no stack.
    if (this.shutdown.draining) throw new DomainError('database_unavailable', 'This instance is shutting down.', { headers: { 'Retry-After': '1' } });
    if (await this.database.answers(READINESS_TIMEOUT_MS)) return { status: 'ok', database: 'up' };
    throw new DomainError('database_unavailable', 'The database is unreachable.', { headers: { 'Retry-After': '5' } });
  }
}
