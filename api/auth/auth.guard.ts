import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { API_ENV, type ApiEnv } from '../env';
import { bearerToken, findToken, grants, parseApiTokens, type ApiToken, type Scope } from './api-tokens';
import { RateLimiter } from './rate-limit';
import { PUBLIC_KEY, SCOPE_KEY } from './scopes';

/**
 * Bearer-token auth for every route: 401 (with `WWW-Authenticate`) when the token is missing or unknown,
 * 403 when it is valid but lacks the route's scope, 429 (with `Retry-After`) when it is over its rate limit.
 * `API_AUTH=disabled` turns it off (a closed network only).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: ApiToken[];
  private readonly disabled: boolean;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_ENV) env: ApiEnv,
  ) {
    this.disabled = env.API_AUTH === 'disabled';
    this.tokens = parseApiTokens(env.API_TOKENS ?? '');
    this.perMinute = env.API_RATE_LIMIT_PER_MINUTE;
    this.limiter = new RateLimiter(env.API_RATE_LIMIT_PER_MINUTE);
  }

  private readonly perMinute: number;
  private readonly limiter: RateLimiter;

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.disabled || this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const needed = this.reflector.getAllAndOverride<Scope>(SCOPE_KEY, targets) ?? 'read';
    const req = ctx.switchToHttp().getRequest<Request & { principal?: string }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const raw = bearerToken(req.headers.authorization);
    const token = raw === undefined ? undefined : findToken(this.tokens, raw);
    if (!token) {
      res.setHeader('WWW-Authenticate', raw === undefined ? 'Bearer realm="anvil"' : 'Bearer realm="anvil", error="invalid_token"');
      throw new HttpException(
        raw === undefined ? 'send an API token: Authorization: Bearer <token>' : 'the API token is not valid (revoked, mistyped or for another deployment)',
        HttpStatus.UNAUTHORIZED,
      );
    }
    if (!grants(token, needed)) {
      res.setHeader('WWW-Authenticate', `Bearer realm="anvil", error="insufficient_scope", scope="${needed}"`);
      throw new HttpException(
        `token "${token.name}" lacks the "${needed}" scope this request needs (it has: ${token.scopes.join(', ')})`,
        HttpStatus.FORBIDDEN,
      );
    }
    const wait = this.limiter.take(token.name);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new HttpException(
        `token "${token.name}" is over its ${this.perMinute} requests a minute (API_RATE_LIMIT_PER_MINUTE); retry in ${wait} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    req.principal = token.name;
    return true;
  }
}
