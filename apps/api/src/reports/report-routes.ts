import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReportAuthGuard } from './report-auth.guard';
import type { ReportFormat } from './report-negotiation';

/** What every report controller (one per report) shares: the class decorator and how a report is sent in the format asked for. */
export const ReportRoutes = () =>
  applyDecorators(
    ApiTags('Reports'),
    ApiSecurity('AvalaraAuth'),
    ApiSecurity('basic'),
    ApiHeader({
      name: 'Accept',
      required: false,
      description: 'JSON answers: carries tax-version=1. text/csv or text/html (or ?format=csv|html) select those formats, which need no tax-version (a browser opens them directly)',
      example: 'application/json; tax-version=1',
    }),
    ApiHeader({ name: 'X-Avalara-AccountId', required: false, description: 'required for JSON answers; when sent, must name the authenticated account' }),
    UseGuards(ReportAuthGuard),
    Controller('reports'),
  );

/** The report as JSON, CSV (a download named `filename.csv`) or self-contained HTML. */
export function sendReport<T>(reply: FastifyReply, format: ReportFormat, report: T, csv: (r: T) => string, html: (r: T) => string, filename: string) {
  if (format === 'csv') {
    void reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${fileSafe(filename)}.csv"`);
    return csv(report);
  }
  if (format === 'html') {
    // Everything is inline and escaped; nothing may load from elsewhere.
    void reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");
    return html(report);
  }
  return report;
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
