//! node_exporter's sysfs collectors: netclass (the part the community's rules read), hwmon,
//! bonding and edac, read below the configured sysfs.
//!
//! Hardware the host does not have (no `/sys/class/hwmon`, no bonding master, no EDAC memory
//! controller) leaves its families absent, never zero. An attribute the kernel refuses to read
//! (the `speed` of a down or virtual interface) leaves that one sample out, as node_exporter does.

use std::collections::BTreeMap;
use std::path::Path;

use super::metrics;
use crate::config::Pattern;
use crate::metrics::{MetricSet, labels};

/// Reads every sysfs family below `sysfs` into `set`.
pub fn collect(sysfs: &Path, net_exclude: &Pattern, set: &mut MetricSet) {
    netclass(&sysfs.join("class/net"), net_exclude, set);
    hwmon(&sysfs.join("class/hwmon"), set);
    bonding(&sysfs.join("class/net"), set);
    edac(&sysfs.join("devices/system/edac/mc"), set);
}

/// One attribute file, trimmed; `None` when it cannot be read.
fn attr(path: &Path) -> Option<String> {
    crate::probe::pseudo_fs::read(path)
        .ok()
        .map(|s| s.trim_end_matches('\n').to_string())
}

/// Directory entries' names, sorted; empty when the directory does not exist.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The attributes of one interface under `/sys/class/net/<device>` that the exported families
/// use; `None` for an attribute the kernel did not give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetIface {
    /// Interface name.
    pub device: String,
    /// `operstate`.
    pub operstate: Option<String>,
    /// `speed` in Mbit/s (`-1` when unknown).
    pub speed: Option<i64>,
}

fn netclass(dir: &Path, exclude: &Pattern, set: &mut MetricSet) {
    for device in entries(dir) {
        let d = dir.join(&device);
        if exclude.is_match(&device) {
            continue;
        }
        // Two reads per interface (each sysfs read costs tens of µs): what the rules use. An
        // entry that is not an interface (`bonding_masters`) has no `operstate`; only then is
        // it looked at (one `stat` less per interface).
        let operstate = attr(&d.join("operstate"));
        if operstate.is_none() && !d.is_dir() {
            continue;
        }
        let iface = NetIface {
            operstate,
            speed: attr(&d.join("speed")).and_then(|s| s.trim().parse().ok()),
            device,
        };
        net_iface_metrics(&iface, set);
    }
}

/// node_exporter's netclass families the rules read, for one interface: `node_network_up`
/// (operstate is `up`) and `node_network_speed_bytes` (Mbit/s × 125000).
pub fn net_iface_metrics(i: &NetIface, set: &mut MetricSet) {
    let dev = i.device.as_str();
    set.put(
        &metrics::NODE_NETWORK_UP,
        labels([("device", dev)]),
        if i.operstate.as_deref() == Some("up") {
            1.0
        } else {
            0.0
        },
    );
    if let Some(v) = i.speed {
        set.put(
            &metrics::NODE_NETWORK_SPEED_BYTES,
            labels([("device", dev)]),
            v as f64 * 125000.0,
        );
    }
}

/// node_exporter's metric-name cleaning for chip names: lower case, `[^a-z0-9:_]` to `_`,
/// `_` trimmed.
pub fn clean_name(s: &str) -> String {
    let lower: String = s
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == ':' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    lower.trim_matches('_').to_string()
}

/// Sensor types node_exporter reads from a hwmon directory.
const HWMON_TYPES: [&str; 14] = [
    "vrm",
    "beep_enable",
    "update_interval",
    "in",
    "cpu",
    "fan",
    "pwm",
    "temp",
    "curr",
    "power",
    "energy",
    "humidity",
    "intrusion",
    "freq",
];

