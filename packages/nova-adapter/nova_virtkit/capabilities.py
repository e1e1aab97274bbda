"""The served driver's capability map and feature flags -> Nova's ``capabilities`` dict."""

# Nova capability -> (virtkit capabilities that must all be advertised, virtkit feature flags that must be SUPPORTED)
CAPABILITY_SOURCES = {
    'has_imagecache': (['image.cache'], []),
    'supports_evacuate': (['lifecycle.rebuild'], ['recreate']),
    'supports_migrate_to_same_host': (['migration.cold'], ['sameHostMigration']),
    'supports_attach_interface': (['network.hotplug'], []),
    'supports_device_tagging': ([], ['deviceTagging']),
    'supports_tagged_attach_interface': (['network.hotplug'], ['taggedInterfaceAttach']),
    'supports_tagged_attach_volume': (['volume'], ['taggedVolumeAttach']),
    'supports_extend_volume': (['volume.extend'], []),
    'supports_multiattach': (['volume'], ['multiattach']),
    'supports_trusted_certs': ([], ['trustedCerts']),
    'supports_pcpus': ([], ['pcpus']),
    'supports_accelerators': ([], ['accelerators']),
    'supports_bfv_rescue': (['lifecycle.rescue'], ['bfvRescue']),
    'supports_vtpm': ([], ['vtpm']),
    'supports_secure_boot': ([], ['secureBoot']),
    'supports_socket_pci_numa_affinity': ([], ['socketPciNumaAffinity']),
    'supports_remote_managed_ports': ([], ['remoteManagedPorts']),
    'supports_ephemeral_encryption': ([], ['ephemeralEncryption']),
    'supports_ephemeral_encryption_luks': ([], ['ephemeralEncryption']),
    'supports_ephemeral_encryption_plain': ([], ['ephemeralEncryption']),
}

IMAGE_TYPES = ('aki', 'ami', 'ari', 'iso', 'qcow2', 'raw', 'vdi', 'vhd', 'vhdx', 'vmdk', 'ploop')


def nova_capabilities(described, base):
    """Nova's capabilities dict for a Describe response; every key of Nova's own dict (``base``) is answered."""
    caps = dict((k, False) for k in base)
    advertised = described.get('capabilities') or {}
    features = described.get('features') or {}
    for name, (needed, flags) in CAPABILITY_SOURCES.items():
        if name not in caps:
            continue
        caps[name] = (all(advertised.get(c) for c in needed)
                      and all(features.get(f) == 'FEATURE_STATE_SUPPORTED' for f in flags))
    types = set(described.get('imageTypes') or [])
    for t in IMAGE_TYPES:
        key = 'supports_image_type_' + t
        if key in caps:
            caps[key] = t in types
    return caps
