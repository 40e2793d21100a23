-- Counts of 6 SLOs (checkout-availability, api-latency, errors, versioned, search-minutes, search-ratio) per interval, written by `slo sql --dialect datafusion`.
-- Save the result as CSV or JSON Lines and read it with
-- `slo report --input-format counts FILE`: every command then gives what it gives on
-- the logs. Columns: slo, definition, time (the interval's end, UTC), exact (1: the
-- events were at `time` itself; 0: before it, within the interval), group_*, total,
-- good, bad, invalid. See docs/sql.md.
WITH
slo_events AS (
  SELECT
    slos.slo,
    slos.definition,
    slos.interval_ns,
    CAST(TRY_CAST("timestamp" AS TIMESTAMP) AS BIGINT) AS time_ns,
    CASE slos.slo
      WHEN 'checkout-availability' THEN (CAST("service" AS VARCHAR) = 'checkout')
      WHEN 'api-latency' THEN ((starts_with(CAST("route" AS VARCHAR), '/api/')) AND (CAST("method" AS VARCHAR) IN ('GET', 'POST')))
      WHEN 'errors' THEN (TRUE)
      WHEN 'versioned' THEN ((regexp_like(CAST("route" AS VARCHAR), '^/api/v[0-9]+/')) OR ((substr(CAST("route" AS VARCHAR), length(CAST("route" AS VARCHAR)) - 7 + 1) = '/health')) OR ((strpos(CAST("route" AS VARCHAR), 'cart') > 0)))
      WHEN 'search-minutes' THEN (CAST("service" AS VARCHAR) = 'search')
      WHEN 'search-ratio' THEN (CAST("service" AS VARCHAR) = 'search')
    END AS is_selected,
    CASE slos.slo
      WHEN 'checkout-availability' THEN (TRY_CAST("status" AS DOUBLE) < 500)
      WHEN 'api-latency' THEN (TRY_CAST("latency_ms" AS DOUBLE) <= 300)
      WHEN 'errors' THEN (NOT ((TRY_CAST("status" AS DOUBLE) >= 500) OR (NOT (CASE lower(trim(CAST("ok" AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)) OR (CAST("method" AS VARCHAR) = '')))
      WHEN 'versioned' THEN (((TRY_CAST("latency_ms" AS DOUBLE) / NULLIF(CAST(2 AS DOUBLE), 0)) < CAST(150 AS DOUBLE)) AND (TRY_CAST("status" AS DOUBLE) NOT IN (502, 503)))
      WHEN 'search-minutes' THEN (TRY_CAST("latency_ms" AS DOUBLE) < 250)
      WHEN 'search-ratio' THEN ((TRY_CAST("status" AS DOUBLE) < 500) AND (CASE lower(trim(CAST("ok" AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END = TRUE))
    END AS is_good,
    CASE slos.slo
      WHEN 'checkout-availability' THEN CAST("route" AS VARCHAR)
    END AS group_route,
    CASE slos.slo
      WHEN 'errors' THEN CAST("service" AS VARCHAR)
    END AS group_service,
    CASE slos.slo
      WHEN 'errors' THEN CAST("method" AS VARCHAR)
    END AS group_method
  FROM logs AS log_rows
  CROSS JOIN (
    SELECT 'checkout-availability' AS slo, '4c2b482f' AS definition, 60000000000 AS interval_ns
    UNION ALL SELECT 'api-latency', '10a7a555', 60000000000
    UNION ALL SELECT 'errors', '0b22c6a2', 60000000000
    UNION ALL SELECT 'versioned', '1e5a2b31', 60000000000
    UNION ALL SELECT 'search-minutes', '16d7371f', 300000000000
    UNION ALL SELECT 'search-ratio', 'ec2ad03f', 60000000000
  ) AS slos
),
slo_intervals AS (
  SELECT
    *,
    CASE WHEN (time_ns % interval_ns) = 0 THEN time_ns ELSE time_ns - (time_ns % interval_ns) + interval_ns END AS end_ns,
    CASE WHEN (time_ns % interval_ns) = 0 THEN 1 ELSE 0 END AS exact
  FROM slo_events
  WHERE is_selected OR is_selected IS NULL
)
SELECT
  slo,
  definition,
  to_char(to_timestamp_seconds((end_ns / 1000000000)), '%Y-%m-%dT%H:%M:%SZ') AS time,
  exact,
  group_route,
  group_service,
  group_method,
  SUM(CASE WHEN is_selected AND is_good IS NOT NULL THEN 1 ELSE 0 END) AS total,
  SUM(CASE WHEN is_selected AND is_good THEN 1 ELSE 0 END) AS good,
  SUM(CASE WHEN is_selected AND NOT is_good THEN 1 ELSE 0 END) AS bad,
  SUM(CASE WHEN is_selected AND is_good IS NOT NULL THEN 0 ELSE 1 END) AS invalid
FROM slo_intervals
GROUP BY slo, definition, end_ns, exact, group_route, group_service, group_method
