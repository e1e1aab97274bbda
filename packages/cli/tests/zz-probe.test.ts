import { loadDriver } from '@virtkit/core';
import { runConformance } from '@virtkit/conformance';
test('probe', async () => {
  const l = await loadDriver('@virtkit/sample-driver', { hostname: 'x' });
  const r = await runConformance({ factory: () => l.definition.create({ hostname: 'virtkit-conformance' }) });
  console.log(JSON.stringify(r.summary), r.results.filter(x => x.status !== 'passed').map(x => `${x.capability} ${x.name} ${x.status} ${x.reason}`).join('\n'));
  console.log(r.results.map(x => x.capability + ':' + x.name).join('\n'));
});