/// Splits a hwmon file name into (type, number, property) as node_exporter's
/// `^([^0-9]+)([0-9]*)?(_(.+))?$`: `temp1_crit_alarm` gives `("temp", 1, "crit_alarm")`,
/// `update_interval` gives `("update_interval", 0, "")`.
pub fn explode_sensor_file(name: &str) -> Option<(&str, u32, &str)> {
    let Some(i) = name.find(|c: char| c.is_ascii_digit()) else {
        return (!name.is_empty()).then_some((name, 0, ""));
    };
    let (ty, rest) = name.split_at(i);
    if ty.is_empty() {
        return None;
    }
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (num, prop) = rest.split_at(end);
    let num = num.parse().ok()?;
    match prop {
        "" => Some((ty, num, "")),
        p => p
            .strip_prefix('_')
            .filter(|p| !p.is_empty())
            .map(|p| (ty, num, p)),
    }
}

/// Sensor values of one hwmon chip: sensor (`temp1`) → property (`input`, `max`, `label`) → raw
/// text.
pub type HwmonData = BTreeMap<String, BTreeMap<String, String>>;

/// Adds the files of one hwmon directory to `data`.
fn hwmon_read_dir(dir: &Path, data: &mut HwmonData) {
    for file in entries(dir) {
        let Some((ty, num, prop)) = explode_sensor_file(&file) else {
            continue;
        };
        if !HWMON_TYPES.contains(&ty) {
            continue;
        }
        let p = dir.join(&file);
        if !p.is_file() {
            continue;
        }
        if let Some(v) = attr(&p) {
            data.entry(format!("{ty}{num}"))
                .or_default()
                .insert(prop.to_string(), v);
        }
    }
}

/// The chip label of a hwmon directory, derived as node_exporter does: `<bus>_<device>` from
/// the `device` link, else the `name` file, else `hwmonN`.
fn hwmon_chip(dir: &Path) -> Option<String> {
    if let Ok(dev) = std::fs::canonicalize(dir.join("device")) {
        let name = dev.file_name().map(|s| clean_name(&s.to_string_lossy()));
        let ty = dev
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| clean_name(&s.to_string_lossy()));
        match (ty, name) {
            (Some(t), Some(n)) if !t.is_empty() && !n.is_empty() => {
                return Some(format!("{t}_{n}"));
            }
            (_, Some(n)) if !n.is_empty() => return Some(n),
            _ => {}
        }
    }
    if let Some(n) = attr(&dir.join("name")).map(|s| clean_name(&s))
        && !n.is_empty()
    {
        return Some(n);
    }
    let real = std::fs::canonicalize(dir).ok()?;
    let n = clean_name(&real.file_name()?.to_string_lossy());
    (!n.is_empty()).then_some(n)
}

fn hwmon(dir: &Path, set: &mut MetricSet) {
    for entry in entries(dir) {
        let d = dir.join(&entry);
        if !d.is_dir() {
            continue;
        }
        let Some(chip) = hwmon_chip(&d) else { continue };
        let mut data = HwmonData::new();
        hwmon_read_dir(&d, &mut data);
        if d.join("device").is_dir() {
            hwmon_read_dir(&d.join("device"), &mut data);
        }
        let chip_name = attr(&d.join("name")).map(|s| clean_name(&s));
        hwmon_metrics(&chip, chip_name.as_deref(), &data, set);
    }
}

