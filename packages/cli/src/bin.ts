/** The `virtkit` executable (built to dist/bin.cjs with a shebang). */
import { main } from './main.js';
import { guardOutput } from './output-guard.js';

// a closed pipe (`virtkit contract | head -1`) or a failing stdout must not crash with a stack trace
guardOutput(
  { stdout: process.stdout, stderr: process.stderr },
  {
    exit: (code) => process.exit(code),
    exitCode: () => (typeof process.exitCode === 'number' ? process.exitCode : undefined),
  },
);

void main(process.argv).then((code) => {
  process.exitCode = code;
});
