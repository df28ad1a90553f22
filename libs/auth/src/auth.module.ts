import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AccessGuard } from './access.guard';
import { AccessTokensRepository } from './access-tokens.repository';
import { AccessTokensService } from './access-tokens.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { BearerAuthenticator } from './bearer-authenticator';
import { OperatorTokenService } from './operator-token.service';
import { TokenRevokedEvents } from './token-revoked.events';
import { TokenSessions } from './token-sessions.service';
import { TokenValidatorService } from './token-validator.service';
import { WhoAmIController } from './whoami.controller';

@Module({
  controllers: [WhoAmIController],
  providers: [
    AccessTokensRepository,
    AccessTokensService,
    OperatorTokenService,
    TokenValidatorService,
    BearerAuthenticator,
    ThrottlerStorageService,
    AuthFailureLimiter,
    TokenRevokedEvents,
    TokenSessions,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessTokensService, OperatorTokenService, TokenValidatorService, BearerAuthenticator, AuthFailureLimiter, TokenRevokedEvents, TokenSessions],
})
export class AuthModule {}
