-- Counts of 2 SLOs per interval, written by `slo sql --dialect bigquery`: shop-availability, shop-latency.
-- Save the result as CSV or JSON Lines and read it with
-- `slo report --input-format counts FILE`: every command then gives what it gives on
-- the logs. Columns: slo, definition, time (the interval's end, UTC), exact (1: the
-- events were at `time` itself; 0: before it, within the interval), group_*, total,
-- good, bad, invalid. See docs/sql.md.
-- Note: times are read to the microsecond.
WITH
slo_rows AS (
  SELECT
    UNIX_MICROS(SAFE.PARSE_TIMESTAMP('%d/%b/%Y:%H:%M:%S %z', CAST(`time_local` AS STRING))) * 1000 AS time_ns,
    sets.set_id,
    CASE sets.set_id WHEN 1 THEN 60000000000 WHEN 2 THEN 60000000000 END AS interval_ns,
    CASE sets.set_id WHEN 1 THEN CAST(http_host AS STRING) END AS group_host,
    -- shop-availability
    ((STARTS_WITH(CAST(url_path AS STRING), '/api/')) AND (CAST(`request_method` AS STRING) <> 'OPTIONS')) AS s1_selected,
    (CASE WHEN REGEXP_CONTAINS(CAST(status_code AS STRING), '^[ \\t\\r\\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \\t\\r\\n]*$') THEN SAFE_CAST(status_code AS FLOAT64) END < 500) AS s1_good,
    -- shop-latency
    (STARTS_WITH(CAST(url_path AS STRING), '/api/')) AS s2_selected,
    ((CASE WHEN REGEXP_CONTAINS(CAST(`request_time` AS STRING), '^[ \\t\\r\\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \\t\\r\\n]*$') THEN SAFE_CAST(`request_time` AS FLOAT64) END * 1000000000) <= CAST(300000000 AS FLOAT64)) AS s2_good
  FROM logs AS log_rows
  CROSS JOIN (SELECT 1 AS set_id UNION ALL SELECT 2 AS set_id) AS sets
),
slo_intervals AS (
  SELECT
    *,
    CASE WHEN MOD(time_ns, interval_ns) = 0 THEN time_ns ELSE time_ns - MOD(time_ns, interval_ns) + interval_ns END AS end_ns,
    CASE WHEN MOD(time_ns, interval_ns) = 0 THEN 1 ELSE 0 END AS exact
  FROM slo_rows
),
slo_counts AS (
  SELECT
    set_id,
    end_ns,
    exact,
    group_host,
    SUM(CASE WHEN s1_selected AND s1_good IS NOT NULL THEN 1 ELSE 0 END) AS s1_total,
    SUM(CASE WHEN s1_selected AND s1_good THEN 1 ELSE 0 END) AS s1_good_events,
    SUM(CASE WHEN s1_selected AND NOT s1_good THEN 1 ELSE 0 END) AS s1_bad_events,
    SUM(CASE WHEN (s1_selected AND s1_good IS NULL) OR s1_selected IS NULL THEN 1 ELSE 0 END) AS s1_invalid,
    SUM(CASE WHEN s2_selected AND s2_good IS NOT NULL THEN 1 ELSE 0 END) AS s2_total,
    SUM(CASE WHEN s2_selected AND s2_good THEN 1 ELSE 0 END) AS s2_good_events,
    SUM(CASE WHEN s2_selected AND NOT s2_good THEN 1 ELSE 0 END) AS s2_bad_events,
    SUM(CASE WHEN (s2_selected AND s2_good IS NULL) OR s2_selected IS NULL THEN 1 ELSE 0 END) AS s2_invalid
  FROM slo_intervals
  GROUP BY set_id, end_ns, exact, group_host
),
slo_records AS (
  SELECT
    slos.slo,
    slos.definition,
    end_ns,
    exact,
    group_host,
    CASE slos.slo WHEN 'shop-availability' THEN s1_total WHEN 'shop-latency' THEN s2_total END AS total,
    CASE slos.slo WHEN 'shop-availability' THEN s1_good_events WHEN 'shop-latency' THEN s2_good_events END AS good,
    CASE slos.slo WHEN 'shop-availability' THEN s1_bad_events WHEN 'shop-latency' THEN s2_bad_events END AS bad,
    CASE slos.slo WHEN 'shop-availability' THEN s1_invalid WHEN 'shop-latency' THEN s2_invalid END AS invalid
  FROM slo_counts
  CROSS JOIN (
    SELECT 'shop-availability' AS slo, '3cf4c3c4' AS definition, 1 AS set_id
    UNION ALL SELECT 'shop-latency', '9dc66d40', 2
  ) AS slos
  WHERE slo_counts.set_id = slos.set_id
)
SELECT
  slo,
  definition,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', TIMESTAMP_SECONDS(DIV(end_ns, 1000000000)), 'UTC') AS time,
  exact,
  group_host,
  total,
  good,
  bad,
  invalid
FROM slo_records
WHERE total + invalid > 0
