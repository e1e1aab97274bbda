"""The live-migration data the two computes exchange through Nova's conductor, as a registered Nova object.

It carries the contract's MigrateData (filled by the destination check, completed by pre_live_migration, read by
the source), including the served driver's opaque ``driverData``, so it survives Nova's RPC serialization.
"""
import json

from nova.objects import base
from nova.objects import fields
from nova.objects import migrate_data


@base.NovaObjectRegistry.register
class VirtkitLiveMigrateData(migrate_data.LiveMigrateData):
    VERSION = '1.0'

    fields = {
        'block_migration': fields.BooleanField(),
        'disk_over_commit': fields.BooleanField(),
        'is_shared_instance_path': fields.BooleanField(),
        'is_shared_block_storage': fields.BooleanField(),
        'target_connect_addr': fields.StringField(nullable=True),
        'graphics_listen_addr': fields.StringField(nullable=True),
        'serial_listen_addr': fields.StringField(nullable=True),
        'driver_data_json': fields.StringField(nullable=True),
    }

    def to_virtkit(self):
        out = {}
        for key, field in (('blockMigration', 'block_migration'), ('diskOverCommit', 'disk_over_commit'),
                           ('isSharedInstancePath', 'is_shared_instance_path'),
                           ('isSharedBlockStorage', 'is_shared_block_storage'),
                           ('isVolumeBacked', 'is_volume_backed'), ('targetConnectAddr', 'target_connect_addr'),
                           ('graphicsListenAddr', 'graphics_listen_addr'),
                           ('serialListenAddr', 'serial_listen_addr')):
            if self.obj_attr_is_set(field) and getattr(self, field) is not None:
                out[key] = getattr(self, field)
        if self.obj_attr_is_set('driver_data_json') and self.driver_data_json:
            out['driverData'] = json.loads(self.driver_data_json)
        return out

    def update_from_virtkit(self, data):
        for key, field in (('blockMigration', 'block_migration'), ('diskOverCommit', 'disk_over_commit'),
                           ('isSharedInstancePath', 'is_shared_instance_path'),
                           ('isSharedBlockStorage', 'is_shared_block_storage'),
                           ('isVolumeBacked', 'is_volume_backed'), ('targetConnectAddr', 'target_connect_addr'),
                           ('graphicsListenAddr', 'graphics_listen_addr'),
                           ('serialListenAddr', 'serial_listen_addr')):
            if data.get(key) is not None:
                setattr(self, field, data[key])
        if data.get('driverData') is not None:
            self.driver_data_json = json.dumps(data['driverData'])
        return self


def to_virtkit(data):
    """Any Nova LiveMigrateData (ours, or another driver's such as LibvirtLiveMigrateData) -> MigrateData."""
    if data is None:
        return None
    if isinstance(data, VirtkitLiveMigrateData):
        return data.to_virtkit()
    out = {}
    for key, field in (('blockMigration', 'block_migration'), ('diskOverCommit', 'disk_over_commit'),
                       ('isSharedInstancePath', 'is_shared_instance_path'),
                       ('isSharedBlockStorage', 'is_shared_block_storage'), ('isVolumeBacked', 'is_volume_backed'),
                       ('targetConnectAddr', 'target_connect_addr'),
                       ('graphicsListenAddr', 'graphics_listen_addr_vnc'),
                       ('serialListenAddr', 'serial_listen_addr')):
        if field in getattr(data, 'fields', {}) and data.obj_attr_is_set(field) and getattr(data, field) is not None:
            out[key] = getattr(data, field)
    return out
