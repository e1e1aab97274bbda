#!/usr/bin/env node
// The `virtkit` command. A committed stub, so npm links the bin at install time even before the build.
try {
  require.resolve('../dist/bin.cjs');
} catch {
  console.error('virtkit: @virtkit/cli is not built yet; run `npm run build` first.');
  process.exit(2);
}
require('../dist/bin.cjs');
