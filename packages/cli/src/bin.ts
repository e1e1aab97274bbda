/** The `virtkit` executable (built to dist/bin.cjs with a shebang). */
import { main } from './main.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
});
