import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { CredentialRole } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import type { Caller, RequestWithCaller } from '../auth/caller';
import { CredentialVerifier } from '../auth/credential-verifier';
import { assertRole, ROLES_KEY } from '../auth/roles';
import { assertAccountHeader, assertTaxVersion } from '../auth/tng-auth.guard';
import { reportFormat, type ReportFormat } from './report-negotiation';

/**
 * Authentication of the report routes. A JSON answer is a TNG call like any other (AvalaraAuth,
 * X-Avalara-AccountId, `Accept` carrying tax-version=1). A CSV or HTML answer (`?format=csv|html`, or an
 * Accept header preferring `text/csv` / `text/html`) is a document a person opens in a browser or a
 * spreadsheet: the credential alone is enough (HTTP Basic or AvalaraAuth, `accountId:licenseKey` or
 * `username:password`); X-Avalara-AccountId, when sent, must still name the same account. A browser
 * navigation refused for want of credentials gets a Basic challenge, so the browser asks for them.
 */
@Injectable()
export class ReportAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    let format: ReportFormat | undefined;
    let formatError: unknown;
    try {
      format = reportFormat((request.query as Record<string, unknown> | undefined)?.format, request.headers.accept);
    } catch (error) {
      formatError = error; // answered after authentication: an anonymous caller learns nothing first
    }
    const forPeople = format === 'csv' || format === 'html';
    let caller: Caller;
    try {
      caller = await this.verifier.authenticateRequest(request.ip, request.headers.authorization);
    } catch (error) {
      throw forPeople && error instanceof ApiError && error.status === 401 && wantsChallenge(request) ? withBasicChallenge(error) : error;
    }
    if (formatError) throw formatError;
    assertAccountHeader(request, caller, !forPeople);
    if (!forPeople) assertTaxVersion(request);
    request.caller = caller;
    assertRole(caller, this.reflector.getAllAndOverride<readonly CredentialRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]));
    return true;
  }
}

/**
 * Only a page the browser itself navigates to (or a request with no credential at all) is challenged:
 * a script's fetch with a wrong credential (the console's) gets the plain 401, never the browser's
 * own password dialog.
 */
const wantsChallenge = (request: RequestWithCaller) => !request.headers.authorization || request.headers['sec-fetch-mode'] === 'navigate';

const withBasicChallenge = (error: ApiError) =>
  new ApiError(error.status, error.code, error.message, error.target, error.details, {
    ...error.headers,
    'WWW-Authenticate': 'Basic realm="tax-ledger reports", charset="UTF-8"',
  });
