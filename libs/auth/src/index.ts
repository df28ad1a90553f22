export * from './access.decorators';
export * from './access-tokens.service';
export * from './auth-failure-limiter';
export * from './auth.module';
export * from './operator-token.service';
export * from './scopes';
export * from './token-revoked.events';
export * from './token-validator.service';
