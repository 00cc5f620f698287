//! The metrics of the host probe, declared once: name, type, labels and help.

use crate::metrics::Desc;

/// `node_filesystem_device_error`.
pub const NODE_FILESYSTEM_DEVICE_ERROR: Desc = Desc::gauge(
    "node_filesystem_device_error",
    &["device", "fstype", "mountpoint"],
    "Whether an error occurred while getting statistics for the given device.",
);
/// `node_cpu_seconds_total`.
pub const NODE_CPU_SECONDS_TOTAL: Desc = Desc::counter(
    "node_cpu_seconds_total",
    &["cpu", "mode"],
    "Seconds the CPUs spent in each mode.",
);
/// `node_load1`.
pub const NODE_LOAD1: Desc = Desc::gauge("node_load1", &[], "1m load average.");
/// `node_load5`.
pub const NODE_LOAD5: Desc = Desc::gauge("node_load5", &[], "5m load average.");
/// `node_load15`.
pub const NODE_LOAD15: Desc = Desc::gauge("node_load15", &[], "15m load average.");
/// `node_memory_MemTotal_bytes`.
pub const NODE_MEMORY_MEMTOTAL_BYTES: Desc = Desc::gauge(
    "node_memory_MemTotal_bytes",
    &[],
    "Memory information field MemTotal_bytes.",
);
/// `node_memory_MemFree_bytes`.
pub const NODE_MEMORY_MEMFREE_BYTES: Desc = Desc::gauge(
    "node_memory_MemFree_bytes",
    &[],
    "Memory information field MemFree_bytes.",
);
/// `node_memory_MemAvailable_bytes`.
pub const NODE_MEMORY_MEMAVAILABLE_BYTES: Desc = Desc::gauge(
    "node_memory_MemAvailable_bytes",
    &[],
    "Memory information field MemAvailable_bytes.",
);
/// `node_memory_Buffers_bytes`.
pub const NODE_MEMORY_BUFFERS_BYTES: Desc = Desc::gauge(
    "node_memory_Buffers_bytes",
    &[],
    "Memory information field Buffers_bytes.",
);
/// `node_memory_Cached_bytes`.
pub const NODE_MEMORY_CACHED_BYTES: Desc = Desc::gauge(
    "node_memory_Cached_bytes",
    &[],
    "Memory information field Cached_bytes.",
);
/// `node_memory_SwapTotal_bytes`.
pub const NODE_MEMORY_SWAPTOTAL_BYTES: Desc = Desc::gauge(
    "node_memory_SwapTotal_bytes",
    &[],
    "Memory information field SwapTotal_bytes.",
);
/// `node_memory_SwapFree_bytes`.
pub const NODE_MEMORY_SWAPFREE_BYTES: Desc = Desc::gauge(
    "node_memory_SwapFree_bytes",
    &[],
    "Memory information field SwapFree_bytes.",
);
/// `node_filesystem_size_bytes`.
pub const NODE_FILESYSTEM_SIZE_BYTES: Desc = Desc::gauge(
    "node_filesystem_size_bytes",
    &["device", "fstype", "mountpoint"],
    "Filesystem size in bytes.",
);
/// `node_filesystem_free_bytes`.
pub const NODE_FILESYSTEM_FREE_BYTES: Desc = Desc::gauge(
    "node_filesystem_free_bytes",
    &["device", "fstype", "mountpoint"],
    "Filesystem free space in bytes.",
);
/// `node_filesystem_avail_bytes`.
pub const NODE_FILESYSTEM_AVAIL_BYTES: Desc = Desc::gauge(
    "node_filesystem_avail_bytes",
    &["device", "fstype", "mountpoint"],
    "Filesystem space available to non-root users in bytes.",
);
/// `node_filesystem_files`.
pub const NODE_FILESYSTEM_FILES: Desc = Desc::gauge(
    "node_filesystem_files",
    &["device", "fstype", "mountpoint"],
    "Filesystem total file nodes.",
);
/// `node_filesystem_files_free`.
pub const NODE_FILESYSTEM_FILES_FREE: Desc = Desc::gauge(
    "node_filesystem_files_free",
    &["device", "fstype", "mountpoint"],
    "Filesystem total free file nodes.",
);
/// `node_filesystem_readonly`.
pub const NODE_FILESYSTEM_READONLY: Desc = Desc::gauge(
    "node_filesystem_readonly",
    &["device", "fstype", "mountpoint"],
    "Filesystem read-only status.",
);

