import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VIRTKIT_ERROR_CODES } from './codes.js';

it('documents every error code in docs/errors.md', () => {
  const doc = readFileSync(resolve(__dirname, '../../../../docs/errors.md'), 'utf8');
  // A table row per code; Prettier pads the cells, so the spaces after the code vary.
  for (const code of Object.keys(VIRTKIT_ERROR_CODES)) expect(doc).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
});
