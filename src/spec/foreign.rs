//! Documents written for other SLO tools (Sloth, Pyrra, google/slo-generator, later OpenSLO
//! drafts, …), recognised so that an error can say what a file is instead of listing every key
//! `slo` does not know.

use super::yaml::{Node, Value};

/// Names the format of a document written for another SLO tool, if it is one.
pub(in crate::spec) fn foreign_format(node: &Node) -> Option<String> {
    let Value::Mapping(entries) = &node.value else {
        return None;
    };
    let has = |key: &str| entries.iter().any(|(k, _)| k.as_scalar() == Some(key));
    let value_of = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .and_then(|(_, v)| v.as_scalar())
    };
    let kind = value_of("kind").unwrap_or("");
    if let Some(api) = value_of("apiVersion") {
        return Some(if api.starts_with("openslo") && api.ends_with("/v2alpha") {
            format!("an OpenSLO v2alpha document (apiVersion {api}), a draft slo does not read")
        } else if api == "openslo.com/v1" {
            format!(
                "an osko object (apiVersion openslo.com/v1, kind {kind}): the OpenSLO flavour of the \
                 osko Kubernetes operator; plain OpenSLO is written apiVersion: openslo/v1"
            )
        } else if api.starts_with("openslo") {
            format!("an OpenSLO document of a version slo does not know (apiVersion {api})")
        } else if api.starts_with("sloth.slok.dev") && kind == "AlertWindows" {
            format!("Sloth alert windows ({api} AlertWindows)")
        } else if api.starts_with("sloth.slok.dev") {
            format!("a Sloth Kubernetes spec ({api} {kind})")
        } else if api.starts_with("pyrra.dev") {
            format!("a Pyrra {kind} ({api})")
        } else if api.starts_with("sre.google.com") {
            format!("a google/slo-generator SLO config ({api} {kind})")
        } else if api.starts_with("apiextensions.k8s.io") {
            format!("a Kubernetes {kind} (a schema, not an SLO)")
        } else {
            format!("a Kubernetes-style document with apiVersion `{api}`, which no SLO format slo knows uses")
        });
    }
    if has("$schema") {
        return Some("a JSON Schema (a description of a format, not an SLO)".to_string());
    }
    if let Some(version) = value_of("version") {
        if version == "prometheus/v1" {
            return Some("a Sloth spec (version: prometheus/v1)".to_string());
        }
        if version.starts_with("prometheus/") {
            return Some(format!(
                "a Sloth spec of a version Sloth itself does not know (version: {version}; Sloth reads prometheus/v1)"
            ));
        }
        if version.starts_with("sre.google.com") {
            return Some(format!(
                "a google/slo-generator SLO config (with `version: {version}` where slo-generator writes apiVersion)"
            ));
        }
    }
    if has("error_budget_policies") || (has("backends") && has("exporters")) {
        return Some(
            "a google/slo-generator shared config (backends, exporters, error budget policies)"
                .to_string(),
        );
    }
    if has("service_name") && (has("slo_name") || has("slo_target")) && has("backend") {
        return Some("a google/slo-generator v1 SLO config".to_string());
    }
    if has("error_budget_burn_rate") || has("bad_events_count") {
        return Some(
            "a google/slo-generator SLO report (its output, not an SLO definition)".to_string(),
        );
    }
    None
}