// /proc/stat beyond CPU seconds (proc_stats.rs).
/// `node_boot_time_seconds`.
pub const NODE_BOOT_TIME_SECONDS: Desc = Desc::gauge(
    "node_boot_time_seconds",
    &[],
    "Node boot time, in unixtime.",
);
/// `node_context_switches_total`.
pub const NODE_CONTEXT_SWITCHES_TOTAL: Desc = Desc::counter(
    "node_context_switches_total",
    &[],
    "Total number of context switches.",
);
/// `node_forks_total`.
pub const NODE_FORKS_TOTAL: Desc = Desc::counter("node_forks_total", &[], "Total number of forks.");
/// `node_intr_total`.
pub const NODE_INTR_TOTAL: Desc = Desc::counter(
    "node_intr_total",
    &[],
    "Total number of interrupts serviced.",
);
/// `node_procs_running`.
pub const NODE_PROCS_RUNNING: Desc = Desc::gauge(
    "node_procs_running",
    &[],
    "Number of processes in runnable state.",
);
/// `node_procs_blocked`.
pub const NODE_PROCS_BLOCKED: Desc = Desc::gauge(
    "node_procs_blocked",
    &[],
    "Number of processes blocked waiting for I/O to complete.",
);

// /proc/meminfo and /proc/vmstat: names from the kernel's field list (patterns).
/// `node_memory_*_bytes`.
pub const NODE_MEMORY_X_BYTES: Desc = Desc::gauge(
    "node_memory_*_bytes",
    &[],
    "Memory information field <Field>_bytes: every /proc/meminfo field given in kB, in bytes (`Active(anon)` as `Active_anon`).",
);
/// `node_memory_*`.
pub const NODE_MEMORY_X: Desc = Desc::gauge(
    "node_memory_*",
    &[],
    "Memory information field <Field>: the unitless /proc/meminfo fields (`HugePages_Total`, ...).",
);
/// `node_vmstat_*`.
pub const NODE_VMSTAT_X: Desc = Desc::gauge(
    "node_vmstat_*",
    &[],
    "/proc/vmstat information field <field>, for the fields matching node_exporter's default `^(oom_kill|pgpg|pswp|pg.*fault).*`.",
);

// /proc/net/dev.
/// `node_network_receive_bytes_total`.
pub const NODE_NETWORK_RECEIVE_BYTES_TOTAL: Desc = Desc::counter(
    "node_network_receive_bytes_total",
    &["device"],
    "Network device statistic receive_bytes.",
);
/// `node_network_receive_packets_total`.
pub const NODE_NETWORK_RECEIVE_PACKETS_TOTAL: Desc = Desc::counter(
    "node_network_receive_packets_total",
    &["device"],
    "Network device statistic receive_packets.",
);
/// `node_network_receive_errs_total`.
pub const NODE_NETWORK_RECEIVE_ERRS_TOTAL: Desc = Desc::counter(
    "node_network_receive_errs_total",
    &["device"],
    "Network device statistic receive_errs.",
);
/// `node_network_receive_drop_total`.
pub const NODE_NETWORK_RECEIVE_DROP_TOTAL: Desc = Desc::counter(
    "node_network_receive_drop_total",
    &["device"],
    "Network device statistic receive_drop.",
);
/// `node_network_receive_fifo_total`.
pub const NODE_NETWORK_RECEIVE_FIFO_TOTAL: Desc = Desc::counter(
    "node_network_receive_fifo_total",
    &["device"],
    "Network device statistic receive_fifo.",
);
/// `node_network_receive_frame_total`.
pub const NODE_NETWORK_RECEIVE_FRAME_TOTAL: Desc = Desc::counter(
    "node_network_receive_frame_total",
    &["device"],
    "Network device statistic receive_frame.",
);
/// `node_network_receive_compressed_total`.
pub const NODE_NETWORK_RECEIVE_COMPRESSED_TOTAL: Desc = Desc::counter(
    "node_network_receive_compressed_total",
    &["device"],
    "Network device statistic receive_compressed.",
);
/// `node_network_receive_multicast_total`.
pub const NODE_NETWORK_RECEIVE_MULTICAST_TOTAL: Desc = Desc::counter(
    "node_network_receive_multicast_total",
    &["device"],
    "Network device statistic receive_multicast.",
);
/// `node_network_transmit_bytes_total`.
pub const NODE_NETWORK_TRANSMIT_BYTES_TOTAL: Desc = Desc::counter(
    "node_network_transmit_bytes_total",
    &["device"],
    "Network device statistic transmit_bytes.",
);
/// `node_network_transmit_packets_total`.
pub const NODE_NETWORK_TRANSMIT_PACKETS_TOTAL: Desc = Desc::counter(
    "node_network_transmit_packets_total",
    &["device"],
    "Network device statistic transmit_packets.",
);
/// `node_network_transmit_errs_total`.
pub const NODE_NETWORK_TRANSMIT_ERRS_TOTAL: Desc = Desc::counter(
    "node_network_transmit_errs_total",
    &["device"],
    "Network device statistic transmit_errs.",
);
/// `node_network_transmit_drop_total`.
pub const NODE_NETWORK_TRANSMIT_DROP_TOTAL: Desc = Desc::counter(
    "node_network_transmit_drop_total",
    &["device"],
    "Network device statistic transmit_drop.",
);
/// `node_network_transmit_fifo_total`.
pub const NODE_NETWORK_TRANSMIT_FIFO_TOTAL: Desc = Desc::counter(
    "node_network_transmit_fifo_total",
    &["device"],
    "Network device statistic transmit_fifo.",
);
/// `node_network_transmit_colls_total`.
pub const NODE_NETWORK_TRANSMIT_COLLS_TOTAL: Desc = Desc::counter(
    "node_network_transmit_colls_total",
    &["device"],
    "Network device statistic transmit_colls.",
);
/// `node_network_transmit_carrier_total`.
pub const NODE_NETWORK_TRANSMIT_CARRIER_TOTAL: Desc = Desc::counter(
    "node_network_transmit_carrier_total",
    &["device"],
    "Network device statistic transmit_carrier.",
);
/// `node_network_transmit_compressed_total`.
pub const NODE_NETWORK_TRANSMIT_COMPRESSED_TOTAL: Desc = Desc::counter(
    "node_network_transmit_compressed_total",
    &["device"],
    "Network device statistic transmit_compressed.",
);
/// The `/proc/net/dev` counters in column order: receive bytes, packets, errs, drop, fifo,
/// frame, compressed, multicast; transmit bytes, packets, errs, drop, fifo, colls, carrier,
/// compressed.
pub const NETDEV: [Desc; 16] = [
    NODE_NETWORK_RECEIVE_BYTES_TOTAL,
    NODE_NETWORK_RECEIVE_PACKETS_TOTAL,
    NODE_NETWORK_RECEIVE_ERRS_TOTAL,
    NODE_NETWORK_RECEIVE_DROP_TOTAL,
    NODE_NETWORK_RECEIVE_FIFO_TOTAL,
    NODE_NETWORK_RECEIVE_FRAME_TOTAL,
    NODE_NETWORK_RECEIVE_COMPRESSED_TOTAL,
    NODE_NETWORK_RECEIVE_MULTICAST_TOTAL,
    NODE_NETWORK_TRANSMIT_BYTES_TOTAL,
    NODE_NETWORK_TRANSMIT_PACKETS_TOTAL,
    NODE_NETWORK_TRANSMIT_ERRS_TOTAL,
    NODE_NETWORK_TRANSMIT_DROP_TOTAL,
    NODE_NETWORK_TRANSMIT_FIFO_TOTAL,
    NODE_NETWORK_TRANSMIT_COLLS_TOTAL,
    NODE_NETWORK_TRANSMIT_CARRIER_TOTAL,
    NODE_NETWORK_TRANSMIT_COMPRESSED_TOTAL,
];

