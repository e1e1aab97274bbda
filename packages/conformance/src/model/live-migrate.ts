import type { ModelInstance } from './contract-model.js';
import { fullInstance } from './instance-ops.js';
import type { ModelEnv } from './model-env.js';

/**
 * Live-migrate an instance from host `src` to host `dst` the way an
 * orchestrator does: destination check, source check, check cleanup,
 * pre-migration, migration, then the three post steps; a failure after
 * pre-migration is rolled back at the destination. Throws the first failure.
 */
export async function liveMigrate(env: ModelEnv, i: ModelInstance, src: number, dst: number): Promise<void> {
  const source = env.hosts[src];
  const destination = env.hosts[dst];
  const instance = fullInstance(env, i);
  const { ctx } = env;
  const destCheckData = await destination.checkCanLiveMigrateDestination(ctx, {
    instance,
    srcComputeInfo: { host: env.hostNames[src] },
    dstComputeInfo: { host: env.hostNames[dst] },
  });
  let sourceData;
  try {
    sourceData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
  } finally {
    await destination.cleanupLiveMigrationDestinationCheck(ctx, { destCheckData });
  }
  const migrateData = await destination.preLiveMigration(ctx, { instance, migrateData: sourceData, networkInfo: [] });
  try {
    await source.liveMigration(ctx, { instance, dest: env.hostNames[dst], migrateData });
  } catch (error) {
    await destination.rollbackLiveMigrationAtDestination(ctx, { instance, migrateData });
    throw error;
  }
  await source.postLiveMigration(ctx, { instance, migrateData });
  await source.postLiveMigrationAtSource(ctx, { instance, networkInfo: [] });
  await destination.postLiveMigrationAtDestination(ctx, { instance, networkInfo: [] });
}
