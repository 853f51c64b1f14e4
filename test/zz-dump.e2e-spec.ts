import { writeFileSync } from 'node:fs';
import { startTestApp } from './support/test-app';
it('dumps', async () => {
  const t = await startTestApp();
  const res = await t.http.get('/docs/openapi.json');
  writeFileSync('/tmp/openapi-doc.json', JSON.stringify(res.body, null, 1));
  await t.close();
});