/// node_exporter's hwmon families for one chip: `node_hwmon_temp_celsius{chip,sensor}`,
/// `node_hwmon_temp_max_celsius`, `node_hwmon_temp_crit_alarm_celsius`, `node_hwmon_temp_alarm`,
/// fans in rpm, voltages in volts, currents in amps, power in watts, labels and chip names.
pub fn hwmon_metrics(chip: &str, chip_name: Option<&str>, data: &HwmonData, set: &mut MetricSet) {
    if let Some(n) = chip_name.filter(|n| !n.is_empty()) {
        set.put(
            &metrics::NODE_HWMON_CHIP_NAMES,
            labels([("chip", chip), ("chip_name", n)]),
            1.0,
        );
    }
    for (sensor, props) in data {
        let Some((ty, _, _)) = explode_sensor_file(sensor) else {
            continue;
        };
        let l = labels([("chip", chip), ("sensor", sensor)]);
        if let Some(label) = props.get("label") {
            set.put(
                &metrics::NODE_HWMON_SENSOR_LABEL,
                labels([("chip", chip), ("sensor", sensor), ("label", label)]),
                1.0,
            );
        }
        let plain = props.get("").and_then(|v| v.trim().parse::<f64>().ok());
        match ty {
            "beep_enable" => {
                set.put(
                    &metrics::NODE_HWMON_BEEP_ENABLED,
                    l,
                    if props.get("").map(|s| s.trim()) == Some("1") {
                        1.0
                    } else {
                        0.0
                    },
                );
                continue;
            }
            "vrm" => {
                if let Some(v) = plain {
                    set.put(&metrics::NODE_HWMON_VOLTAGE_REGULATOR_VERSION, l, v);
                }
                continue;
            }
            "update_interval" => {
                if let Some(v) = plain {
                    set.put(&metrics::NODE_HWMON_UPDATE_INTERVAL_SECONDS, l, v * 0.001);
                }
                continue;
            }
            _ => {}
        }
        for (element, raw) in props {
            if element == "label" {
                continue;
            }
            let Ok(v) = raw.trim().parse::<f64>() else {
                continue;
            };
            let mut name = format!("node_hwmon_{ty}");
            if element == "input" {
                if props.contains_key("") {
                    name.push_str("_input");
                }
            } else if !element.is_empty() {
                name.push('_');
                name.push_str(&clean_name(element));
            }
            let (name, help, value) = match (ty, element.as_str()) {
                (_, "fault" | "alarm") => {
                    (name, format!("Hardware sensor {element} status ({ty})"), v)
                }
                (_, "beep") => (
                    format!("{name}_enabled"),
                    "Hardware monitor sensor has beeping enabled".to_string(),
                    v,
                ),
                ("in" | "cpu", _) => (
                    format!("{name}_volts"),
                    format!("Hardware monitor for voltage ({element})"),
                    v * 0.001,
                ),
                ("temp", e) if e != "type" => (
                    format!("{name}_celsius"),
                    format!("Hardware monitor for temperature ({element})"),
                    v * 0.001,
                ),
                ("curr", _) => (
                    format!("{name}_amps"),
                    format!("Hardware monitor for current ({element})"),
                    v * 0.001,
                ),
                ("power", "accuracy") => (
                    name,
                    "Hardware monitor power meter accuracy, as a ratio".to_string(),
                    v / 1e6,
                ),
                ("power", "average_interval" | "average_interval_min" | "average_interval_max") => {
                    (
                        format!("{name}_seconds"),
                        format!("Hardware monitor power usage update interval ({element})"),
                        v * 0.001,
                    )
                }
                ("power", _) => (
                    format!("{name}_watt"),
                    format!("Hardware monitor for power usage in watts ({element})"),
                    v / 1e6,
                ),
                ("humidity", _) => (
                    name,
                    format!("Hardware monitor for humidity, as a ratio ({element})"),
                    v / 1e6,
                ),
                ("fan", "input" | "min" | "max" | "target") => (
                    format!("{name}_rpm"),
                    format!("Hardware monitor for fan revolutions per minute ({element})"),
                    v,
                ),
                ("energy", _) => {
                    set.counter(
                        &format!("{name}_joule_total"),
                        &format!("Hardware monitor for joules used so far ({element})"),
                        l.clone(),
                        v / 1e6,
                    );
                    continue;
                }
                _ => (name, format!("Hardware monitor {ty} element {element}"), v),
            };
            set.gauge(&name, &help, l.clone(), value);
        }
    }
}

