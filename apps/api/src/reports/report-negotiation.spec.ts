import { preferredFormat, reportFormat } from './report-negotiation';

describe('report format negotiation', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['application/json; tax-version=1', 'json'],
    ['*/*', 'json'],
    ['text/plain', 'json'],
    ['text/csv', 'csv'],
    ['text/csv; tax-version=1', 'csv'],
    ['TEXT/CSV', 'csv'],
    ['text/html; tax-version=1', 'html'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['application/json; tax-version=1, text/html;q=0.5', 'json'],
    ['application/json;q=0.2, text/csv;q=0.9', 'csv'],
    ['text/*;q=0.9, application/json;q=0.5', 'csv'],
    ['text/html;q=0, */*', 'json'],
    ['text/csv;q=abc', 'json'],
    ['text/csv, text/html', 'csv'],
  ])('Accept %p -> %s', (accept, format) => {
    expect(preferredFormat(accept)).toBe(format);
  });

  it('?format= wins over Accept; an unknown one is 400 InvalidFormat', () => {
    expect(reportFormat('CSV', 'text/html')).toBe('csv');
    expect(reportFormat('json', 'text/html')).toBe('json');
    expect(reportFormat('', 'text/html')).toBe('html');
    expect(() => reportFormat('xml', undefined)).toThrow(expect.objectContaining({ status: 400, code: 'InvalidFormat' }));
    expect(() => reportFormat(['csv', 'html'], undefined)).toThrow(expect.objectContaining({ code: 'InvalidFormat' }));
  });
});
