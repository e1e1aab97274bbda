/**
 * The conformance kit as the test command of mutation testing (`npm run
 * mutation`): every kit test, and the model-based part, against the memory
 * driver built from its sources, one jest test each (so Stryker runs only the
 * tests that cover a mutant). A fixed seed keeps the model-based part
 * deterministic between mutants.
 */
import { describeConformance } from '@virtkit/conformance';
import { MemoryDriver, createMemoryFixtures } from '@virtkit/memory';

describeConformance({
  name: 'memory (mutation testing)',
  factory: (hostApi) => new MemoryDriver({ hostname: 'kit', ...hostApi }),
  fixtures: createMemoryFixtures() as never,
  // fewer sequences than `virtkit conformance` (each mutant reruns them); a fixed seed keeps them the same for every
  // mutant
  modelBased: { seed: 20261204, sequences: 60 },
});