// /proc/diskstats.
/// `node_disk_reads_completed_total`.
pub const NODE_DISK_READS_COMPLETED_TOTAL: Desc = Desc::counter(
    "node_disk_reads_completed_total",
    &["device"],
    "The total number of reads completed successfully.",
);
/// `node_disk_reads_merged_total`.
pub const NODE_DISK_READS_MERGED_TOTAL: Desc = Desc::counter(
    "node_disk_reads_merged_total",
    &["device"],
    "The total number of reads merged.",
);
/// `node_disk_read_bytes_total`.
pub const NODE_DISK_READ_BYTES_TOTAL: Desc = Desc::counter(
    "node_disk_read_bytes_total",
    &["device"],
    "The total number of bytes read successfully.",
);
/// `node_disk_read_time_seconds_total`.
pub const NODE_DISK_READ_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_read_time_seconds_total",
    &["device"],
    "The total number of seconds spent by all reads.",
);
/// `node_disk_writes_completed_total`.
pub const NODE_DISK_WRITES_COMPLETED_TOTAL: Desc = Desc::counter(
    "node_disk_writes_completed_total",
    &["device"],
    "The total number of writes completed successfully.",
);
/// `node_disk_writes_merged_total`.
pub const NODE_DISK_WRITES_MERGED_TOTAL: Desc = Desc::counter(
    "node_disk_writes_merged_total",
    &["device"],
    "The number of writes merged.",
);
/// `node_disk_written_bytes_total`.
pub const NODE_DISK_WRITTEN_BYTES_TOTAL: Desc = Desc::counter(
    "node_disk_written_bytes_total",
    &["device"],
    "The total number of bytes written successfully.",
);
/// `node_disk_write_time_seconds_total`.
pub const NODE_DISK_WRITE_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_write_time_seconds_total",
    &["device"],
    "This is the total number of seconds spent by all writes.",
);
/// `node_disk_io_time_seconds_total`.
pub const NODE_DISK_IO_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_io_time_seconds_total",
    &["device"],
    "Total seconds spent doing I/Os.",
);
/// `node_disk_io_time_weighted_seconds_total`.
pub const NODE_DISK_IO_TIME_WEIGHTED_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_io_time_weighted_seconds_total",
    &["device"],
    "The weighted # of seconds spent doing I/Os.",
);
/// `node_disk_io_now`.
pub const NODE_DISK_IO_NOW: Desc = Desc::gauge(
    "node_disk_io_now",
    &["device"],
    "The number of I/Os currently in progress.",
);
/// `node_disk_discards_completed_total`.
pub const NODE_DISK_DISCARDS_COMPLETED_TOTAL: Desc = Desc::counter(
    "node_disk_discards_completed_total",
    &["device"],
    "The total number of discards completed successfully.",
);
/// `node_disk_discards_merged_total`.
pub const NODE_DISK_DISCARDS_MERGED_TOTAL: Desc = Desc::counter(
    "node_disk_discards_merged_total",
    &["device"],
    "The total number of discards merged.",
);
/// `node_disk_discarded_sectors_total`.
pub const NODE_DISK_DISCARDED_SECTORS_TOTAL: Desc = Desc::counter(
    "node_disk_discarded_sectors_total",
    &["device"],
    "The total number of sectors discarded successfully.",
);
/// `node_disk_discard_time_seconds_total`.
pub const NODE_DISK_DISCARD_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_discard_time_seconds_total",
    &["device"],
    "This is the total number of seconds spent by all discards.",
);
/// `node_disk_flush_requests_total`.
pub const NODE_DISK_FLUSH_REQUESTS_TOTAL: Desc = Desc::counter(
    "node_disk_flush_requests_total",
    &["device"],
    "The total number of flush requests completed successfully",
);
/// `node_disk_flush_requests_time_seconds_total`.
pub const NODE_DISK_FLUSH_REQUESTS_TIME_SECONDS_TOTAL: Desc = Desc::counter(
    "node_disk_flush_requests_time_seconds_total",
    &["device"],
    "This is the total number of seconds spent by all flush requests.",
);

