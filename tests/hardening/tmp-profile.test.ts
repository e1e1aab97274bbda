import * as core from '@virtkit/core';
import { getMetadataStorage } from 'class-validator';
it('list', () => {
  const storage = getMetadataStorage();
  const methods = [...Object.values(core.CAPABILITY_METHODS).flat(), 'initHost','cleanupHost','getInfo','listInstances','listInstanceUuids','countInstances','instanceExists','getAvailableNodes','nodeIsAvailable','getHostIp','networkBindingHostId'];
  const props = new Set<string>();
  const out: string[] = [];
  for (const m of methods) {
    const name = m[0]!.toUpperCase() + m.slice(1) + 'Request';
    const cls = (core as any)[name];
    if (!cls) { out.push(`${m}: -`); continue; }
    const md = storage.getTargetValidationMetadatas(cls, '', false, false);
    const ps = [...new Set(md.map((x: any) => x.propertyName))];
    ps.forEach((p) => props.add(p));
    out.push(`${m}: ${name} [${ps.join(',')}]`);
  }
  console.log(out.join('\n') + '\n\nPROPS: ' + [...props].sort().join(' '));
});
