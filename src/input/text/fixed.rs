//! The fixed layouts of AWS ALB, Envoy and HAProxy logs, written as templates.

use super::fields::{FieldInfo, TimeUnit};
use super::nginx;
use super::template::{LineStart, Piece, Template};

/// AWS Application Load Balancer access log entries, every field AWS documents, in order.
/// `client:port` and `target:port` are named `client_host` and `target_host`, as Vector does.
const ALB: &str = r#"$type $time $elb $client_host $target_host $request_processing_time $target_processing_time $response_processing_time $elb_status_code $target_status_code $received_bytes $sent_bytes "$request" "$user_agent" $ssl_cipher $ssl_protocol $target_group_arn "$trace_id" "$domain_name" "$chosen_cert_arn" $matched_rule_priority $request_creation_time "$actions_executed" "$redirect_url" "$error_reason" "$target_port_list" "$target_status_code_list" "$classification" "$classification_reason" $conn_trace_id"#;

/// Fields of an ALB entry that every line has: up to `user_agent`, which the classic ELB
/// layout already wrote; later fields were added over the years.
const ALB_REQUIRED_FIELDS: usize = 14;

/// Envoy's default access log format.
const ENVOY: &str = r#"[$start_time] "$method $path $protocol" $response_code $response_flags $bytes_received $bytes_sent $duration $upstream_service_time "$x_forwarded_for" "$user_agent" "$request_id" "$authority" "$upstream_host""#;

/// HAProxy's `option httplog`, without the two optional `{…}` header captures that come
/// before the request (see [`haproxy`]).
const HAPROXY_HEAD: &str = r"$client_ip:$client_port [$accept_date] $frontend_name $backend_name/$server_name $TR/$Tw/$Tc/$Tr/$Ta $status_code $bytes_read $captured_request_cookie $captured_response_cookie $termination_state $actconn/$feconn/$beconn/$srv_conn/$retries $srv_queue/$backend_queue ";

/// The ALB template.
pub(super) fn alb() -> Template {
    let layout = nginx::template(ALB).expect("the ALB layout is a valid template");
    let fields = layout
        .fields
        .into_iter()
        .map(|field| match field.name.as_str() {
            "request_processing_time" | "target_processing_time" | "response_processing_time" => {
                FieldInfo::new(field.name)
                    .unit(TimeUnit::Seconds)
                    .minus_one_missing()
            }
            _ => FieldInfo::new(field.name),
        })
        .collect();
    Template::new(layout.pieces, fields)
        .expect("the ALB layout is valid")
        .with_optional_tail(ALB_REQUIRED_FIELDS)
        .with_raw_quotes()
}

/// The Envoy template.
pub(super) fn envoy() -> Template {
    let layout = nginx::template(ENVOY).expect("the Envoy layout is a valid template");
    let fields = layout
        .fields
        .into_iter()
        .map(|field| match field.name.as_str() {
            "duration" | "upstream_service_time" => {
                FieldInfo::new(field.name).unit(TimeUnit::Milliseconds)
            }
            _ => FieldInfo::new(field.name),
        })
        .collect();
    // Envoy writes header values raw, quotes included (envoyproxy/envoy#4191).
    Template::new(layout.pieces, fields)
        .expect("the Envoy layout is valid")
        .with_raw_quotes()
}

/// The HAProxy `option httplog` template.
pub(super) fn haproxy() -> Template {
    let head = nginx::template(HAPROXY_HEAD).expect("the HAProxy layout is a valid template");
    let mut pieces = head.pieces;
    let mut fields: Vec<FieldInfo> = head
        .fields
        .into_iter()
        .map(|field| match field.name.as_str() {
            "TR" | "Tw" | "Tc" | "Tr" | "Ta" => FieldInfo::new(field.name)
                .unit(TimeUnit::Milliseconds)
                .minus_one_missing(),
            // HAProxy writes an IPv6 client without brackets: `2001:db8::1:54321`.
            "client_ip" => FieldInfo::new(field.name).ends_at_last_in_word(),
            _ => FieldInfo::new(field.name),
        })
        .collect();
    for name in ["captured_request_headers", "captured_response_headers"] {
        pieces.push(Piece::OptionalBraced(fields.len()));
        fields.push(FieldInfo::new(name));
    }
    pieces.push(Piece::Literal((*b"\"").into()));
    pieces.push(Piece::Field(fields.len()));
    fields.push(FieldInfo::new("http_request"));
    pieces.push(Piece::Literal((*b"\"").into()));
    Template::new(pieces, fields)
        .expect("the HAProxy layout is valid")
        .with_start(LineStart::BeforeBracketedDate)
        .with_raw_quotes()
}