// file-nr, entropy, conntrack, pressure.
/// `node_filefd_allocated`.
pub const NODE_FILEFD_ALLOCATED: Desc = Desc::gauge(
    "node_filefd_allocated",
    &[],
    "File descriptor statistics: allocated.",
);
/// `node_filefd_maximum`.
pub const NODE_FILEFD_MAXIMUM: Desc = Desc::gauge(
    "node_filefd_maximum",
    &[],
    "File descriptor statistics: maximum.",
);
/// `node_entropy_available_bits`.
pub const NODE_ENTROPY_AVAILABLE_BITS: Desc = Desc::gauge(
    "node_entropy_available_bits",
    &[],
    "Bits of available entropy.",
);
/// `node_nf_conntrack_entries`.
pub const NODE_NF_CONNTRACK_ENTRIES: Desc = Desc::gauge(
    "node_nf_conntrack_entries",
    &[],
    "Number of currently allocated flow entries for connection tracking.",
);
/// `node_nf_conntrack_entries_limit`.
pub const NODE_NF_CONNTRACK_ENTRIES_LIMIT: Desc = Desc::gauge(
    "node_nf_conntrack_entries_limit",
    &[],
    "Maximum size of connection tracking table.",
);
/// `node_pressure_cpu_waiting_seconds_total`.
pub const NODE_PRESSURE_CPU_WAITING_SECONDS_TOTAL: Desc = Desc::counter(
    "node_pressure_cpu_waiting_seconds_total",
    &[],
    "Total time in seconds that processes have waited for CPU time",
);
/// `node_pressure_io_waiting_seconds_total`.
pub const NODE_PRESSURE_IO_WAITING_SECONDS_TOTAL: Desc = Desc::counter(
    "node_pressure_io_waiting_seconds_total",
    &[],
    "Total time in seconds that processes have waited due to IO congestion",
);
/// `node_pressure_io_stalled_seconds_total`.
pub const NODE_PRESSURE_IO_STALLED_SECONDS_TOTAL: Desc = Desc::counter(
    "node_pressure_io_stalled_seconds_total",
    &[],
    "Total time in seconds no process could make progress due to IO congestion",
);
/// `node_pressure_memory_waiting_seconds_total`.
pub const NODE_PRESSURE_MEMORY_WAITING_SECONDS_TOTAL: Desc = Desc::counter(
    "node_pressure_memory_waiting_seconds_total",
    &[],
    "Total time in seconds that processes have waited for memory",
);
/// `node_pressure_memory_stalled_seconds_total`.
pub const NODE_PRESSURE_MEMORY_STALLED_SECONDS_TOTAL: Desc = Desc::counter(
    "node_pressure_memory_stalled_seconds_total",
    &[],
    "Total time in seconds no process could make progress due to memory congestion",
);

// /proc/mdstat.
/// `node_md_disks_required`.
pub const NODE_MD_DISKS_REQUIRED: Desc = Desc::gauge(
    "node_md_disks_required",
    &["device"],
    "Total number of disks of device.",
);
/// `node_md_disks`.
pub const NODE_MD_DISKS: Desc = Desc::gauge(
    "node_md_disks",
    &["device", "state"],
    "Number of active/failed/spare disks of device.",
);
/// `node_md_state`.
pub const NODE_MD_STATE: Desc = Desc::gauge(
    "node_md_state",
    &["device", "state"],
    "Indicates the state of md-device.",
);
/// `node_md_blocks`.
pub const NODE_MD_BLOCKS: Desc = Desc::gauge(
    "node_md_blocks",
    &["device"],
    "Total number of blocks on device.",
);
/// `node_md_blocks_synced`.
pub const NODE_MD_BLOCKS_SYNCED: Desc = Desc::gauge(
    "node_md_blocks_synced",
    &["device"],
    "Number of blocks synced on device.",
);

