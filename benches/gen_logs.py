#!/usr/bin/env python3
"""Deterministic generator of realistic HTTP request logs for `slo`.

Python 3.11+, standard library only.  The same --seed (and the same
--rows/--start/--days/--incident options) always produces byte-identical
output, whatever --format is chosen: CSV and JSON Lines written from the same
options hold the same requests in the same order.

Columns (CSV header / JSON keys, in this order):

  timestamp   RFC 3339 UTC with milliseconds, e.g. 2026-09-01T00:00:00.123Z;
              non-decreasing (several requests can share a millisecond)
  service     checkout, cart, catalog, search, auth, payments
  route       route template, e.g. /api/cart, /api/catalog/items/{id}
  method      GET, POST, PUT, DELETE
  status      HTTP status code (integer)
  latency_ms  integer milliseconds (log-normal per route, long tail)
  bytes       response size in bytes (integer)
  user_agent  free text; some values contain commas and double quotes
  region      eu-west-1, us-east-1, ap-southeast-2

CSV follows RFC 4180 quoting (fields containing ',' or '"' are quoted and
embedded quotes doubled) but uses '\\n' line endings.  JSON Lines has one
compact object per line with the same keys (status, latency_ms and bytes as
numbers) plus a nested copy "http": {"status": ..., "method": ...}.

The same requests can also be written as an nginx access log in the default
`combined` format (--format nginx, PATH.log):

  $remote_addr - $remote_user [$time_local] "$request" $status
  $body_bytes_sent "$http_referer" "$http_user_agent"

route -> the request path ({id} becomes a number; /api/search GETs get a
query string), method -> the request method, status, bytes -> body bytes
sent, user_agent (nginx-escaped: '"' as \\x22), timestamp -> $time_local
to the second, [%d/%b/%Y:%H:%M:%S +0000].  The client address, the protocol
and the referer are derived from the row number, so no random draw is added
and the requests stay those of the CSV.  --format nginx-timed (PATH.timed.log)
appends ` $request_time`, the latency in seconds with millisecond resolution,
as nginx writes it.  --format takes a comma-separated list (csv,nginx).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import gzip
import io
import json
import math
import random
import re
import sys
import time
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

MS_PER_MIN = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000

# --------------------------------------------------------------------------
# Traffic model
# --------------------------------------------------------------------------

# region -> (traffic share, UTC offset in hours used for its diurnal curve,
#            latency multiplier)
REGIONS = [
    ("us-east-1", 0.52, -4, 1.00),
    ("eu-west-1", 0.33, +1, 1.00),
    ("ap-southeast-2", 0.15, +10, 1.12),
]

# service -> (traffic share, baseline 5xx rate)
SERVICES = {
    "catalog": (0.28, 0.0010),
    "search": (0.22, 0.0015),
    "cart": (0.18, 0.0008),
    "checkout": (0.12, 0.0002),
    "auth": (0.12, 0.0006),
    "payments": (0.08, 0.0010),
}

# Default 4xx mix: status -> weight
_4XX_DEFAULT = {400: 0.30, 401: 0.25, 404: 0.35, 429: 0.10}


@dataclass
class Route:
    service: str
    path: str
    share: float  # share within the service
    methods: dict[str, float]  # method -> weight
    median_ms: float
    sigma: float  # log-normal sigma
    tail_p: float  # probability of a slow outlier (x2 .. x8)
    bytes_median: int
    p4xx: float
    mix4xx: dict[int, float] = field(default_factory=lambda: dict(_4XX_DEFAULT))
    p304: float = 0.0  # share of GET successes answered 304 Not Modified
    creates: bool = False  # POST answers 201 Created


ROUTES = [
    # cart
    Route("cart", "/api/cart", 0.55, {"GET": 0.93, "DELETE": 0.07},
          72, 0.50, 0.005, 1500, 0.010, {401: 0.6, 404: 0.2, 429: 0.2}),
    Route("cart", "/api/cart/items", 0.45, {"POST": 0.62, "PUT": 0.16, "DELETE": 0.22},
          95, 0.45, 0.008, 900, 0.030, {400: 0.45, 401: 0.15, 404: 0.35, 429: 0.05},
          creates=True),
    # checkout
    Route("checkout", "/api/checkout", 0.45, {"GET": 0.55, "POST": 0.45},
          120, 0.45, 0.008, 2100, 0.015),
    Route("checkout", "/api/checkout/shipping-options", 0.20, {"GET": 1.0},
          85, 0.40, 0.006, 1200, 0.008),
    Route("checkout", "/api/checkout/confirm", 0.35, {"POST": 1.0},
          230, 0.45, 0.012, 700, 0.025, {400: 0.55, 401: 0.20, 404: 0.05, 429: 0.20},
          creates=True),
    # catalog
    Route("catalog", "/api/catalog/items", 0.45, {"GET": 0.97, "POST": 0.02, "PUT": 0.01},
          48, 0.55, 0.010, 8200, 0.008, p304=0.12, creates=True),
    Route("catalog", "/api/catalog/items/{id}", 0.40, {"GET": 0.98, "PUT": 0.015, "DELETE": 0.005},
          35, 0.50, 0.008, 3100, 0.045, {400: 0.05, 401: 0.05, 404: 0.85, 429: 0.05},
          p304=0.18),
    Route("catalog", "/api/catalog/categories", 0.15, {"GET": 1.0},
          22, 0.40, 0.005, 4200, 0.003, p304=0.35),
    # search
    Route("search", "/api/search", 0.70, {"GET": 0.96, "POST": 0.04},
          140, 0.60, 0.015, 12500, 0.020, {400: 0.55, 401: 0.05, 404: 0.05, 429: 0.35}),
    Route("search", "/api/search/suggest", 0.30, {"GET": 1.0},
          30, 0.45, 0.008, 650, 0.012, {400: 0.40, 401: 0.05, 404: 0.05, 429: 0.50}),
    # auth
    Route("auth", "/api/auth/login", 0.40, {"POST": 1.0},
          185, 0.30, 0.006, 450, 0.080, {400: 0.15, 401: 0.75, 404: 0.0, 429: 0.10}),
    Route("auth", "/api/auth/refresh", 0.45, {"POST": 1.0},
          26, 0.40, 0.005, 400, 0.030, {400: 0.10, 401: 0.85, 404: 0.0, 429: 0.05}),
    Route("auth", "/api/auth/logout", 0.15, {"POST": 0.8, "DELETE": 0.2},
          15, 0.40, 0.004, 0, 0.010, {400: 0.2, 401: 0.8}),
    # payments
    Route("payments", "/api/payments/charge", 0.55, {"POST": 1.0},
          250, 0.50, 0.015, 620, 0.040, {400: 0.55, 401: 0.10, 404: 0.05, 429: 0.30},
          creates=True),
    Route("payments", "/api/payments/methods", 0.38, {"GET": 0.80, "POST": 0.15, "DELETE": 0.05},
          60, 0.45, 0.008, 1100, 0.015, creates=True),
    Route("payments", "/api/payments/refund", 0.07, {"POST": 1.0},
          310, 0.50, 0.015, 540, 0.030, {400: 0.6, 401: 0.1, 404: 0.3},
          creates=True),
]

USER_AGENTS = [
    # (weight, user agent); API traffic is mostly the mobile apps
    (0.14, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
           "(KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36"),
    (0.10, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
           "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1"),
    (0.04, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
           "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
    (0.03, "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"),
    (0.26, "ShopApp/4.12.1 (Android 14; Pixel 8) okhttp/4.12.0"),
    (0.24, 'ShopApp/4.12.0 (iOS 17.6; "iPhone 15 Pro", build 2291)'),
    (0.08, "Go-http-client/2.0"),
    (0.04, "python-requests/2.32.3"),
    (0.02, "curl/8.9.1"),
    (0.03, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    (0.02, 'partner-feed/1.3 (contact "ops@partner.example"; rate=10/s)'),
]

SUCCESS_2XX_BY_METHOD = {"GET": 200, "PUT": 200, "DELETE": 204}

# 5xx mixes: baseline vs. during an incident
MIX5XX_BASE = {500: 0.50, 502: 0.20, 503: 0.15, 504: 0.15}
MIX5XX_INCIDENT = {500: 0.10, 502: 0.25, 503: 0.40, 504: 0.25}

# --------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------


@dataclass
class Incident:
    name: str
    service: str
    at: str  # fraction of the period ("0.70") or RFC 3339 timestamp
    duration_ms: int
    errors: float = 0.0  # plateau 5xx rate (0..1) for the service
    latency: float = 1.0  # latency multiplier at the plateau
    route: str | None = None  # latency multiplier only on this route (else all routes)
    scope: str = "service"  # "service" or "route": where `errors` applies
    # resolved later
    start_ms: int = 0
    end_ms: int = 0
    intensity: list[float] = field(default_factory=list)  # per minute, 0..1


DEFAULT_INCIDENTS = [
    "name=checkout-outage,service=checkout,at=0.705,duration=45m,errors=0.50,"
    "route=/api/checkout/confirm,latency=3",
    "name=cart-latency,service=cart,at=0.86,duration=2h,route=/api/cart,latency=3",
    "name=payments-blip,service=payments,at=0.42,duration=20m,errors=0.30,"
    "route=/api/payments/charge,latency=2",
]

_DUR_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> int:
    m = _DUR_RE.match(text.strip())
    if not m or not any(m.groups()):
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (use e.g. 45m, 2h, 1h30m, 90s)")
    d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * MS_PER_MIN + s * 1000


def parse_rfc3339(text: str) -> int:
    """RFC 3339 timestamp -> Unix epoch milliseconds (UTC)."""
    m = re.match(
        r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
        r"(Z|z|[+-]\d{2}:\d{2})$",
        text.strip(),
    )
    if not m:
        raise argparse.ArgumentTypeError(f"bad RFC 3339 timestamp {text!r}")
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = m.group(7) or ""
    ms = int((frac + "000")[:3]) if frac else 0
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    tz = m.group(8)
    if tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        secs -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    return secs * 1000 + ms


def fmt_ms(epoch_ms: int) -> str:
    secs, ms = divmod(epoch_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"


def fmt_duration(ms: int) -> str:
    s = ms // 1000
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return out or "0s"


def parse_incident(spec: str) -> Incident:
    kv: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise argparse.ArgumentTypeError(f"incident part {part!r} is not key=value")
        k, v = part.split("=", 1)
        kv[k.strip()] = v.strip()
    unknown = set(kv) - {"name", "service", "at", "duration", "errors", "latency", "route", "scope"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown incident keys: {sorted(unknown)}")
    for req in ("service", "at", "duration"):
        if req not in kv:
            raise argparse.ArgumentTypeError(f"incident {spec!r} lacks {req}=")
    if kv["service"] not in SERVICES:
        raise argparse.ArgumentTypeError(f"unknown service {kv['service']!r}")
    inc = Incident(
        name=kv.get("name", f"{kv['service']}-incident"),
        service=kv["service"],
        at=kv["at"],
        duration_ms=parse_duration(kv["duration"]),
        errors=float(kv.get("errors", 0.0)),
        latency=float(kv.get("latency", 1.0)),
        route=kv.get("route"),
        scope=kv.get("scope", "service"),
    )
    if not 0.0 <= inc.errors <= 1.0:
        raise argparse.ArgumentTypeError("errors= must be within 0..1")
    if inc.latency <= 0:
        raise argparse.ArgumentTypeError("latency= must be > 0")
    if inc.scope not in ("service", "route"):
        raise argparse.ArgumentTypeError("scope= must be service or route")
    if inc.scope == "route" and not inc.route:
        raise argparse.ArgumentTypeError("scope=route needs route=")
    if inc.route and not any(r.service == inc.service and r.path == inc.route for r in ROUTES):
        raise argparse.ArgumentTypeError(f"service {inc.service} has no route {inc.route!r}")
    return inc


def resolve_incidents(incs: list[Incident], start_ms: int, period_ms: int,
                      rng: random.Random) -> None:
    """Fix absolute times and a per-minute intensity profile (ramp up, noisy
    plateau, ramp down) for every incident.  Uses its own RNG stream."""
    for inc in incs:
        try:
            frac = float(inc.at)
        except ValueError:
            begin = parse_rfc3339(inc.at)
        else:
            if not 0.0 <= frac <= 1.0:
                raise SystemExit(f"incident {inc.name}: at= fraction must be within 0..1")
            begin = start_ms + int(frac * period_ms)
            begin -= begin % MS_PER_MIN  # whole minutes
        inc.start_ms = begin
        inc.end_ms = begin + inc.duration_ms
        minutes = max(1, -(-inc.duration_ms // MS_PER_MIN))
        ramp_up = max(1, round(minutes * 0.10))
        ramp_down = max(1, round(minutes * 0.15))
        prof = []
        for i in range(minutes):
            level = min(1.0, (i + 1) / ramp_up, (minutes - i) / ramp_down)
            # +-20 % minute-to-minute wobble, e.g. errors=0.50 -> 0.40..0.60
            prof.append(level * (0.8 + 0.4 * rng.random()))
        inc.intensity = prof


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


def diurnal(local_hour: float) -> float:
    """Activity 0.08 .. 1.0: trough ~04:00 local, peak ~16:00 local."""
    x = (1.0 - math.cos(2 * math.pi * (local_hour - 4.0) / 24.0)) / 2.0
    return 0.08 + 0.92 * x ** 1.6


def weekday_factor(epoch_ms: int) -> float:
    wd = time.gmtime(epoch_ms // 1000).tm_wday  # Mon=0
    return 0.85 if wd >= 5 else 1.0


def build_endpoints():
    """Flatten (service, route, method) into one weighted list."""
    eps = []
    weights = []
    for ri, r in enumerate(ROUTES):
        svc_share = SERVICES[r.service][0]
        total_m = sum(r.methods.values())
        for method, mw in r.methods.items():
            w = svc_share * r.share * mw / total_m
            if w <= 0:
                continue
            if method == "POST":
                ok = 201 if r.creates else 200
            else:
                ok = SUCCESS_2XX_BY_METHOD[method]
            p304 = r.p304 if method == "GET" else 0.0
            mix = [(s, w4) for s, w4 in r.mix4xx.items() if w4 > 0]
            codes4 = [s for s, _ in mix]
            cum4 = list(accumulate(w4 for _, w4 in mix))
            eps.append({
                "route_idx": ri,
                "service": r.service,
                "route": r.path,
                "method": method,
                "p5xx": SERVICES[r.service][1],
                "p4xx": r.p4xx,
                "p304": p304,
                "ok": ok,
                "codes4": codes4,
                "cum4": cum4,
                "tot4": cum4[-1],
                "mu": math.log(r.median_ms),
                "sigma": r.sigma,
                "tail_p": r.tail_p,
                "bytes_mu": math.log(r.bytes_median) if r.bytes_median > 0 else None,
            })
            weights.append(w)
    return eps, list(accumulate(weights))


def csv_quote(value: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([value])
    return buf.getvalue()


HEADER = ["timestamp", "service", "route", "method", "status", "latency_ms", "bytes",
          "user_agent", "region"]


FORMATS = ("csv", "jsonl", "nginx", "nginx-timed")

# Where each format goes: PATH + this (+ ".gz").
EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "nginx": ".log", "nginx-timed": ".timed.log"}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Search terms for the query string of /api/search in the nginx log (by row number).
SEARCH_TERMS = ("red+shoes", "boots", "rain+jacket", "caf%C3%A9", "usb-c+cable", "desk+lamp")


def parse_formats(text: str) -> list[str]:
    """`csv`, `both` (csv and jsonl) or a comma-separated list of FORMATS."""
    names = []
    for part in text.split(","):
        part = part.strip()
        for name in (("csv", "jsonl") if part == "both" else (part,)):
            if name not in FORMATS:
                raise argparse.ArgumentTypeError(
                    f"unknown format {name!r} (use both or a list of {', '.join(FORMATS)})")
            if name not in names:
                names.append(name)
    return names


def nginx_escape(text: str) -> str:
    """nginx's default escaping in log lines: '"', '\\', control bytes and bytes >= 0x7f as \\xHH."""
    out = []
    for c in text.encode("utf-8"):
        out.append(f"\\x{c:02X}" if c in (0x22, 0x5C) or c < 0x20 or c >= 0x7F else chr(c))
    return "".join(out)


