/** One volume attached to an instance, keyed by its guest device (`vdb`). */
export class VolumeAttachment {
  volumeId: string;
  sizeBytes: number;
  multiattach: boolean;
  tag: string | undefined;
  /** Volume snapshots by id, with the file each one made the active layer. */
  snapshots: Map<string, string> | undefined = undefined;

  constructor(volumeId: string, sizeBytes: number, multiattach: boolean, tag: string | undefined) {
    this.volumeId = volumeId;
    this.sizeBytes = sizeBytes;
    this.multiattach = multiattach;
    this.tag = tag;
  }

  /** An independent copy (a cold migration's destination gets one). */
  clone(): VolumeAttachment {
    const copy = new VolumeAttachment(this.volumeId, this.sizeBytes, this.multiattach, this.tag);
    if (this.snapshots) copy.snapshots = new Map(this.snapshots);
    return copy;
  }
}

/**
 * What few instances have: created on first use, so an instance with a
 * flavor, an image and NICs costs no more than its record.
 */
export class InstanceExtras {
  /** Attached volumes by device name without `/dev/` (`vdb`). */
  volumes: Map<string, VolumeAttachment> | undefined = undefined;
  /** Device tags of NICs, by VIF id. */
  nicTags: Map<string, string> | undefined = undefined;
  /** Instance metadata as last published with `changeInstanceMetadata`. */
  metadata: Map<string, string> | undefined = undefined;
  /** Files injected into the guest: path to size in bytes (contents are not kept). */
  files: Map<string, number> | undefined = undefined;

  /** A deep copy, for the destination of a cold migration. */
  clone(): InstanceExtras {
    const copy = new InstanceExtras();
    if (this.volumes) copy.volumes = new Map([...this.volumes].map(([k, v]) => [k, v.clone()]));
    // Stryker disable next-line ConditionalExpression: an empty map of tags and none are the same
    if (this.nicTags) copy.nicTags = new Map(this.nicTags);
    // Stryker disable next-line all: published metadata and injected file sizes have no read-back in the contract
    if (this.metadata) copy.metadata = new Map(this.metadata);
    // Stryker disable next-line all: as above
    if (this.files) copy.files = new Map(this.files);
    return copy;
  }
}