// sysfs (sys_stats.rs): netclass, hwmon, bonding, edac.
/// `node_network_up`.
pub const NODE_NETWORK_UP: Desc = Desc::gauge(
    "node_network_up",
    &["device"],
    "Value is 1 if operstate is 'up', 0 otherwise.",
);
/// `node_network_speed_bytes`.
pub const NODE_NETWORK_SPEED_BYTES: Desc = Desc::gauge(
    "node_network_speed_bytes",
    &["device"],
    "Network device property: speed_bytes",
);
/// `node_hwmon_chip_names`.
pub const NODE_HWMON_CHIP_NAMES: Desc = Desc::gauge(
    "node_hwmon_chip_names",
    &["chip", "chip_name"],
    "Annotation metric for human-readable chip names",
);
/// `node_hwmon_sensor_label`.
pub const NODE_HWMON_SENSOR_LABEL: Desc = Desc::gauge(
    "node_hwmon_sensor_label",
    &["chip", "sensor", "label"],
    "Label for given chip and sensor",
);
/// `node_hwmon_beep_enabled`.
pub const NODE_HWMON_BEEP_ENABLED: Desc = Desc::gauge(
    "node_hwmon_beep_enabled",
    &["chip", "sensor"],
    "Hardware beep enabled",
);
/// `node_hwmon_voltage_regulator_version`.
pub const NODE_HWMON_VOLTAGE_REGULATOR_VERSION: Desc = Desc::gauge(
    "node_hwmon_voltage_regulator_version",
    &["chip", "sensor"],
    "Hardware voltage regulator",
);
/// `node_hwmon_update_interval_seconds`.
pub const NODE_HWMON_UPDATE_INTERVAL_SECONDS: Desc = Desc::gauge(
    "node_hwmon_update_interval_seconds",
    &["chip", "sensor"],
    "Hardware monitor update interval",
);
/// `node_hwmon_*_volts`.
pub const NODE_HWMON_X_VOLTS: Desc = Desc::gauge(
    "node_hwmon_*_volts",
    &["chip", "sensor"],
    "Hardware monitor for voltage (<element>): in and cpu sensors, node_hwmon_<type>[_<element>]_volts.",
);
/// `node_hwmon_temp*_celsius`.
pub const NODE_HWMON_TEMPX_CELSIUS: Desc = Desc::gauge(
    "node_hwmon_temp*_celsius",
    &["chip", "sensor"],
    "Hardware monitor for temperature (<element>): node_hwmon_temp[_<element>]_celsius.",
);
/// `node_hwmon_curr*_amps`.
pub const NODE_HWMON_CURRX_AMPS: Desc = Desc::gauge(
    "node_hwmon_curr*_amps",
    &["chip", "sensor"],
    "Hardware monitor for current (<element>): node_hwmon_curr[_<element>]_amps.",
);
/// `node_hwmon_power*_watt`.
pub const NODE_HWMON_POWERX_WATT: Desc = Desc::gauge(
    "node_hwmon_power*_watt",
    &["chip", "sensor"],
    "Hardware monitor for power usage in watts (<element>).",
);
/// `node_hwmon_power_average_interval*_seconds`.
pub const NODE_HWMON_POWER_AVERAGE_INTERVALX_SECONDS: Desc = Desc::gauge(
    "node_hwmon_power_average_interval*_seconds",
    &["chip", "sensor"],
    "Hardware monitor power usage update interval (<element>).",
);
/// `node_hwmon_power_accuracy`.
pub const NODE_HWMON_POWER_ACCURACY: Desc = Desc::gauge(
    "node_hwmon_power_accuracy",
    &["chip", "sensor"],
    "Hardware monitor power meter accuracy, as a ratio",
);
/// `node_hwmon_humidity*`.
pub const NODE_HWMON_HUMIDITYX: Desc = Desc::gauge(
    "node_hwmon_humidity*",
    &["chip", "sensor"],
    "Hardware monitor for humidity, as a ratio (<element>).",
);
/// `node_hwmon_fan*_rpm`.
pub const NODE_HWMON_FANX_RPM: Desc = Desc::gauge(
    "node_hwmon_fan*_rpm",
    &["chip", "sensor"],
    "Hardware monitor for fan revolutions per minute (<element>).",
);
/// `node_hwmon_energy*_joule_total`.
pub const NODE_HWMON_ENERGYX_JOULE_TOTAL: Desc = Desc::counter(
    "node_hwmon_energy*_joule_total",
    &["chip", "sensor"],
    "Hardware monitor for joules used so far (<element>).",
);
/// `node_hwmon_*_alarm`.
pub const NODE_HWMON_X_ALARM: Desc = Desc::gauge(
    "node_hwmon_*_alarm",
    &["chip", "sensor"],
    "Hardware sensor alarm status (<type>).",
);
/// `node_hwmon_*_fault`.
pub const NODE_HWMON_X_FAULT: Desc = Desc::gauge(
    "node_hwmon_*_fault",
    &["chip", "sensor"],
    "Hardware sensor fault status (<type>).",
);
/// `node_hwmon_*_beep_enabled`.
pub const NODE_HWMON_X_BEEP_ENABLED: Desc = Desc::gauge(
    "node_hwmon_*_beep_enabled",
    &["chip", "sensor"],
    "Hardware monitor sensor has beeping enabled",
);
/// `node_hwmon_*`.
pub const NODE_HWMON_X: Desc = Desc::gauge(
    "node_hwmon_*",
    &["chip", "sensor"],
    "Hardware monitor <type> element <element>: any other hwmon value, node_hwmon_<type>[_<element>], unscaled.",
);
/// `node_bonding_slaves`.
pub const NODE_BONDING_SLAVES: Desc = Desc::gauge(
    "node_bonding_slaves",
    &["master"],
    "Number of configured slaves per bonding interface.",
);
/// `node_bonding_active`.
pub const NODE_BONDING_ACTIVE: Desc = Desc::gauge(
    "node_bonding_active",
    &["master"],
    "Number of active slaves per bonding interface.",
);
/// `node_edac_correctable_errors_total`.
pub const NODE_EDAC_CORRECTABLE_ERRORS_TOTAL: Desc = Desc::counter(
    "node_edac_correctable_errors_total",
    &["controller"],
    "Total correctable memory errors.",
);
/// `node_edac_uncorrectable_errors_total`.
pub const NODE_EDAC_UNCORRECTABLE_ERRORS_TOTAL: Desc = Desc::counter(
    "node_edac_uncorrectable_errors_total",
    &["controller"],
    "Total uncorrectable memory errors.",
);
/// `node_edac_csrow_correctable_errors_total`.
pub const NODE_EDAC_CSROW_CORRECTABLE_ERRORS_TOTAL: Desc = Desc::counter(
    "node_edac_csrow_correctable_errors_total",
    &["controller", "csrow"],
    "Total correctable memory errors for this csrow.",
);
/// `node_edac_csrow_uncorrectable_errors_total`.
pub const NODE_EDAC_CSROW_UNCORRECTABLE_ERRORS_TOTAL: Desc = Desc::counter(
    "node_edac_csrow_uncorrectable_errors_total",
    &["controller", "csrow"],
    "Total uncorrectable memory errors for this csrow.",
);

