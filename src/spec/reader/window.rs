//! Windows as `slo` writes them (`30d`, `{calendar: month, timezone: Europe/Berlin}`): a native
//! SLO's `windows`, and the `slo/extra-windows` annotation of an OpenSLO SLO.

use super::Checker;
use crate::spec::yaml::{Node, Value};
use crate::spec::Window;
use crate::time::{CalendarUnit, SpanDuration, Zone};

const CALENDAR_KEYS: &[&str] = &["calendar", "timezone"];

impl Checker<'_> {
    /// A list of windows, none of them twice; `None` when any is wrong.
    pub(in crate::spec) fn windows(&mut self, node: &Node) -> Option<Vec<Window>> {
        let items = self.sequence(node, "`windows`")?;
        if items.is_empty() {
            self.error(
                node.position,
                "`windows` is empty; give at least one, e.g. [30d]",
            );
            return None;
        }
        let mut windows: Vec<Window> = Vec::new();
        let mut ok = true;
        for item in items {
            let window = match &item.value {
                Value::Mapping(_) => self.calendar_window(item),
                _ => match item.as_scalar() {
                    Some(text) => match SpanDuration::parse(text) {
                        Ok(duration) => Some(Window::Rolling(duration)),
                        Err(message) => {
                            self.error(item.position, message);
                            None
                        }
                    },
                    None => {
                        self.error(
                            item.position,
                            "a window is a duration such as 30d, or {calendar: month}",
                        );
                        None
                    }
                },
            };
            match window {
                Some(window) if windows.iter().any(|w| w.label() == window.label()) => {
                    self.error(
                        item.position,
                        format!("window {} is listed twice", window.label()),
                    );
                    ok = false;
                }
                Some(window) => windows.push(window),
                None => ok = false,
            }
        }
        ok.then_some(windows)
    }

    /// `{calendar: UNIT, timezone: ZONE}`.
    fn calendar_window(&mut self, node: &Node) -> Option<Window> {
        let entries = self.mapping(node, "a calendar window", CALENDAR_KEYS)?;
        let mut unit = None;
        let mut zone = Zone::Utc;
        let mut ok = true;
        for (key, value) in &entries {
            let Some(text) = self.string(value, &format!("`{key}`")) else {
                ok = false;
                continue;
            };
            let parsed = match *key {
                "calendar" => CalendarUnit::parse(&text).map(|u| unit = Some(u)),
                _ => Zone::parse(&text).map(|z| zone = z),
            };
            if let Err(message) = parsed {
                self.error(value.position, message);
                ok = false;
            }
        }
        if unit.is_none() && ok {
            self.error(
                node.position,
                "a calendar window needs `calendar: day|week|month|quarter|year`",
            );
        }
        Some(Window::Calendar { unit: unit?, zone }).filter(|_| ok)
    }
}
