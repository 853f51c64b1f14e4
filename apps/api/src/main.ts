import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from '@fastify/helmet';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppModule } from './app.module';
import { AccountRateLimit } from './auth/account-rate-limit';
import { ApiError, BODY_LIMIT_BYTES } from './common/api-error';
import { RequestSchemas } from './common/request-schema';
import { completeResponses } from './common/api-answers';
import { clientRequestIdOf } from './common/event-metadata';
import { type LedgerConfig, loadConfig } from './config';

export interface CreateAppOptions {
  logs?: boolean;
  /** Called with the published OpenAPI document before the routes are registered (the e2e harness checks every answer against it). */
  withDocument?: (fastify: FastifyInstance, document: OpenAPIObject) => void;
}

/** Builds the HTTP application (used by main and by the e2e tests). */
export async function createApp(config: LedgerConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logs = options.logs ?? true;
  const adapter = new FastifyAdapter({
    logger: logs ? { level: config.logLevel } : false,
    bodyLimit: BODY_LIMIT_BYTES, // beyond it: 413 naming the limit (toApiError)
    // Slow senders: the whole request must arrive within requestTimeout (else 408), and a connection
    // idle for connectionTimeout is closed. A handler is never cut short (a write is never half-done).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // The server's own id for every request (logs, the audit trail's requestId, the X-Request-Id answer).
    // A caller's X-Request-Id is never taken for it: events record it apart, as clientRequestId.
    genReqId: () => randomUUID(),
    // While closing, requests on kept-alive connections get our 503 (hook below), in the error shape.
    return503OnClosing: false,
    // Errors Fastify raises before routing (a malformed percent-encoding in the path, an over-long
    // parameter) answer in the documented error shape too.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const apiError = new ApiError(400, 'MalformedUrl', error.message);
      void reply.code(400).type('application/json; charset=utf-8').send(apiError.body());
    },
    // Errors Node's HTTP parser raises before any route runs (oversized headers, garbage) still answer
    // in the documented error shape.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) return socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify(new ApiError(status, 'MalformedHttpRequest', 'The HTTP request could not be parsed.').body());
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    logger: logs ? new ConsoleLogger({ json: true, logLevels: ['log', 'warn', 'error', 'fatal'] }) : false,
    abortOnError: false,
    bodyParser: false, // the strict UTF-8 JSON parser below replaces Nest's
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Standard security headers (nosniff, frame denial, referrer policy, HSTS, cross-origin isolation).
  // No global Content-Security-Policy: the HTML reports send their own strict one, and Swagger UI
  // needs its inline bootstrap.
  app.useGlobalInterceptors(new AccountRateLimit(config.rateLimit));
  await app.register(helmet, { contentSecurityPolicy: false, frameguard: { action: 'deny' } });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const clientRequestId = clientRequestIdOf(request);
    if (clientRequestId) request.log = request.log.child({ clientRequestId });
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    // Every answer is some account's data, a secret shown once, or cheap: nothing is for shared caches.
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    const apiError = new ApiError(503, 'ShuttingDown', 'The server is shutting down; retry on another instance or in a moment. Nothing was written.');
    void reply.code(503).header('Connection', 'close').type('application/json; charset=utf-8').send(apiError.body());
  });
  // JSON bodies must be valid UTF-8: the default parser would turn invalid bytes into U+FFFD and store
  // them. Decode strictly, then hand the text to Fastify's own JSON parser (prototype-poisoning checks).
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // The avatax SDK sends DELETE (and bodiless POST) with Content-Type: application/json and no body:
    // no body is no body; routes that need one refuse it (ValidBody: 400).
    if ((body as Buffer).length === 0) return done(null, undefined);
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      return done(new ApiError(400, 'InvalidRequestBody', 'The request body is not valid UTF-8.', 'body'), undefined);
    }
    parseJson(request, text, done);
  });

  const openApi = new DocumentBuilder()
    .setTitle('tax-ledger')
    .setDescription(
      'Event-sourced sales-tax ledger speaking the TNG Tax API. TNG calls need `Authorization: AvalaraAuth <base64(accountId:licenseKey)>`, ' +
        '`X-Avalara-AccountId` and `Accept: application/json; tax-version=1`. Errors: `{"error":{code,message,target,details}}`.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'AvalaraAuth <base64(accountId:licenseKey)>' }, 'AvalaraAuth')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Partner key (LEDGER_PARTNER_KEY)' }, 'partner')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'accountId:licenseKey or username:password (onboarding and /api/v2)' }, 'basic')
    .build();
  // Built once at start-up: the compiled request validators read their schemas from it (one definition
  // of a body for /docs and for validation; common/request-schema.ts).
  const document = SwaggerModule.createDocument(app, openApi);
  completeResponses(document);
  app.get(RequestSchemas).compile(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  options.withDocument?.(fastify as unknown as FastifyInstance, document);

  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Resolves when `port` can be bound on `host`, rejects with the bind error (EADDRINUSE, EACCES) otherwise. */
function probePort(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

const portProblem = (error: unknown, config: LedgerConfig): string | undefined => {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `Port ${config.port} on ${config.host} is already in use (another tax-ledger?): set PORT to a free port. Nothing was started.`;
  if (code === 'EACCES') return `Port ${config.port} on ${config.host} may not be bound by this user: set PORT to a port above 1023. Nothing was started.`;
  return undefined;
};

async function main() {
  const config = loadConfig();
  // Before the stores open and Nest announces a start: a busy port is one clear line, not a stack trace.
  try {
    await probePort(config.port, config.host);
  } catch (error) {
    const problem = portProblem(error, config);
    if (!problem) throw error;
    // eslint-disable-next-line no-console
    console.error(problem);
    process.exit(1);
  }
  const app = await createApp(config);
  const logger = new Logger('Main');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing in-flight requests, then closing the stores`);
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${String(error)}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    // taken between the probe and now
    const problem = portProblem(error, config);
    if (!problem) throw error;
    logger.error(problem);
    await app.close();
    process.exit(1);
  }
  logger.log(`tax-ledger listening on http://${config.host}:${config.port} (store: ${config.store}, data: ${config.store === 'embedded' ? config.sqlitePath : 'eventstoredb+mongodb'}, docs: /docs)`);
}

if (require.main === module) {
  main().catch((error) => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  });
}
