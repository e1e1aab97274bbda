/**
 * The names of the reference contract's public calls (`shared/reference/driver.py`),
 * in file order: names only, generated once from the reference and committed, so
 * the manifest test runs where the reference is absent. When the reference is
 * present the test re-reads it and fails on drift.
 *
 * Test data: not exported from the package.
 */

/** Public methods of the reference driver class (no leading `_`; the constructor is not listed). */
export const REFERENCE_METHOD_NAMES = [
  'init_host', 'cleanup_host', 'get_info', 'get_num_instances', 'instance_exists', 'estimate_instance_overhead',
  'list_instances', 'list_instance_uuids', 'rebuild', 'prepare_for_spawn', 'failed_spawn_cleanup', 'spawn',
  'destroy', 'cleanup', 'reboot', 'get_console_pool_info', 'get_console_output', 'get_vnc_console',
  'get_spice_console', 'get_rdp_console', 'get_serial_console', 'get_mks_console', 'get_diagnostics',
  'get_instance_diagnostics', 'get_all_bw_counters', 'get_all_volume_usage', 'get_host_ip_addr', 'attach_volume',
  'detach_volume', 'swap_volume', 'extend_volume', 'prepare_networks_before_block_device_mapping',
  'clean_networks_preparation', 'attach_interface', 'detach_interface', 'migrate_disk_and_power_off', 'snapshot',
  'post_interrupted_snapshot_cleanup', 'finish_migration', 'confirm_migration', 'finish_revert_migration', 'pause',
  'unpause', 'suspend', 'resume', 'resume_state_on_host_boot', 'rescue', 'set_bootable', 'unrescue', 'power_off',
  'power_on', 'trigger_crash_dump', 'soft_delete', 'restore', 'update_provider_tree', 'get_inventory', 'get_traits',
  'get_available_resource', 'pre_live_migration', 'live_migration', 'live_migration_force_complete',
  'live_migration_abort', 'rollback_live_migration_at_destination', 'post_live_migration',
  'post_live_migration_at_source', 'post_live_migration_at_destination', 'check_instance_shared_storage_local',
  'check_instance_shared_storage_remote', 'check_instance_shared_storage_cleanup',
  'check_can_live_migrate_destination', 'cleanup_live_migration_destination_check', 'check_can_live_migrate_source',
  'get_instance_disk_info', 'refresh_security_group_rules', 'refresh_instance_security_rules', 'reset_network',
  'ensure_filtering_rules_for_instance', 'filter_defer_apply_on', 'filter_defer_apply_off', 'unfilter_instance',
  'set_admin_password', 'inject_file', 'change_instance_metadata', 'inject_network_info', 'poll_rebooting_instances',
  'host_power_action', 'host_maintenance_mode', 'set_host_enabled', 'get_host_uptime', 'plug_vifs', 'unplug_vifs',
  'get_host_cpu_stats', 'block_stats', 'deallocate_networks_on_reschedule', 'macs_for_instance',
  'manage_image_cache', 'add_to_aggregate', 'remove_from_aggregate', 'undo_aggregate_operation',
  'get_volume_connector', 'get_available_nodes', 'node_is_available', 'get_per_instance_usage', 'instance_on_disk',
  'register_event_listener', 'emit_event', 'delete_instance_files', 'need_legacy_block_device_info',
  'volume_snapshot_create', 'volume_snapshot_delete', 'default_root_device_name',
  'default_device_names_for_instance', 'get_device_name_for_instance', 'is_supported_fs_format', 'quiesce',
  'unquiesce', 'network_binding_host_id',
] as const;

/** Module-level functions of the reference. */
export const REFERENCE_MODULE_FUNCTION_NAMES = [
  'get_block_device_info', 'block_device_info_get_root_device', 'block_device_info_get_swap', 'swap_is_usable',
  'block_device_info_get_ephemerals', 'block_device_info_get_mapping', 'load_compute_driver', 'is_xenapi',
] as const;
