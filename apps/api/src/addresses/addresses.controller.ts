import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { countryNamesByAlpha3, countryRules, resolveAddress } from '@tax-ledger/addresses';
import type { FastifyRequest } from 'fastify';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { ApiError } from '../common/api-error';
import { parseAddressBatch } from './address-batch';
import { ApiAnswers } from '../common/api-answers';
import { ADDRESS_BATCH_ANSWER, COUNTRY_ADDRESS_RULES, COUNTRY_NAMES } from './addresses.openapi';

/**
 * Seed "Group Addresses". POST /addresses is a TNG call (the seed's HTTP headers, account
 * authentication); the country list and rules are public reference data, as the seed shows them
 * without headers. Answers are wrapped in an array holding one dictionary, as in the seed's examples.
 */
@ApiTags('TNG addresses')
@Controller()
export class AddressesController {
  @Post('addresses')
  @HttpCode(200)
  @UseGuards(TngAuthGuard)
  @ApiSecurity('AvalaraAuth')
  @ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' })
  @ApiHeader({ name: 'X-Avalara-AccountId', required: true })
  @ApiOperation({ summary: 'Validate and geocode a batch of addresses keyed by id' })
  @ApiBody({
    schema: { example: [{ 'a-1': { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' } }] },
  })
  @ApiAnswers(200, ADDRESS_BATCH_ANSWER, 'Each address validated and geocoded')
  async validate(@Body() body: unknown, @Req() request: FastifyRequest) {
    const batch = await parseAddressBatch(body);
    const correlationId = headerValue(request, 'x-correlation-id') ?? String(request.id);
    const answers: Record<string, unknown> = {};
    for (const [id, address] of batch) {
      const r = resolveAddress(address);
      answers[id] = {
        isValid: r.isValid,
        country: r.country ?? address.country ?? null,
        geocoded: r.geocoded,
        resolved: r.resolved,
        geocode: {
          latitude: r.geocode?.latitude ?? null,
          longitude: r.geocode?.longitude ?? null,
          resolutionQuality: r.resolutionQuality,
          correlationId,
          resolvedBy: r.geocodedBy ?? null,
        },
        messages: r.messages,
      };
    }
    return [answers];
  }

  @Get('api/addresses/countries')
  @ApiOperation({ summary: 'Every country: ISO 3166-1 alpha-3 code -> name' })
  @ApiAnswers(200, COUNTRY_NAMES, 'Every country by its alpha-3 code')
  countries() {
    return [countryNamesByAlpha3()];
  }

  @Get('api/addresses/countries/:country')
  @ApiOperation({ summary: 'Address field rules of a country (alpha-2 or alpha-3 code)' })
  @ApiAnswers(200, COUNTRY_ADDRESS_RULES, 'The country\'s address field rules', [404])
  rules(@Param('country') country: string) {
    const rules = countryRules(country);
    if (!rules) throw new ApiError(404, 'CountryNotFound', `"${country}" is not an ISO 3166-1 alpha-2 or alpha-3 country code.`, 'country');
    return [rules];
  }
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 100) : undefined;
}
