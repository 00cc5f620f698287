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
pub const NODE_LOAD1: Desc = Desc::gauge(
    "node_load1",
    &[],
    "1m load average.",
);
/// `node_load5`.
pub const NODE_LOAD5: Desc = Desc::gauge(
    "node_load5",
    &[],
    "5m load average.",
);
/// `node_load15`.
pub const NODE_LOAD15: Desc = Desc::gauge(
    "node_load15",
    &[],
    "15m load average.",
);
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

/// Every metric this probe produces, in declaration order.
pub const ALL: &[Desc] = &[NODE_FILESYSTEM_DEVICE_ERROR, NODE_CPU_SECONDS_TOTAL, NODE_LOAD1, NODE_LOAD5, NODE_LOAD15, NODE_MEMORY_MEMTOTAL_BYTES, NODE_MEMORY_MEMFREE_BYTES, NODE_MEMORY_MEMAVAILABLE_BYTES, NODE_MEMORY_BUFFERS_BYTES, NODE_MEMORY_CACHED_BYTES, NODE_MEMORY_SWAPTOTAL_BYTES, NODE_MEMORY_SWAPFREE_BYTES, NODE_FILESYSTEM_SIZE_BYTES, NODE_FILESYSTEM_FREE_BYTES, NODE_FILESYSTEM_AVAIL_BYTES, NODE_FILESYSTEM_FILES, NODE_FILESYSTEM_FILES_FREE, NODE_FILESYSTEM_READONLY];
