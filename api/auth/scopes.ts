import { SetMetadata } from '@nestjs/common';
import type { Scope } from './api-tokens';

export type { Scope } from './api-tokens';

export const SCOPE_KEY = 'anvil:scope';
export const PUBLIC_KEY = 'anvil:public';

/** The scope a route needs (`admin` tokens pass every check). Routes without it need `read`. */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE_KEY, scope);

/** A route anyone may call (health probes, metrics scraped inside the cluster). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
