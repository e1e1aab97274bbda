import { resolve } from 'node:path';
import { loadDriver } from '@virtkit/core';

// Imported through Node from the BUILT core, like an out-of-tree driver.
const fixtures = resolve(__dirname, 'fixtures');

describe('loadDriver and the sealed surface', () => {
  it('refuses a driver whose class redefines a guarded call, naming the call and the hook', async () => {
    await expect(loadDriver('./overrides-pause.cjs', {}, { from: fixtures })).rejects.toMatchObject({
      code: 'DRIVER_DEFINITION',
      name: 'SealedCallError',
      call: 'pause',
      hook: '_pause',
      message: expect.stringMatching(/'pause'.*'_pause'/),
    });
  });
});
