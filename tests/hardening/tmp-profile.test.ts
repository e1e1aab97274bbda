import * as core from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import * as vr from '../../packages/core/src/validation/validate-request';
import { propertyRules } from './malformed-requests';
it('discover', async () => {
  const seen: Function[] = [];
  const spy = jest.spyOn(vr, 'validateRequest').mockImplementation((cls: any) => { seen.push(cls); throw new core.ValidationError('x', []); });
  const d: any = new MemoryDriver({ hostname: 'disc' });
  const methods = [...Object.values(core.CAPABILITY_METHODS).flat(), 'initHost','cleanupHost','getInfo','listInstances','listInstanceUuids','countInstances','instanceExists','getAvailableNodes','nodeIsAvailable','getHostIp','networkBindingHostId'];
  const out: string[] = [];
  for (const m of methods) {
    seen.length = 0;
    await d[m]({}, {}).catch(() => 0);
    const cls = seen[0];
    if (!cls) { out.push(`${m}: (none)`); continue; }
    const req = [...propertyRules(cls)].filter(([, r]) => !r.optional).map(([p, r]) => p + (r.nested ? `<${r.nested.name}>` : ''));
    out.push(`${m}: ${cls.name} required[${req.join(',')}]`);
  }
  spy.mockRestore();
  console.log(out.join('\n'));
});
