import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { SecretBox, targetProblem } from '@tablecast/common';
import { outboundConfig, pullConfig } from '@tablecast/config';
import { AcumaticaCredentials, AcumaticaError, AcumaticaHttp, AcumaticaSession } from './acumatica-client';
import { ConnectionRow, PullRepository } from './pull.repository';

/**
 * Acumatica sessions: at most one per connection at a time across nodes (the session lock), the
 * instance address checked again on every connect, and a logout in every case.
 */
@Injectable()
export class AcumaticaSessions implements OnApplicationShutdown {
  private readonly logger = new Logger('AcumaticaPull');
  readonly http: AcumaticaHttp;

  constructor(
    private readonly repository: PullRepository,
    private readonly box: SecretBox,
    @Inject(outboundConfig.KEY) private readonly outbound: ConfigType<typeof outboundConfig>,
    @Inject(pullConfig.KEY) config: ConfigType<typeof pullConfig>,
  ) {
    this.http = new AcumaticaHttp({
      allowPrivate: outbound.allowPrivateNetwork,
      timeoutMs: config.timeoutMs,
      attempts: config.attempts,
      backoffMs: config.backoffMs,
    });
  }

  /** After every module's destroy hook (the reload worker signs out there first). */
  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }

  credentials(row: ConnectionRow): AcumaticaCredentials {
    return {
      instanceUrl: row.instance_url,
      tenant: row.tenant,
      clientId: row.client_id,
      clientSecret: this.box.open(row.client_secret, `acumatica:${row.id}:clientSecret`),
      username: row.username,
      password: this.box.open(row.password, `acumatica:${row.id}:password`),
    };
  }

  /** Runs `work` in a signed-in session of the connection; signs out afterwards, whatever happened. */
  async with<T>(row: ConnectionRow, work: (session: AcumaticaSession) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const problem = await targetProblem(row.instance_url, this.outbound.allowPrivateNetwork);
    if (problem) throw new AcumaticaError('acumatica_unreachable', `instanceUrl: ${problem.replace(/^url/, 'instanceUrl')}`);
    const release = await this.repository.holdSessionLock(row.id);
    let session: AcumaticaSession | undefined;
    try {
      session = new AcumaticaSession(this.http, this.credentials(row), signal);
      await session.signIn();
      return await work(session);
    } finally {
      const logoutProblem = session ? await session.close() : undefined;
      if (logoutProblem) this.logger.warn({ msg: 'acumatica logout failed', connectionId: row.id, problem: logoutProblem });
      await release();
    }
  }
}