/// `node_bonding_slaves{master}` and `node_bonding_active{master}` (slaves whose MII status is
/// `up`), from `bonding_masters`, as node_exporter's bonding collector.
fn bonding(net: &Path, set: &mut MetricSet) {
    let Some(masters) = attr(&net.join("bonding_masters")) else {
        return;
    };
    for master in masters.split_whitespace() {
        let Some(slaves) = attr(&net.join(master).join("bonding/slaves")) else {
            continue;
        };
        let slaves: Vec<&str> = slaves.split_whitespace().collect();
        let active = slaves
            .iter()
            .filter(|s| {
                attr(
                    &net.join(master)
                        .join(format!("lower_{s}/bonding_slave/mii_status")),
                )
                .or_else(|| attr(&net.join(s).join("bonding_slave/mii_status")))
                .as_deref()
                    == Some("up")
            })
            .count();
        bonding_metrics(master, slaves.len(), active, set);
    }
}

/// The two bonding gauges of one master.
pub fn bonding_metrics(master: &str, slaves: usize, active: usize, set: &mut MetricSet) {
    set.put(
        &metrics::NODE_BONDING_SLAVES,
        labels([("master", master)]),
        slaves as f64,
    );
    set.put(
        &metrics::NODE_BONDING_ACTIVE,
        labels([("master", master)]),
        active as f64,
    );
}

