import { All, Controller, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../auth/account-auth.guard';
import { AllowRoles, READ_ACCOUNT } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { unsupportedOperation } from './unsupported-operations';

/** Fastify's default maxParamLength: a longer path parameter matches no route. */
const MAX_PARAM_LENGTH = 100;

/**
 * Every `/api/v2/...` request no route serves (Fastify matches static and parametric routes before this
 * wildcard): 501 `NotImplemented` naming the AvaTax operation it is, so a client learns what is missing
 * instead of a bare 404; 404 `NotFound` when AvaTax has no such operation either. Authenticated first,
 * as AvaTax does.
 */
@ApiExcludeController()
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('api/v2')
export class AvataxV2UnsupportedController {
  @All('*')
  unsupported(@Req() request: FastifyRequest): never {
    const path = request.url.split('?')[0];
    const method = request.method.toUpperCase() === 'HEAD' ? 'GET' : request.method.toUpperCase();
    // Fastify does not match a route whose path parameter is longer than its maxParamLength (100): such
    // a request lands here, but it is a served route with a value too long, not a missing operation.
    const long = path.split('/').findIndex((segment) => segment.length > MAX_PARAM_LENGTH);
    if (long >= 0) {
      throw new ApiError(400, 'StringLengthError', `A path value is longer than ${MAX_PARAM_LENGTH} characters (codes are at most 50).`, `path segment ${long}`);
    }
    throw unsupportedOperation(method, path);
  }
}
