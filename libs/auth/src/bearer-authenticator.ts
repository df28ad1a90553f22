import { Injectable } from '@nestjs/common';
import { Request } from 'express';
import { Strategy, VerifyFunction } from 'passport-http-bearer';
import { Principal } from './scopes';
import { TokenValidatorService } from './token-validator.service';

/**
 * The passport-http-bearer strategy (which matches the scheme word case-insensitively), run
 * directly rather than through passport's process-wide registry, so that several app instances
 * in one process (tests, two-node checks) each keep their own validator.
 */
@Injectable()
export class BearerAuthenticator {
  private readonly strategy: Strategy<VerifyFunction>;

  constructor(validator: TokenValidatorService) {
    this.strategy = new Strategy((token, done) => {
      validator.validate(token).then(
        (principal) => done(null, principal ?? false),
        (error: unknown) => done(error),
      );
    });
  }

  /** The principal, or null when the request carries no valid token. */
  authenticate(request: Request): Promise<Principal | null> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as Strategy<VerifyFunction> & {
        success(user: Principal): void;
        fail(): void;
        error(error: unknown): void;
      };
      attempt.success = (user: Principal) => resolve(user);
      attempt.fail = () => resolve(null);
      attempt.error = (error: unknown) => reject(error);
      attempt.authenticate(request, { session: false });
    });
  }
}
