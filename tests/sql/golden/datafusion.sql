-- Counts of 6 SLOs per interval, written by `slo sql --dialect datafusion`: checkout-availability, api-latency, errors, versioned, search-minutes, search-ratio.
-- Save the result as CSV or JSON Lines and read it with
-- `slo report --input-format counts FILE`: every command then gives what it gives on
-- the logs. Columns: slo, definition, time (the interval's end, UTC), exact (1: the
-- events were at `time` itself; 0: before it, within the interval), group_*, total,
-- good, bad, invalid. See docs/sql.md.
WITH
slo_rows AS (
  SELECT
    CAST(TRY_CAST("timestamp" AS TIMESTAMP) AS BIGINT) AS time_ns,
    sets.set_id,
    CASE sets.set_id WHEN 1 THEN 60000000000 WHEN 2 THEN 60000000000 WHEN 3 THEN 60000000000 WHEN 4 THEN 300000000000 END AS interval_ns,
    CASE sets.set_id WHEN 1 THEN CAST("route" AS VARCHAR) END AS group_route,
    CASE sets.set_id WHEN 3 THEN CAST("service" AS VARCHAR) END AS group_service,
    CASE sets.set_id WHEN 3 THEN CAST("method" AS VARCHAR) END AS group_method,
    -- checkout-availability
    (CAST("service" AS VARCHAR) = 'checkout') AS s1_selected,
    (CASE WHEN regexp_like(CAST("status" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("status" AS DOUBLE) END < 500) AS s1_good,
    -- api-latency
    ((starts_with(CAST("route" AS VARCHAR), '/api/')) AND (CAST("method" AS VARCHAR) IN ('GET', 'POST'))) AS s2_selected,
    (CASE WHEN regexp_like(CAST("latency_ms" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("latency_ms" AS DOUBLE) END <= 300) AS s2_good,
    -- errors
    (TRUE) AS s3_selected,
    (NOT ((CASE WHEN regexp_like(CAST("status" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("status" AS DOUBLE) END >= 500) OR (NOT (CASE lower(trim(CAST("ok" AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)) OR (CAST("method" AS VARCHAR) = ''))) AS s3_good,
    -- versioned
    ((regexp_like(CAST("route" AS VARCHAR), '^/api/v[0-9]+/')) OR ((substr(CAST("route" AS VARCHAR), length(CAST("route" AS VARCHAR)) - 7 + 1) = '/health')) OR ((strpos(CAST("route" AS VARCHAR), 'cart') > 0))) AS s4_selected,
    (((CASE WHEN regexp_like(CAST("latency_ms" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("latency_ms" AS DOUBLE) END / NULLIF(CAST(2 AS DOUBLE), 0)) < CAST(150 AS DOUBLE)) AND (CASE WHEN regexp_like(CAST("status" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("status" AS DOUBLE) END NOT IN (502, 503))) AS s4_good,
    -- search-minutes
    (CAST("service" AS VARCHAR) = 'search') AS s5_selected,
    (CASE WHEN regexp_like(CAST("latency_ms" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("latency_ms" AS DOUBLE) END < 250) AS s5_good,
    -- search-ratio
    (CAST("service" AS VARCHAR) = 'search') AS s6_selected,
    ((CASE WHEN regexp_like(CAST("status" AS VARCHAR), '^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$') THEN TRY_CAST("status" AS DOUBLE) END < 500) AND (CASE lower(trim(CAST("ok" AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END = TRUE)) AS s6_good
  FROM logs AS log_rows
  CROSS JOIN (SELECT 1 AS set_id UNION ALL SELECT 2 AS set_id UNION ALL SELECT 3 AS set_id UNION ALL SELECT 4 AS set_id) AS sets
),
slo_intervals AS (
  SELECT
    *,
    CASE WHEN (time_ns % interval_ns) = 0 THEN time_ns ELSE time_ns - (time_ns % interval_ns) + interval_ns END AS end_ns,
    CASE WHEN (time_ns % interval_ns) = 0 THEN 1 ELSE 0 END AS exact
  FROM slo_rows
),
slo_counts AS (
  SELECT
    set_id,
    end_ns,
    exact,
    group_route,
    group_service,
    group_method,
    SUM(CASE WHEN s1_selected AND s1_good IS NOT NULL THEN 1 ELSE 0 END) AS s1_total,
    SUM(CASE WHEN s1_selected AND s1_good THEN 1 ELSE 0 END) AS s1_good_events,
    SUM(CASE WHEN s1_selected AND NOT s1_good THEN 1 ELSE 0 END) AS s1_bad_events,
    SUM(CASE WHEN (s1_selected AND s1_good IS NULL) OR s1_selected IS NULL THEN 1 ELSE 0 END) AS s1_invalid,
    SUM(CASE WHEN s2_selected AND s2_good IS NOT NULL THEN 1 ELSE 0 END) AS s2_total,
    SUM(CASE WHEN s2_selected AND s2_good THEN 1 ELSE 0 END) AS s2_good_events,
    SUM(CASE WHEN s2_selected AND NOT s2_good THEN 1 ELSE 0 END) AS s2_bad_events,
    SUM(CASE WHEN (s2_selected AND s2_good IS NULL) OR s2_selected IS NULL THEN 1 ELSE 0 END) AS s2_invalid,
    SUM(CASE WHEN s3_selected AND s3_good IS NOT NULL THEN 1 ELSE 0 END) AS s3_total,
    SUM(CASE WHEN s3_selected AND s3_good THEN 1 ELSE 0 END) AS s3_good_events,
    SUM(CASE WHEN s3_selected AND NOT s3_good THEN 1 ELSE 0 END) AS s3_bad_events,
    SUM(CASE WHEN (s3_selected AND s3_good IS NULL) OR s3_selected IS NULL THEN 1 ELSE 0 END) AS s3_invalid,
    SUM(CASE WHEN s4_selected AND s4_good IS NOT NULL THEN 1 ELSE 0 END) AS s4_total,
    SUM(CASE WHEN s4_selected AND s4_good THEN 1 ELSE 0 END) AS s4_good_events,
    SUM(CASE WHEN s4_selected AND NOT s4_good THEN 1 ELSE 0 END) AS s4_bad_events,
    SUM(CASE WHEN (s4_selected AND s4_good IS NULL) OR s4_selected IS NULL THEN 1 ELSE 0 END) AS s4_invalid,
    SUM(CASE WHEN s5_selected AND s5_good IS NOT NULL THEN 1 ELSE 0 END) AS s5_total,
    SUM(CASE WHEN s5_selected AND s5_good THEN 1 ELSE 0 END) AS s5_good_events,
    SUM(CASE WHEN s5_selected AND NOT s5_good THEN 1 ELSE 0 END) AS s5_bad_events,
    SUM(CASE WHEN (s5_selected AND s5_good IS NULL) OR s5_selected IS NULL THEN 1 ELSE 0 END) AS s5_invalid,
    SUM(CASE WHEN s6_selected AND s6_good IS NOT NULL THEN 1 ELSE 0 END) AS s6_total,
    SUM(CASE WHEN s6_selected AND s6_good THEN 1 ELSE 0 END) AS s6_good_events,
    SUM(CASE WHEN s6_selected AND NOT s6_good THEN 1 ELSE 0 END) AS s6_bad_events,
    SUM(CASE WHEN (s6_selected AND s6_good IS NULL) OR s6_selected IS NULL THEN 1 ELSE 0 END) AS s6_invalid
  FROM slo_intervals
  GROUP BY set_id, end_ns, exact, group_route, group_service, group_method
),
slo_records AS (
  SELECT
    slos.slo,
    slos.definition,
    end_ns,
    exact,
    group_route,
    group_service,
    group_method,
    CASE slos.slo WHEN 'checkout-availability' THEN s1_total WHEN 'api-latency' THEN s2_total WHEN 'errors' THEN s3_total WHEN 'versioned' THEN s4_total WHEN 'search-minutes' THEN s5_total WHEN 'search-ratio' THEN s6_total END AS total,
    CASE slos.slo WHEN 'checkout-availability' THEN s1_good_events WHEN 'api-latency' THEN s2_good_events WHEN 'errors' THEN s3_good_events WHEN 'versioned' THEN s4_good_events WHEN 'search-minutes' THEN s5_good_events WHEN 'search-ratio' THEN s6_good_events END AS good,
    CASE slos.slo WHEN 'checkout-availability' THEN s1_bad_events WHEN 'api-latency' THEN s2_bad_events WHEN 'errors' THEN s3_bad_events WHEN 'versioned' THEN s4_bad_events WHEN 'search-minutes' THEN s5_bad_events WHEN 'search-ratio' THEN s6_bad_events END AS bad,
    CASE slos.slo WHEN 'checkout-availability' THEN s1_invalid WHEN 'api-latency' THEN s2_invalid WHEN 'errors' THEN s3_invalid WHEN 'versioned' THEN s4_invalid WHEN 'search-minutes' THEN s5_invalid WHEN 'search-ratio' THEN s6_invalid END AS invalid
  FROM slo_counts
  CROSS JOIN (
    SELECT 'checkout-availability' AS slo, '6c55b13a' AS definition, 1 AS set_id
    UNION ALL SELECT 'api-latency', 'ab56804c', 2
    UNION ALL SELECT 'errors', '62eaf676', 3
    UNION ALL SELECT 'versioned', 'bc92ee3d', 2
    UNION ALL SELECT 'search-minutes', 'cafdabca', 4
    UNION ALL SELECT 'search-ratio', 'b428c39d', 2
  ) AS slos
  WHERE slo_counts.set_id = slos.set_id
)
SELECT
  slo,
  definition,
  to_char(to_timestamp_seconds((end_ns / 1000000000)), '%Y-%m-%dT%H:%M:%SZ') AS time,
  exact,
  group_route,
  group_service,
  group_method,
  total,
  good,
  bad,
  invalid
FROM slo_records
WHERE total + invalid > 0