// Syscalls (kernel.rs): uname, time, timex.
/// `node_uname_info`.
pub const NODE_UNAME_INFO: Desc = Desc::gauge(
    "node_uname_info",
    &[
        "domainname",
        "machine",
        "nodename",
        "release",
        "sysname",
        "version",
    ],
    "Labeled system information as provided by the uname system call.",
);
/// `node_time_seconds`.
pub const NODE_TIME_SECONDS: Desc = Desc::gauge(
    "node_time_seconds",
    &[],
    "System time in seconds since epoch (1970).",
);
/// `node_time_zone_offset_seconds`.
pub const NODE_TIME_ZONE_OFFSET_SECONDS: Desc = Desc::gauge(
    "node_time_zone_offset_seconds",
    &["time_zone"],
    "System time zone offset in seconds.",
);
/// `node_timex_sync_status`.
pub const NODE_TIMEX_SYNC_STATUS: Desc = Desc::gauge(
    "node_timex_sync_status",
    &[],
    "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
);
/// `node_timex_offset_seconds`.
pub const NODE_TIMEX_OFFSET_SECONDS: Desc = Desc::gauge(
    "node_timex_offset_seconds",
    &[],
    "Time offset in between local system and reference clock.",
);
/// `node_timex_frequency_adjustment_ratio`.
pub const NODE_TIMEX_FREQUENCY_ADJUSTMENT_RATIO: Desc = Desc::gauge(
    "node_timex_frequency_adjustment_ratio",
    &[],
    "Local clock frequency adjustment.",
);
/// `node_timex_maxerror_seconds`.
pub const NODE_TIMEX_MAXERROR_SECONDS: Desc = Desc::gauge(
    "node_timex_maxerror_seconds",
    &[],
    "Maximum error in seconds.",
);
/// `node_timex_estimated_error_seconds`.
pub const NODE_TIMEX_ESTIMATED_ERROR_SECONDS: Desc = Desc::gauge(
    "node_timex_estimated_error_seconds",
    &[],
    "Estimated error in seconds.",
);
/// `node_timex_status`.
pub const NODE_TIMEX_STATUS: Desc =
    Desc::gauge("node_timex_status", &[], "Value of the status array bits.");