#[cfg(test)]
mod tests {
    use super::super::template::Span;
    use super::*;

    fn values(template: &Template, line: &str) -> Vec<(String, Option<String>)> {
        let mut spans = vec![Span::NONE; template.fields.len()];
        template.split(line.as_bytes(), &mut spans).unwrap();
        template
            .fields
            .iter()
            .zip(spans)
            .map(|(f, s)| {
                let value = s
                    .get(line.as_bytes())
                    .map(|v| String::from_utf8_lossy(v).into());
                (f.name.clone(), value)
            })
            .collect()
    }

    fn value(values: &[(String, Option<String>)], name: &str) -> Option<String> {
        values
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    }

    #[test]
    fn alb_lines_old_and_new() {
        let t = alb();
        let new = r#"https 2026-10-01T12:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://www.example.com:443/api?x=1 HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2026-10-01T12:00:00.120000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd extra "fields""#;
        let v = values(&t, new);
        assert_eq!(value(&v, "elb_status_code").as_deref(), Some("200"));
        assert_eq!(value(&v, "user_agent").as_deref(), Some("curl/7.46.0"));
        assert_eq!(value(&v, "conn_trace_id").as_deref(), Some("TID_1234abcd"));
        let old = r#"http 2026-10-01T12:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 503 - 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259""#;
        let v = values(&t, old);
        assert_eq!(value(&v, "request_processing_time").as_deref(), Some("-1"));
        assert_eq!(
            value(&v, "trace_id").as_deref(),
            Some("Root=1-58337281-1d84f3d73c47ec4e58577259")
        );
        assert_eq!(value(&v, "domain_name"), None);
    }

    #[test]
    fn envoy_default_lines() {
        let line = r#"[2026-10-01T12:00:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80""#;
        let v = values(&envoy(), line);
        assert_eq!(value(&v, "path").as_deref(), Some("/api/v1/locations"));
        assert_eq!(value(&v, "duration").as_deref(), Some("226"));
        assert_eq!(value(&v, "response_flags").as_deref(), Some("-"));
    }

    #[test]
    fn haproxy_ipv6_clients_keep_their_colons() {
        let t = haproxy();
        for (line, ip, port) in [
            (
                r#"Oct  1 11:00:00 lb haproxy[1]: 2001:db8::1:54321 [01/Oct/2026:11:00:00.123] fe be/s1 0/0/1/12/+13 200 +1234 - - ---- 5/5/1/1/0 0/0 "GET / HTTP/1.1""#,
                "2001:db8::1",
                "54321",
            ),
            (
                r#"::ffff:192.0.2.7:40000 [01/Oct/2026:11:00:01.000] fe be/s2 0/0/1/3/4 200 9 - - ---- 5/5/1/1/0 0/0 "GET / HTTP/1.1""#,
                "::ffff:192.0.2.7",
                "40000",
            ),
        ] {
            let v = values(&t, line);
            assert_eq!(value(&v, "client_ip").as_deref(), Some(ip), "{line}");
            assert_eq!(value(&v, "client_port").as_deref(), Some(port), "{line}");
        }
        let mut spans = vec![Span::NONE; t.fields.len()];
        let mismatch = t
            .split(
                b"Oct  1 11:00:04 lb haproxy[1]: Proxy fe started.",
                &mut spans,
            )
            .unwrap_err();
        assert_eq!(mismatch.fields_found, 0);
    }

    #[test]
    fn haproxy_lines_with_and_without_captures() {
        let t = haproxy();
        let with = r#"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1""#;
        let v = values(&t, with);
        assert_eq!(value(&v, "client_ip").as_deref(), Some("10.0.1.2"));
        assert_eq!(value(&v, "Ta").as_deref(), Some("109"));
        assert_eq!(
            value(&v, "captured_request_headers").as_deref(),
            Some("1wt.eu")
        );
        assert_eq!(value(&v, "captured_response_headers").as_deref(), Some(""));
        assert_eq!(
            value(&v, "http_request").as_deref(),
            Some("GET /index.html HTTP/1.1")
        );
        let without = r#"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/<NOSRV> -1/-1/-1/-1/8002 408 212 - - cR-- 2/2/0/0/0 0/0 "<BADREQ>""#;
        let v = values(&t, without);
        assert_eq!(value(&v, "server_name").as_deref(), Some("<NOSRV>"));
        assert_eq!(value(&v, "client_ip").as_deref(), Some("10.0.1.2"));
        assert_eq!(value(&v, "TR").as_deref(), Some("-1"));
        assert_eq!(value(&v, "captured_request_headers"), None);
        assert_eq!(value(&v, "http_request").as_deref(), Some("<BADREQ>"));
    }
}
