import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tablecast:public';

/** Marks a route as reachable without a token (health, metrics, docs). Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
