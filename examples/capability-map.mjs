// Compose-and-inspect example: load a driver package with loadDriver and print its capability map.
// Usage: node examples/capability-map.mjs [driver-package-or-path]
import { loadDriver, advertisedCapabilities, toTraits } from '@virtkit/core';

const specifier = process.argv[2] ?? '@virtkit/sample-driver';
const { driver } = await loadDriver(specifier, { hostname: 'example-host' });
const map = driver.capabilities;
console.log(`driver ${map.driver.name} ${map.driver.version} (contract ${map.contractVersion})`);
console.log(`advertised: ${advertisedCapabilities(map).join(', ')}`);
console.log(`traits: ${toTraits(map).join(', ') || '(none)'}`);
console.log(JSON.stringify(map, null, 2));
