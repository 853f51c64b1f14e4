import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CredentialRole } from '@tax-ledger/ledger';
import type { FastifyRequest } from 'fastify';

/** Who is calling: set by the auth guards, read by controllers. */
export interface Caller {
  /** Empty for the partner, who acts across accounts only to provision them. */
  accountId: string;
  credentialId: string;
  role: CredentialRole | 'partner';
  /** "credential:<id>" or "partner": the actor recorded on events. */
  actor: string;
}

export interface RequestWithCaller extends FastifyRequest {
  caller?: Caller;
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without an auth guard');
  return caller;
});