/// `node_timex_loop_time_constant`.
pub const NODE_TIMEX_LOOP_TIME_CONSTANT: Desc = Desc::gauge(
    "node_timex_loop_time_constant",
    &[],
    "Phase-locked loop time constant.",
);
/// `node_timex_tick_seconds`.
pub const NODE_TIMEX_TICK_SECONDS: Desc = Desc::gauge(
    "node_timex_tick_seconds",
    &[],
    "Seconds between clock ticks.",
);
/// `node_timex_pps_frequency_hertz`.
pub const NODE_TIMEX_PPS_FREQUENCY_HERTZ: Desc = Desc::gauge(
    "node_timex_pps_frequency_hertz",
    &[],
    "Pulse per second frequency.",
);
/// `node_timex_pps_jitter_seconds`.
pub const NODE_TIMEX_PPS_JITTER_SECONDS: Desc = Desc::gauge(
    "node_timex_pps_jitter_seconds",
    &[],
    "Pulse per second jitter.",
);
/// `node_timex_pps_shift_seconds`.
pub const NODE_TIMEX_PPS_SHIFT_SECONDS: Desc = Desc::gauge(
    "node_timex_pps_shift_seconds",
    &[],
    "Pulse per second interval duration.",
);
/// `node_timex_pps_stability_hertz`.
pub const NODE_TIMEX_PPS_STABILITY_HERTZ: Desc = Desc::gauge(
    "node_timex_pps_stability_hertz",
    &[],
    "Pulse per second stability, average of recent frequency changes.",
);
/// `node_timex_tai_offset_seconds`.
pub const NODE_TIMEX_TAI_OFFSET_SECONDS: Desc = Desc::gauge(
    "node_timex_tai_offset_seconds",
    &[],
    "International Atomic Time (TAI) offset.",
);
/// `node_timex_pps_jitter_total`.
pub const NODE_TIMEX_PPS_JITTER_TOTAL: Desc = Desc::counter(
    "node_timex_pps_jitter_total",
    &[],
    "Pulse per second count of jitter limit exceeded events.",
);
/// `node_timex_pps_calibration_total`.
pub const NODE_TIMEX_PPS_CALIBRATION_TOTAL: Desc = Desc::counter(
    "node_timex_pps_calibration_total",
    &[],
    "Pulse per second count of calibration intervals.",
);
/// `node_timex_pps_error_total`.
pub const NODE_TIMEX_PPS_ERROR_TOTAL: Desc = Desc::counter(
    "node_timex_pps_error_total",
    &[],
    "Pulse per second count of calibration errors.",
);
/// `node_timex_pps_stability_exceeded_total`.
pub const NODE_TIMEX_PPS_STABILITY_EXCEEDED_TOTAL: Desc = Desc::counter(
    "node_timex_pps_stability_exceeded_total",
    &[],
    "Pulse per second count of stability limit exceeded events.",
);

