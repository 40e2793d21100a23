//! The expression language of `filter`, `good` and `bad`: a small, CEL-like
//! boolean language over the fields of a log row, such as
//! `status >= 500 or (latency_ms > 300 and path.startsWith("/api"))`.
//!
//! The work is split in three stages, each in its own module, and one module for rows:
//!
//! * [`parser`] turns source text into an [`Expr`] tree, reporting syntax
//!   errors with the byte offset of the offending token.
//! * [`ast`] is that tree. It is kept separate from evaluation on purpose:
//!   it is a plain, normalised description of the condition (field paths,
//!   operators, literals, spans) with no knowledge of how rows are read, so
//!   it can later be translated into another query language, such as a SQL
//!   `WHERE` clause or a PromQL label matcher, or printed back for humans.
//! * [`program`] compiles an [`Expr`] into a [`Program`]: fields resolved to
//!   slot numbers, literals pre-parsed, regexes compiled once. Evaluating a
//!   row then costs no allocation and no string lookups. Values that cannot
//!   be used (a missing field, a non-numeric latency) make the result
//!   [`Invalid`] rather than silently true or false, so they can be reported.
//! * [`set`] evaluates the programs of many SLOs together: leaves shared by several programs
//!   once per row, and filters that test a field for equality through a lookup of its value.
//! * [`row`] is what a program reads: the [`Row`] trait that readers implement, one
//!   [`FieldValue`] per slot, the [`FieldSlots`] that number the fields, and how a value's text
//!   is read as a number or a boolean.
//!
//! ```text
//! let expr = parse("status >= 500")?;            // syntax → Expr
//! let mut slots = FieldSlots::new();             // shared by filter/good/bad
//! let program = Program::compile(&expr, &mut slots)?;
//! program.eval(&row)                             // Ok(true) / Ok(false) / Err(Invalid)
//! ```

pub mod ast;
mod exact;
mod lexer;
pub mod parser;
pub mod program;
pub mod row;
pub mod set;
mod value;

pub use ast::{Decimal, Expr, FieldPath, Span};
pub use parser::{parse, ParseError};
pub use program::{CompileError, Program};
pub use row::{
    duration_nanos, FieldSlots, FieldUnit, FieldValue, Invalid, InvalidReason, Row, TimeUnit,
};
pub use set::{Candidate, Dispatch, LeafMemo, ProgramId, ProgramSet};
