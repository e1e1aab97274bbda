import { capabilityEntries } from './define-entries.js';

/** Image family: snapshots to images and the image cache. */
export const IMAGE_ENTRIES = [
  ...capabilityEntries('image.snapshot', [
    {
      referenceName: 'snapshot', method: 'snapshot', kind: 'required',
      summary: "Save the guest's root disk as a new image, reporting progress through the task-state callback.",
    },
    {
      referenceName: 'post_interrupted_snapshot_cleanup', method: 'postInterruptedSnapshotCleanup', kind: 'hook',
      summary: 'Remove what a snapshot left behind when it was interrupted.',
    },
  ]),
  ...capabilityEntries('image.cache', [
    {
      referenceName: 'manage_image_cache', method: 'manageImageCache', kind: 'required',
      summary: 'Remove cached base images that no guest on the host uses any more.',
    },
  ]),
];
