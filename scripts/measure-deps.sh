#!/bin/bash
# Times 100 /probe scrapes of the local PostgreSQL and Redis targets (curl loop and wrk) and
# the exporter CPU per scrape; figures recorded in docs/postgres.md and docs/redis.md.
# usage: scripts/measure-deps.sh target/release/nexo-exporter
BIN=$1
P=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > /tmp/deps_m.yml <<'Y'
host:
  enabled: false
docker:
  enabled: false
rabbitmq: []
services: []
postgres:
  - name: main
redis:
  - name: cache
Y
$BIN --config.file /tmp/deps_m.yml --web.listen-address 127.0.0.1:$P >/tmp/deps_m.log 2>&1 &
EP=$!
sleep 1
tck=$(getconf CLK_TCK)
for t in main cache; do
  curl -s "localhost:$P/probe?target=$t" >/dev/null  # connect once
  bytes=$(curl -s "localhost:$P/probe?target=$t" | wc -c)
  series=$(curl -s "localhost:$P/probe?target=$t" | grep -vc '^#')
  cpu0=$(awk '{print $14+$15}' /proc/$EP/stat)
  for i in $(seq 100); do curl -s -o /dev/null -w "%{time_total}\n" "localhost:$P/probe?target=$t"; done | sort -n > /tmp/deps_m_$t
  cpu1=$(awk '{print $14+$15}' /proc/$EP/stat)
  med=$(sed -n 50p /tmp/deps_m_$t); p95=$(sed -n 95p /tmp/deps_m_$t); max=$(tail -1 /tmp/deps_m_$t)
  tot=$(awk '{s+=$1} END {print s}' /tmp/deps_m_$t)
  dur=$(curl -s "localhost:$P/probe?target=$t" | grep '^nexo_exporter_probe_duration_seconds' | awk '{print $2}')
  echo "target=$t bytes=$bytes samples=$series curl100_total_s=$tot median_s=$med p95_s=$p95 max_s=$max exporter_cpu_ms_per_scrape=$(( (cpu1-cpu0)*1000/tck/100 )) (ticks $((cpu1-cpu0))) probe_duration_s=$dur"
  wrk -t1 -c1 -d5s "http://127.0.0.1:$P/probe?target=$t" | grep -E "Requests/sec|Latency"
done
echo "exporter connections: pg=$(psql -h 127.0.0.1 -U postgres -Atc "select count(*) from pg_stat_activity where application_name='nexo-exporter' and client_port is not null") redis=$(redis-cli client list | grep -c 'name=nexo-exporter ')"
echo "RSS kB: $(grep VmRSS /proc/$EP/status)"
kill $EP
