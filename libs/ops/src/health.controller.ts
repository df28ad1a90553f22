import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@tablecast/common';
import { DataSource } from 'typeorm';
import { HealthResponse, ReadyResponse } from './ops.responses';
import { ShutdownState } from './shutdown-state';

const READINESS_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
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
    if (this.shutdown.draining) throw new ServiceUnavailableException('This instance is shutting down.');
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), READINESS_TIMEOUT_MS);
      return { status: 'ok', database: 'up' };
    } catch {
      throw new ServiceUnavailableException('The database is unreachable.');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