/// Every metric this probe produces, in declaration order; names with `*` are patterns (the
/// part comes from the host at runtime).
pub const ALL: &[Desc] = &[
    NODE_FILESYSTEM_DEVICE_ERROR,
    NODE_CPU_SECONDS_TOTAL,
    NODE_LOAD1,
    NODE_LOAD5,
    NODE_LOAD15,
    NODE_MEMORY_MEMTOTAL_BYTES,
    NODE_MEMORY_MEMFREE_BYTES,
    NODE_MEMORY_MEMAVAILABLE_BYTES,
    NODE_MEMORY_BUFFERS_BYTES,
    NODE_MEMORY_CACHED_BYTES,
    NODE_MEMORY_SWAPTOTAL_BYTES,
    NODE_MEMORY_SWAPFREE_BYTES,
    NODE_FILESYSTEM_SIZE_BYTES,
    NODE_FILESYSTEM_FREE_BYTES,
    NODE_FILESYSTEM_AVAIL_BYTES,
    NODE_FILESYSTEM_FILES,
    NODE_FILESYSTEM_FILES_FREE,
    NODE_FILESYSTEM_READONLY,
    NODE_BOOT_TIME_SECONDS,
    NODE_CONTEXT_SWITCHES_TOTAL,
    NODE_FORKS_TOTAL,
    NODE_INTR_TOTAL,
    NODE_PROCS_RUNNING,
    NODE_PROCS_BLOCKED,
    NODE_MEMORY_X_BYTES,
    NODE_MEMORY_X,
    NODE_VMSTAT_X,
    NODE_NETWORK_RECEIVE_BYTES_TOTAL,
    NODE_NETWORK_RECEIVE_PACKETS_TOTAL,
    NODE_NETWORK_RECEIVE_ERRS_TOTAL,
    NODE_NETWORK_RECEIVE_DROP_TOTAL,
    NODE_NETWORK_RECEIVE_FIFO_TOTAL,
    NODE_NETWORK_RECEIVE_FRAME_TOTAL,
    NODE_NETWORK_RECEIVE_COMPRESSED_TOTAL,
    NODE_NETWORK_RECEIVE_MULTICAST_TOTAL,
    NODE_NETWORK_TRANSMIT_BYTES_TOTAL,
    NODE_NETWORK_TRANSMIT_PACKETS_TOTAL,
    NODE_NETWORK_TRANSMIT_ERRS_TOTAL,
    NODE_NETWORK_TRANSMIT_DROP_TOTAL,
    NODE_NETWORK_TRANSMIT_FIFO_TOTAL,
    NODE_NETWORK_TRANSMIT_COLLS_TOTAL,
    NODE_NETWORK_TRANSMIT_CARRIER_TOTAL,
    NODE_NETWORK_TRANSMIT_COMPRESSED_TOTAL,
    NODE_DISK_READS_COMPLETED_TOTAL,
    NODE_DISK_READS_MERGED_TOTAL,
    NODE_DISK_READ_BYTES_TOTAL,
    NODE_DISK_READ_TIME_SECONDS_TOTAL,
    NODE_DISK_WRITES_COMPLETED_TOTAL,
    NODE_DISK_WRITES_MERGED_TOTAL,
    NODE_DISK_WRITTEN_BYTES_TOTAL,
    NODE_DISK_WRITE_TIME_SECONDS_TOTAL,
    NODE_DISK_IO_TIME_SECONDS_TOTAL,
    NODE_DISK_IO_TIME_WEIGHTED_SECONDS_TOTAL,
    NODE_DISK_IO_NOW,
    NODE_DISK_DISCARDS_COMPLETED_TOTAL,
    NODE_DISK_DISCARDS_MERGED_TOTAL,
    NODE_DISK_DISCARDED_SECTORS_TOTAL,
    NODE_DISK_DISCARD_TIME_SECONDS_TOTAL,
    NODE_DISK_FLUSH_REQUESTS_TOTAL,
    NODE_DISK_FLUSH_REQUESTS_TIME_SECONDS_TOTAL,
    NODE_FILEFD_ALLOCATED,
    NODE_FILEFD_MAXIMUM,
    NODE_ENTROPY_AVAILABLE_BITS,
    NODE_NF_CONNTRACK_ENTRIES,
    NODE_NF_CONNTRACK_ENTRIES_LIMIT,
    NODE_PRESSURE_CPU_WAITING_SECONDS_TOTAL,
    NODE_PRESSURE_IO_WAITING_SECONDS_TOTAL,
    NODE_PRESSURE_IO_STALLED_SECONDS_TOTAL,
    NODE_PRESSURE_MEMORY_WAITING_SECONDS_TOTAL,
    NODE_PRESSURE_MEMORY_STALLED_SECONDS_TOTAL,
    NODE_MD_DISKS_REQUIRED,
    NODE_MD_DISKS,
    NODE_MD_STATE,
    NODE_MD_BLOCKS,
    NODE_MD_BLOCKS_SYNCED,
    NODE_NETWORK_UP,
    NODE_NETWORK_SPEED_BYTES,
    NODE_HWMON_CHIP_NAMES,
    NODE_HWMON_SENSOR_LABEL,
    NODE_HWMON_BEEP_ENABLED,
    NODE_HWMON_VOLTAGE_REGULATOR_VERSION,
    NODE_HWMON_UPDATE_INTERVAL_SECONDS,
    NODE_HWMON_X_VOLTS,
    NODE_HWMON_TEMPX_CELSIUS,
    NODE_HWMON_CURRX_AMPS,
    NODE_HWMON_POWERX_WATT,
    NODE_HWMON_POWER_AVERAGE_INTERVALX_SECONDS,
    NODE_HWMON_POWER_ACCURACY,
    NODE_HWMON_HUMIDITYX,
    NODE_HWMON_FANX_RPM,
    NODE_HWMON_ENERGYX_JOULE_TOTAL,
    NODE_HWMON_X_ALARM,
    NODE_HWMON_X_FAULT,
    NODE_HWMON_X_BEEP_ENABLED,
    NODE_HWMON_X,
    NODE_BONDING_SLAVES,
    NODE_BONDING_ACTIVE,
    NODE_EDAC_CORRECTABLE_ERRORS_TOTAL,
    NODE_EDAC_UNCORRECTABLE_ERRORS_TOTAL,
    NODE_EDAC_CSROW_CORRECTABLE_ERRORS_TOTAL,
    NODE_EDAC_CSROW_UNCORRECTABLE_ERRORS_TOTAL,
    NODE_UNAME_INFO,
    NODE_TIME_SECONDS,
    NODE_TIME_ZONE_OFFSET_SECONDS,
    NODE_TIMEX_SYNC_STATUS,
    NODE_TIMEX_OFFSET_SECONDS,
    NODE_TIMEX_FREQUENCY_ADJUSTMENT_RATIO,
    NODE_TIMEX_MAXERROR_SECONDS,
    NODE_TIMEX_ESTIMATED_ERROR_SECONDS,
    NODE_TIMEX_STATUS,
    NODE_TIMEX_LOOP_TIME_CONSTANT,
    NODE_TIMEX_TICK_SECONDS,
    NODE_TIMEX_PPS_FREQUENCY_HERTZ,
    NODE_TIMEX_PPS_JITTER_SECONDS,
    NODE_TIMEX_PPS_SHIFT_SECONDS,
    NODE_TIMEX_PPS_STABILITY_HERTZ,
    NODE_TIMEX_TAI_OFFSET_SECONDS,
    NODE_TIMEX_PPS_JITTER_TOTAL,
    NODE_TIMEX_PPS_CALIBRATION_TOTAL,
    NODE_TIMEX_PPS_ERROR_TOTAL,
    NODE_TIMEX_PPS_STABILITY_EXCEEDED_TOTAL,
];