def nginx_request_target(route: str, method: str, n: int) -> str:
    """The request path (and query) nginx logs for a route template, from the row number."""
    path = route.replace("{id}", str(1000 + (n * 7919) % 90000))
    if route == "/api/search" and method == "GET":
        path += f"?q={SEARCH_TERMS[n % len(SEARCH_TERMS)]}&page={1 + n % 3}"
    return path


def nginx_client(region: int, n: int) -> str:
    """A client address for row `n`: a stable, made-up public address per region."""
    first = (23, 81, 49)[region]
    return f"{first}.{(n * 131) % 250 + 1}.{(n * 7) % 256}.{(n * 29) % 253 + 1}"


def open_out(path: str, use_gzip: bool):
    if use_gzip:
        raw = open(path + ".gz", "wb")
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        return io.TextIOWrapper(gz, encoding="utf-8", newline="", write_through=False), raw
    return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20), None


def generate(args, incidents: list[Incident]) -> dict:
    rng = random.Random(args.seed)
    start_ms = args.start_ms
    period_ms = args.period_ms
    n_rows = args.rows

    eps, ep_cum = build_endpoints()
    n_eps = len(eps)
    ep_idx = range(n_eps)

    # Precomputed output fragments per endpoint.
    for e in eps:
        e["csv"] = f"{e['service']},{e['route']},{e['method']}"
        e["json"] = (f'"service":{json.dumps(e["service"])},"route":{json.dumps(e["route"])},'
                     f'"method":{json.dumps(e["method"])}')
        e["http_m"] = f',"method":{json.dumps(e["method"])}}}'
        # crawlers only fetch public GET pages; elsewhere they become Chrome
        e["bot_ok"] = e["method"] == "GET" and e["service"] in ("catalog", "search")

    ua_cum = list(accumulate(w for w, _ in USER_AGENTS))
    ua_idx = range(len(USER_AGENTS))
    ua_bot = next(i for i, (_, ua) in enumerate(USER_AGENTS) if "Googlebot" in ua)
    ua_csv = [csv_quote(ua) for _, ua in USER_AGENTS]
    ua_json = [json.dumps(ua, ensure_ascii=False, separators=(",", ":")) for _, ua in USER_AGENTS]
    reg_names = [r[0] for r in REGIONS]
    reg_lat = [r[3] for r in REGIONS]
    reg_idx = range(len(REGIONS))

    codes5_base = list(MIX5XX_BASE)
    cum5_base = list(accumulate(MIX5XX_BASE.values()))
    codes5_inc = list(MIX5XX_INCIDENT)
    cum5_inc = list(accumulate(MIX5XX_INCIDENT.values()))

    # Millisecond-of-minute suffix table: "SS.mmmZ".
    sec_tab = [f"{s // 1000:02d}.{s % 1000:03d}Z" for s in range(MS_PER_MIN)]
    # The nginx log's pieces: "[dd/Mon/yyyy:HH:MM:SS +0000]" per second (cached per minute),
    # user agents escaped as nginx escapes them.
    ua_nginx = [nginx_escape(ua) for _, ua in USER_AGENTS]
    referers = ('"-"', '"-"', '"-"', '"https://shop.example.com/"', '"-"', '"https://shop.example.com/cart"')

    # ---- per-hour slot weights (diurnal x weekday x noise) -> exact counts
    n_slots = -(-period_ms // MS_PER_HOUR)
    slot_w = []
    slot_reg_cum = []
    slot_load = []
    for si in range(n_slots):
        s0 = start_ms + si * MS_PER_HOUR
        slen = min(MS_PER_HOUR, start_ms + period_ms - s0)
        mid = s0 + slen / 2
        utc_hour = (mid % MS_PER_DAY) / MS_PER_HOUR
        reg_w = [share * diurnal((utc_hour + off) % 24) for _, share, off, _ in REGIONS]
        tot = sum(reg_w)
        noise = math.exp(rng.gauss(0.0, 0.15))
        slot_w.append(tot * weekday_factor(int(mid)) * noise * slen / MS_PER_HOUR)
        slot_reg_cum.append(list(accumulate(reg_w)))
        slot_load.append(tot)
    max_load = max(slot_load) if slot_load else 1.0
    wsum = sum(slot_w) or 1.0
    counts = []
    acc = 0.0
    prev = 0
    for w in slot_w:
        acc += w
        cur = int(math.floor(acc / wsum * n_rows + 0.5))
        counts.append(cur - prev)
        prev = cur
    counts[-1] += n_rows - prev  # float safety

    # ---- outputs
    outs = {}
    closers = []
    for name in args.format:
        f, raw = open_out(args.out + EXTENSIONS[name], args.gzip)
        if name == "csv":
            f.write(",".join(HEADER) + "\n")
        outs[name] = f
        closers.append((f, raw))
    want_csv = "csv" in outs
    want_json = "jsonl" in outs
    want_nginx = "nginx" in outs or "nginx-timed" in outs
    want_timed = "nginx-timed" in outs

    rand = rng.random
    gauss = rng.gauss
    choices = rng.choices
    exp = math.exp

    min_cache_key = -1
    min_prefix = ""
    written = 0
    last_ts = ""
    first_ts = ""
    for si in range(n_slots):
        k = counts[si]
        if k <= 0:
            continue
        s0 = start_ms + si * MS_PER_HOUR
        slen = min(MS_PER_HOUR, start_ms + period_ms - s0)
        offs = sorted([int(rand() * slen) for _ in range(k)])
        ep_pick = choices(ep_idx, cum_weights=ep_cum, k=k)
        reg_pick = choices(reg_idx, cum_weights=slot_reg_cum[si], k=k)
        ua_pick = choices(ua_idx, cum_weights=ua_cum, k=k)
        # busier hours are a little slower
        load_f = 0.92 + 0.16 * slot_load[si] / max_load
        slot_incs = [inc for inc in incidents
                     if inc.start_ms < s0 + slen and inc.end_ms > s0]
        csv_lines = []
        json_lines = []
        nginx_lines = []
        timed_lines = []
        for i in range(k):
            t = s0 + offs[i]
            mkey = t // MS_PER_MIN
            if mkey != min_cache_key:
                min_cache_key = mkey
                min_prefix = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(mkey * 60))
                tm = time.gmtime(mkey * 60)
                clf_prefix = f"{tm.tm_mday:02d}/{MONTHS[tm.tm_mon - 1]}/{tm.tm_year}:{tm.tm_hour:02d}:{tm.tm_min:02d}:"
            ts = min_prefix + sec_tab[t - mkey * MS_PER_MIN]
            e = eps[ep_pick[i]]
            reg = reg_pick[i]

            p5 = e["p5xx"]
            lat_f = load_f * reg_lat[reg]
            in_incident = False
            if slot_incs:
                for inc in slot_incs:
                    if inc.service == e["service"] and inc.start_ms <= t < inc.end_ms:
                        lvl = inc.intensity[(t - inc.start_ms) // MS_PER_MIN]
                        if inc.errors and (inc.scope == "service" or inc.route == e["route"]):
                            p = inc.errors * lvl
                            if p > p5:
                                p5 = p
                                in_incident = True
                        if inc.latency != 1.0 and (inc.route is None or inc.route == e["route"]):
                            lat_f *= 1.0 + (inc.latency - 1.0) * min(1.0, lvl)

            lat = exp(e["mu"] + e["sigma"] * gauss(0.0, 1.0)) * lat_f
            if rand() < e["tail_p"]:
                lat *= 2.0 + 6.0 * rand()

            r = rand()
            if r < p5:
                if in_incident:
                    status = codes5_inc[bisect(cum5_inc, rand() * cum5_inc[-1])]
                else:
                    status = codes5_base[bisect(cum5_base, rand() * cum5_base[-1])]
                if status == 504:
                    lat = 29_500 + 1_000 * rand()  # gateway timeout
                elif status == 503:
                    lat = 1 + 15 * rand() if rand() < 0.7 else lat  # load shedding
                elif status == 502:
                    lat *= 0.3 + rand()
                nbytes = int(90 + 200 * rand())
            elif r < p5 + e["p4xx"]:
                status = e["codes4"][bisect(e["cum4"], rand() * e["tot4"])]
                lat *= 0.2 + 0.5 * rand()  # rejected early
                nbytes = int(110 + 260 * rand())
            else:
                if e["p304"] and rand() < e["p304"]:
                    status = 304
                    lat *= 0.4 + 0.3 * rand()
                    nbytes = 0
                else:
                    status = e["ok"]
                    bm = e["bytes_mu"]
                    if status == 204 or bm is None:
                        nbytes = 0
                    else:
                        nbytes = int(exp(bm + 0.35 * gauss(0.0, 1.0)))
            latency = int(lat)
            if latency < 1:
                latency = 1

            u = ua_pick[i]
            if u == ua_bot and not e["bot_ok"]:
                u = 0
            if want_csv:
                csv_lines.append(f"{ts},{e['csv']},{status},{latency},{nbytes},"
                                 f"{ua_csv[u]},{reg_names[reg]}\n")
            if want_nginx:
                n = written + i
                line = (f'{nginx_client(reg, n)} - - [{clf_prefix}{(t - mkey * MS_PER_MIN) // 1000:02d} +0000] '
                        f'"{e["method"]} {nginx_request_target(e["route"], e["method"], n)} '
                        f'{"HTTP/2.0" if n % 3 == 0 else "HTTP/1.1"}" {status} {nbytes} '
                        f'{referers[n % len(referers)]} "{ua_nginx[u]}"')
                nginx_lines.append(line + "\n")
                if want_timed:
                    timed_lines.append(f"{line} {latency // 1000}.{latency % 1000:03d}\n")
            if want_json:
                json_lines.append(
                    f'{{"timestamp":"{ts}",{e["json"]},"status":{status},'
                    f'"latency_ms":{latency},"bytes":{nbytes},'
                    f'"user_agent":{ua_json[u]},"region":"{reg_names[reg]}",'
                    f'"http":{{"status":{status}{e["http_m"]}}}\n')
            if not first_ts:
                first_ts = ts
            last_ts = ts
        if want_csv:
            outs["csv"].write("".join(csv_lines))
        if want_json:
            outs["jsonl"].write("".join(json_lines))
        if "nginx" in outs:
            outs["nginx"].write("".join(nginx_lines))
        if want_timed:
            outs["nginx-timed"].write("".join(timed_lines))
        written += k

    for f, raw in closers:
        f.close()
        if raw is not None:
            raw.close()
    return {"rows": written, "first": first_ts, "last": last_ts}


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

EPILOG = """\
incidents:
  Default incidents (used unless --incident or --no-incidents is given),
  placed at fixed fractions of the period, start rounded down to the minute:

    checkout-outage  at 70.5 %, 45 min: checkout 5xx rate ~50 % (all
                     checkout routes), latency x3 on /api/checkout/confirm
    cart-latency     at 86 %, 2 h: latency x3 on /api/cart (no extra errors)
    payments-blip    at 42 %, 20 min: payments 5xx rate ~30 %, latency x2
                     on /api/payments/charge

  Every incident ramps up over its first 10 % and down over its last 15 %;
  on the plateau the 5xx rate wobbles +-20 % from minute to minute (e.g.
  errors=0.5 -> 40-60 %) using an RNG stream derived from --seed; the latency
  factor follows the ramps and never exceeds latency=.
  Rows are not added or removed by incidents (traffic follows the diurnal
  curve: quietest around 05-09 UTC, busiest around 16-20 UTC).

  The resolved incident times are printed to stderr on every run.  Custom
  incidents: --incident 'KEY=VALUE,...' (repeatable) with keys
    service=NAME    (required) checkout|cart|catalog|search|auth|payments
    at=WHEN         (required) fraction of the period (0.7) or RFC 3339 time
    duration=DUR    (required) e.g. 45m, 2h, 1h30m, 90s
    errors=RATE     plateau 5xx rate 0..1 (default 0 = none)
    latency=FACTOR  latency multiplier at the plateau (default 1)
    route=PATH      apply latency only to this route (default: all routes of
                    the service)
    scope=service|route  apply errors to the whole service (default) or only
                    to route=
    name=LABEL      label printed to stderr

output:
  PATH.csv, PATH.jsonl, PATH.log (nginx combined), PATH.timed.log (nginx
  combined + $request_time), as --format lists them; with --gzip each with
  .gz appended (gzip level 6, mtime 0, so output is reproducible).  CSV:
  header row, RFC 4180 quoting, '\\n' line endings.  Every file holds the
  same requests in the same order, for a given seed and options, whatever
  --format is.

example:
  python3 benches/gen_logs.py --rows 10000000 --days 30 --seed 1 \\
      --format csv --out /tmp/requests-10m
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="gen_logs.py",
        description="Generate deterministic, realistic HTTP request logs (CSV and/or "
                    "JSON Lines) for benchmarking and testing `slo`.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--rows", type=int, required=True, help="number of rows to write")
    ap.add_argument("--start", default="2026-09-01T00:00:00Z",
                    help="start of the period, RFC 3339 (default: %(default)s)")
    ap.add_argument("--days", type=float, default=30.0,
                    help="length of the period in days, fractions allowed (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=42, help="RNG seed (default: %(default)s)")
    ap.add_argument("--format", type=parse_formats, default=["csv"],
                    help="which files to write: csv, jsonl, both (csv and jsonl), nginx, nginx-timed, "
                         "or a comma-separated list (default: csv)")
    ap.add_argument("--out", required=True,
                    help="output path without extension; .csv / .jsonl / .log / .timed.log (/.gz) "
                         "are appended")
    ap.add_argument("--gzip", action="store_true", help="write gzip-compressed files (.gz)")
    ap.add_argument("--incident", action="append", type=parse_incident, default=None,
                    metavar="SPEC", help="custom incident (repeatable; replaces the defaults)")
    ap.add_argument("--no-incidents", action="store_true", help="generate no incidents")
    ap.add_argument("--quiet", action="store_true", help="print nothing to stderr")
    args = ap.parse_args(argv)

    if args.rows < 0:
        ap.error("--rows must be >= 0")
    if args.days <= 0:
        ap.error("--days must be > 0")
    try:
        args.start_ms = parse_rfc3339(args.start)
    except argparse.ArgumentTypeError as e:
        ap.error(str(e))
    args.period_ms = int(round(args.days * MS_PER_DAY))

    if args.no_incidents:
        incidents = []
    elif args.incident:
        incidents = args.incident
    else:
        incidents = [parse_incident(s) for s in DEFAULT_INCIDENTS]
    # Separate RNG stream so incident profiles don't shift the request stream.
    resolve_incidents(incidents, args.start_ms, args.period_ms,
                      random.Random(f"incidents:{args.seed}"))

    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))
    log(f"period: {fmt_ms(args.start_ms)} .. {fmt_ms(args.start_ms + args.period_ms)} "
        f"({args.days:g} days), rows={args.rows}, seed={args.seed}")
    for inc in incidents:
        what = []
        if inc.errors:
            where = inc.route if inc.scope == "route" else "service-wide"
            what.append(f"5xx ~{inc.errors:.0%} ({where})")
        if inc.latency != 1.0:
            what.append(f"latency x{inc.latency:g} on {inc.route or 'all routes'}")
        log(f"incident {inc.name}: {inc.service} {fmt_ms(inc.start_ms)} .. "
            f"{fmt_ms(inc.end_ms)} ({fmt_duration(inc.duration_ms)}): {', '.join(what) or 'no effect'}")
        if inc.end_ms <= args.start_ms or inc.start_ms >= args.start_ms + args.period_ms:
            print(f"warning: incident {inc.name} lies outside the period", file=sys.stderr)

    t0 = time.perf_counter()
    res = generate(args, incidents)
    dt = time.perf_counter() - t0
    suffix = ".gz" if args.gzip else ""
    files = [args.out + EXTENSIONS[name] + suffix for name in args.format]
    log(f"wrote {res['rows']} rows ({res['first']} .. {res['last']}) to {', '.join(files)} "
        f"in {dt:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
