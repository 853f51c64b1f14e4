import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { consoleDirectory, loadConsoleAssets, type ConsoleAsset } from './console-assets';

/**
 * The console's policy: its own scripts, styles and images, and calls to this same API; nothing inline,
 * nothing from elsewhere, never framed, no forms posted anywhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the tax team's console (apps/console, built by `npm run build`) at /console/, from memory.
 * Plain Fastify routes, outside the OpenAPI document: they are files, not API operations. The security
 * headers of @fastify/helmet apply as to every answer; the console adds its CSP. index.html is never
 * cached (it names the current build's files); the hashed files under assets/ are cached for a year.
 */
@Injectable()
export class ConsoleStatic implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit() {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const assets = loadConsoleAssets(consoleDirectory());
    fastify.get('/console', (_request, reply) => {
      void reply.redirect('/console/', 301);
    });
    fastify.get('/console/*', (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
      const wanted = request.params['*'] || 'index.html';
      const asset = assets.get(wanted);
      if (!asset) return notFound(reply, assets.size === 0);
      return send(reply, asset);
    });
  }
}

function send(reply: FastifyReply, asset: ConsoleAsset) {
  void reply
    .header('Content-Type', asset.contentType)
    .header('Content-Security-Policy', CONSOLE_CSP)
    .header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-store');
  return reply.send(asset.body);
}

function notFound(reply: FastifyReply, notBuilt: boolean) {
  const error = notBuilt
    ? new ApiError(404, 'ConsoleNotBuilt', 'The console is not built: run `npm run build` (it writes dist/console), then restart the server.')
    : new ApiError(404, 'NotFound', 'No such file in the console.');
  return reply.code(404).type('application/json; charset=utf-8').send(error.body());
}
