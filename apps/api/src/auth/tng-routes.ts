import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { TngAuthGuard } from './tng-auth.guard';

/**
 * Class decorator of a TNG controller (one per use case): its routes under `path`, the TNG
 * authentication (AvalaraAuth + X-Avalara-AccountId), and the headers the OpenAPI document shows.
 */
export const TngRoutes = (tag: string, path: string) =>
  applyDecorators(
    ApiTags(tag),
    ApiSecurity('AvalaraAuth'),
    ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' }),
    ApiHeader({ name: 'X-Avalara-AccountId', required: true }),
    UseGuards(TngAuthGuard),
    Controller(path),
  );