/// node_exporter's edac families per memory controller `mcN` and its `csrowN`s.
fn edac(mc: &Path, set: &mut MetricSet) {
    for entry in entries(mc) {
        let Some(controller) = entry.strip_prefix("mc") else {
            continue;
        };
        if controller.is_empty() || !controller.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let d = mc.join(&entry);
        let count = |p: &Path| attr(p).and_then(|s| s.trim().parse::<f64>().ok());
        let cl = labels([("controller", controller)]);
        if let Some(v) = count(&d.join("ce_count")) {
            set.put(&metrics::NODE_EDAC_CORRECTABLE_ERRORS_TOTAL, cl.clone(), v);
        }
        if let Some(v) = count(&d.join("ue_count")) {
            set.put(
                &metrics::NODE_EDAC_UNCORRECTABLE_ERRORS_TOTAL,
                cl.clone(),
                v,
            );
        }
        let mut csrows = vec![(
            "unknown".to_string(),
            d.join("ce_noinfo_count"),
            d.join("ue_noinfo_count"),
        )];
        for row in entries(&d) {
            if let Some(n) = row.strip_prefix("csrow")
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
            {
                csrows.push((
                    n.to_string(),
                    d.join(&row).join("ce_count"),
                    d.join(&row).join("ue_count"),
                ));
            }
        }
        for (row, ce, ue) in csrows {
            let l = labels([("controller", controller), ("csrow", &row)]);
            if let Some(v) = count(&ce) {
                set.put(
                    &metrics::NODE_EDAC_CSROW_CORRECTABLE_ERRORS_TOTAL,
                    l.clone(),
                    v,
                );
            }
            if let Some(v) = count(&ue) {
                set.put(&metrics::NODE_EDAC_CSROW_UNCORRECTABLE_ERRORS_TOTAL, l, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(set: &MetricSet, name: &str, l: &[(&str, &str)]) -> Option<f64> {
        set.value(name, l)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn sensor_file_names() {
        assert_eq!(
            explode_sensor_file("temp1_crit_alarm"),
            Some(("temp", 1, "crit_alarm"))
        );
        assert_eq!(
            explode_sensor_file("temp12_input"),
            Some(("temp", 12, "input"))
        );
        assert_eq!(
            explode_sensor_file("update_interval"),
            Some(("update_interval", 0, ""))
        );
        assert_eq!(explode_sensor_file("in0"), Some(("in", 0, "")));
        assert_eq!(explode_sensor_file("temp1input"), None);
        assert_eq!(clean_name("Platform coretemp.0\n"), "platform_coretemp_0");
    }

    #[test]
    fn sysfs_tree_from_fixture() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Interfaces: eth0 up with a speed, lo without one.
        write(root, "class/net/eth0/operstate", "up\n");
        write(root, "class/net/eth0/speed", "1000\n");
        write(root, "class/net/lo/operstate", "unknown\n");
        // A bond with one of two slaves up.
        write(root, "class/net/bonding_masters", "bond0\n");
        write(root, "class/net/bond0/bonding/slaves", "eth1 eth2\n");
        write(root, "class/net/bond0/operstate", "up\n");
        write(root, "class/net/eth1/bonding_slave/mii_status", "up\n");
        write(root, "class/net/eth2/bonding_slave/mii_status", "down\n");
        // A hwmon chip without a device link.
        write(root, "class/hwmon/hwmon0/name", "coretemp\n");
        write(root, "class/hwmon/hwmon0/temp1_input", "45000\n");
        write(root, "class/hwmon/hwmon0/temp1_max", "80000\n");
        write(root, "class/hwmon/hwmon0/temp1_crit_alarm", "0\n");
        write(root, "class/hwmon/hwmon0/temp1_alarm", "0\n");
        write(root, "class/hwmon/hwmon0/temp1_label", "Core 0\n");
        // An EDAC controller with one csrow.
        write(root, "devices/system/edac/mc/mc0/ce_count", "3\n");
        write(root, "devices/system/edac/mc/mc0/ue_count", "0\n");
        write(root, "devices/system/edac/mc/mc0/ce_noinfo_count", "1\n");
        write(root, "devices/system/edac/mc/mc0/csrow0/ce_count", "2\n");
        let mut s = MetricSet::new();
        collect(root, &Pattern::new("").unwrap(), &mut s);
        assert_eq!(
            value(&s, "node_network_up", &[("device", "eth0")]),
            Some(1.0)
        );
        assert_eq!(value(&s, "node_network_up", &[("device", "lo")]), Some(0.0));
        assert_eq!(
            value(&s, "node_network_speed_bytes", &[("device", "eth0")]),
            Some(125_000_000.0)
        );
        assert!(value(&s, "node_network_speed_bytes", &[("device", "lo")]).is_none());
        assert_eq!(
            value(&s, "node_bonding_slaves", &[("master", "bond0")]),
            Some(2.0)
        );
        assert_eq!(
            value(&s, "node_bonding_active", &[("master", "bond0")]),
            Some(1.0)
        );
        let t = [("chip", "coretemp"), ("sensor", "temp1")];
        assert_eq!(value(&s, "node_hwmon_temp_celsius", &t), Some(45.0));
        assert_eq!(value(&s, "node_hwmon_temp_max_celsius", &t), Some(80.0));
        assert_eq!(
            value(&s, "node_hwmon_temp_crit_alarm_celsius", &t),
            Some(0.0)
        );
        assert_eq!(value(&s, "node_hwmon_temp_alarm", &t), Some(0.0));
        assert_eq!(
            value(&s, "node_hwmon_sensor_label", &[("label", "Core 0")]),
            Some(1.0)
        );
        assert_eq!(
            value(
                &s,
                "node_edac_correctable_errors_total",
                &[("controller", "0")]
            ),
            Some(3.0)
        );
        assert_eq!(
            value(
                &s,
                "node_edac_csrow_correctable_errors_total",
                &[("controller", "0"), ("csrow", "unknown")]
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &s,
                "node_edac_csrow_correctable_errors_total",
                &[("controller", "0"), ("csrow", "0")]
            ),
            Some(2.0)
        );
        // A host without any of this hardware: the families are absent, not zero.
        let empty = tempfile::tempdir().unwrap();
        let mut s = MetricSet::new();
        collect(empty.path(), &Pattern::new("").unwrap(), &mut s);
        assert_eq!(s.sample_count(), 0);
    }
}
