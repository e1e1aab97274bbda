// Type tests: compile tests/types against the built packages. `@ts-expect-error` marks cases that must NOT compile.
import { execFileSync } from 'node:child_process';

try {
  execFileSync('npx', ['tsc', '-p', 'tests/types/tsconfig.json'], { stdio: 'inherit' });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  console.log('type tests: ok (tests/types against dist, and the whole workspace from source)');
} catch {
  console.error('type tests: FAILED');
  process.exit(1);
}
