import { collectPage, MAX_PAGE_LINES, toJson } from './paging';

async function* from<T>(items: T[], pulled: T[] = []) {
  for (const item of items) {
    pulled.push(item);
    yield item;
  }
}

describe('paging', () => {
  it('toJson writes exactly what JSON.stringify writes, also for a 10,000-line document', async () => {
    const big = { header: { documentCode: 'X', note: undefined }, lines: Array.from({ length: 10_000 }, (_, i) => ({ lineCode: String(i), amount: i / 100, tags: ['a', null] })), summary: { tax: 1.5 } };
    expect(await toJson(big)).toBe(JSON.stringify(big));
    expect(await toJson({ lines: [] })).toBe('{"lines":[]}');
    expect(await toJson([1, { a: 2 }])).toBe('[1,{"a":2}]');
  });

  type Doc = { code: string; lines: number };
  const doc = (code: string, lines: number): Doc => ({ code, lines });
  const options = (limit: number) => ({ limit, lines: (d: Doc) => d.lines, present: (d: Doc) => d.code, cursor: (d: Doc) => d.code });

  it('ends a page after limit items or before the item that would pass MAX_PAGE_LINES, never empty, pulling at most one item more', async () => {
    const pulled: Doc[] = [];
    expect(await collectPage(from([doc('a', 1), doc('b', 1), doc('c', 1), doc('d', 1)], pulled), options(2))).toEqual({ json: '["a","b"]', count: 2, next: 'c' });
    expect(pulled).toHaveLength(3);
    expect(await collectPage(from([doc('a', MAX_PAGE_LINES - 1), doc('b', 1), doc('c', 1)]), options(100))).toEqual({ json: '["a","b"]', count: 2, next: 'c' });
    expect(await collectPage(from([doc('a', MAX_PAGE_LINES * 3), doc('b', 1)]), options(100))).toEqual({ json: '["a"]', count: 1, next: 'b' });
    expect(await collectPage(from([doc('a', 1)]), options(1))).toEqual({ json: '["a"]', count: 1 });
    expect(await collectPage(from([]), options(5))).toEqual({ json: '[]', count: 0 });
  });

  it('never splits a group: the page ends before it, or takes all of it when it starts the page', async () => {
    const grouped = { ...options(2), group: (d: Doc) => d.code[0] };
    expect(await collectPage(from([doc('a1', 1), doc('b1', 1), doc('b2', 1), doc('c1', 1)]), grouped)).toEqual({ json: '["a1"]', count: 1, next: 'b1' });
    expect(await collectPage(from([doc('b1', 1), doc('b2', 1), doc('b3', 1), doc('c1', 1)]), grouped)).toEqual({ json: '["b1","b2","b3"]', count: 3, next: 'c1' });
  });
});
