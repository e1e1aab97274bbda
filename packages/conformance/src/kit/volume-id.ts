import type { VolumeConnectionInfo } from '@virtkit/core';
import { check } from './assertions.js';

/**
 * The block-storage id of a volume from its connection info: `volumeId`,
 * else the transport data's `volume_id` / `volumeId`, else `serial`.
 */
export function volumeIdOf(c: VolumeConnectionInfo): string {
  const id = c.volumeId ?? c.data['volume_id'] ?? c.data['volumeId'] ?? c.serial;
  check(typeof id === 'string', 'the createVolume fixture must give connectionInfo.volumeId (or data.volume_id)');
  return id;
}
