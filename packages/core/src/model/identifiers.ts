/**
 * Ids of other services' objects (ports, networks, images, volumes): letters,
 * digits and `. _ : -`, starting with a letter or digit. Drivers put them in
 * file names, command lines and URIs, so `../`, `/`, NUL, newlines and
 * option separators (`a,b=c`) are refused (issue "Hardening").
 */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** Host network device names (tap devices, bridges): at most 15 characters, no separators. */
export const HOST_DEVICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;

/** Device tags the guest sees: free text without `/`, `,` or control characters, as the reference's API allows. */
// eslint-disable-next-line no-control-regex -- refusing control characters is this pattern's purpose
export const DEVICE_TAG_PATTERN = /^[^/,\u0000-\u001f]{1,255}$/;

/** One line of text: no control characters (CR/LF would forge log lines and break line-based files). */
// eslint-disable-next-line no-control-regex -- refusing control characters is this pattern's purpose
export const SINGLE_LINE_PATTERN = /^[^\u0000-\u001f\u007f\u2028\u2029]*$/;

/** Node (hypervisor host) names: host-name characters only, so `../`, `/`, NUL and newlines are refused. */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** Disk bus and device type names (`virtio`, `scsi`, `ide`, `disk`, `cdrom`...). */
export const BUS_NAME_PATTERN = /^[a-z][a-z0-9_]{0,15}$/;
