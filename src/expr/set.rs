//! The programs of many SLOs evaluated together over the same rows, at a cost that grows with
//! what a row selects rather than with the number of SLOs.
//!
//! A company's SLOs over one log repeat themselves: fifty of them say `status < 500`, a dozen
//! `service == "checkout"`. A [`ProgramSet`] holds the `filter`, `good` and `bad` programs of a
//! pass with their leaves (the comparisons of one field with literals) interned: a leaf used by
//! several programs is evaluated once per row and its result kept in a [`LeafMemo`]. And most
//! filters are, or contain as a conjunct, an equality of one field with a string
//! (`service == "checkout" and ...`, `method in ["GET", "POST"]`): a [`Dispatch`] looks the
//! row's value of that field up in a hash map once, and leaves out every filter whose conjunct
//! names another value — those filters are false whatever their other conjuncts say.
//!
//! Results are those of [`Program::eval`] on each program alone, bit for bit: the same
//! three-valued logic, the same first invalid field reported. A leaf is a pure function of the
//! row, so evaluating it once or many times gives the same result; `and`/`or`/`not` are walked
//! exactly as [`Program::eval`] walks them, operand by operand in the same order.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::ast::CmpOp;
use super::exact::Exact;
use super::program::{eval_node, Op, Program};
use super::row::{FieldValue, Invalid, Row};

/// Programs compiled against one [`super::FieldSlots`], with their leaves shared.
#[derive(Debug, Default)]
pub struct ProgramSet {
    /// The distinct leaves.
    leaves: Vec<Leaf>,
    /// Each program's root, by [`ProgramId`].
    roots: Vec<Node>,
    /// The leaf of each key, to find a leaf again when another program uses it.
    interned: FxHashMap<LeafKey, u32>,
}

/// A program of a [`ProgramSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramId(u32);

#[derive(Debug)]
struct Leaf {
    op: Op,
    /// Whether more than one place uses the leaf: only then is its result kept for the row.
    shared: bool,
}

/// A program's tree over the set's leaves.
#[derive(Debug, Clone)]
enum Node {
    Const(bool),
    Leaf(u32),
    Not(Box<Node>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
}

/// What makes two leaves the same test: the field's slot, the operator and the literals. A
/// leaf without a key (an exact comparison, `Measure`) is never shared.
#[derive(Debug, PartialEq, Eq, Hash)]
enum LeafKey {
    Truthy(usize),
    BoolEq(usize, bool, bool),
    /// The literal's bits (literals are finite and `-0.0` is normalised away) and its exact
    /// value, which ties between `f64`s are decided on.
    NumCmp(usize, CmpOp, NumberKey),
    TextCmp(usize, CmpOp, Box<[u8]>),
    NumIn(usize, Box<[NumberKey]>, bool),
    TextIn(usize, Box<[Box<[u8]>]>, bool),
    StartsWith(usize, Box<[u8]>),
    EndsWith(usize, Box<[u8]>),
    Contains(usize, Box<[u8]>),
    /// The regex's pattern: every regex is built from its pattern with the same options.
    Matches(usize, String),
}

/// A number literal as a key: its `f64`'s bits and its exact value's parts.
type NumberKey = (u64, Option<(i128, i128)>);

fn leaf_key(op: &Op) -> Option<LeafKey> {
    Some(match op {
        Op::Truthy { slot } => LeafKey::Truthy(*slot),
        Op::BoolEq { slot, eq, value } => LeafKey::BoolEq(*slot, *eq, *value),
        Op::NumCmp {
            slot,
            op,
            value,
            literal,
        } => LeafKey::NumCmp(*slot, *op, (value.to_bits(), literal.map(Exact::parts))),
        Op::TextCmp { slot, op, value } => LeafKey::TextCmp(*slot, *op, value.clone()),
        Op::NumIn {
            slot,
            values,
            exact,
            negated,
        } => LeafKey::NumIn(
            *slot,
            values
                .iter()
                .zip(exact.iter())
                .map(|(v, e)| (v.to_bits(), e.map(Exact::parts)))
                .collect(),
            *negated,
        ),
        Op::TextIn {
            slot,
            values,
            negated,
        } => LeafKey::TextIn(*slot, values.clone(), *negated),
        Op::StartsWith { slot, needle } => LeafKey::StartsWith(*slot, needle.clone()),
        Op::EndsWith { slot, needle } => LeafKey::EndsWith(*slot, needle.clone()),
        Op::Contains { slot, needle, .. } => LeafKey::Contains(*slot, needle.clone()),
        Op::Matches { slot, regex } => LeafKey::Matches(*slot, regex.as_str().to_owned()),
        Op::Measure(_) | Op::Const(_) | Op::Not(_) | Op::And(_) | Op::Or(_) => return None,
    })
}

/// The results of a [`ProgramSet`]'s shared leaves for the row being evaluated; one per
/// counting thread. [`LeafMemo::next_row`] forgets them.
#[derive(Debug, Clone)]
pub struct LeafMemo {
    /// The number of the current row; a leaf's result is current when its stamp equals it.
    row: u32,
    stamps: Vec<u32>,
    results: Vec<Result<bool, Invalid>>,
}

impl LeafMemo {
    /// Forgets the results of the previous row: call it before evaluating a row.
    #[inline]
    pub fn next_row(&mut self) {
        self.row = self.row.wrapping_add(1);
        if self.row == 0 {
            // Once every 2³² rows: no stamp may equal the new row's number by chance.
            self.stamps.fill(0);
            self.row = 1;
        }
    }
}

impl ProgramSet {
    /// An empty set.
    pub fn new() -> ProgramSet {
        ProgramSet::default()
    }

    /// Adds a compiled program, sharing its leaves with those of the programs already added.
    pub fn add(&mut self, program: &Program) -> ProgramId {
        let root = self.intern(&program.root);
        let id = ProgramId(u32::try_from(self.roots.len()).unwrap_or(u32::MAX));
        self.roots.push(root);
        id
    }

    fn intern(&mut self, op: &Op) -> Node {
        match op {
            Op::Const(value) => Node::Const(*value),
            Op::Not(inner) => Node::Not(Box::new(self.intern(inner))),
            Op::And(operands) => Node::And(operands.iter().map(|o| self.intern(o)).collect()),
            Op::Or(operands) => Node::Or(operands.iter().map(|o| self.intern(o)).collect()),
            leaf => {
                let next = u32::try_from(self.leaves.len()).unwrap_or(u32::MAX);
                let index = match leaf_key(leaf).map(|key| self.interned.entry(key)) {
                    Some(Entry::Occupied(seen)) => {
                        let index = *seen.get();
                        self.leaves[index as usize].shared = true;
                        return Node::Leaf(index);
                    }
                    Some(Entry::Vacant(slot)) => *slot.insert(next),
                    None => next,
                };
                self.leaves.push(Leaf {
                    op: leaf.clone(),
                    shared: false,
                });
                Node::Leaf(index)
            }
        }
    }

    /// How many distinct leaves the programs have.
    pub fn leaves(&self) -> usize {
        self.leaves.len()
    }

    /// An empty memo for evaluating rows with this set.
    pub fn memo(&self) -> LeafMemo {
        LeafMemo {
            row: 1,
            stamps: vec![0; self.leaves.len()],
            results: vec![Ok(false); self.leaves.len()],
        }
    }

    /// Evaluates program `id` for `row`, as [`Program::eval`] would, reusing the results of
    /// shared leaves that `memo` holds for this row.
    ///
    /// # Errors
    ///
    /// The row is invalid for the program (see [`Program::eval`]).
    // Inlined into the counting loop: most programs, once dispatched, are a constant or one
    // leaf, cheaper than the call; `not`, `and` and `or` go through `eval_node`.
    #[inline(always)]
    pub fn eval(
        &self,
        id: ProgramId,
        row: &impl Row,
        memo: &mut LeafMemo,
    ) -> Result<bool, Invalid> {
        match &self.roots[id.0 as usize] {
            Node::Const(value) => Ok(*value),
            Node::Leaf(index) => self.leaf(*index, row, memo),
            node => self.eval_node(node, row, memo),
        }
    }

    #[inline(always)]
    fn leaf(&self, index: u32, row: &impl Row, memo: &mut LeafMemo) -> Result<bool, Invalid> {
        let i = index as usize;
        let leaf = &self.leaves[i];
        if !leaf.shared {
            return eval_node(&leaf.op, row);
        }
        if memo.stamps[i] == memo.row {
            return memo.results[i];
        }
        let result = eval_node(&leaf.op, row);
        memo.stamps[i] = memo.row;
        memo.results[i] = result;
        result
    }

    /// The walk of [`Program::eval`], operand by operand in the same order.
    #[inline(never)]
    fn eval_node(&self, node: &Node, row: &impl Row, memo: &mut LeafMemo) -> Result<bool, Invalid> {
        match node {
            Node::Const(value) => Ok(*value),
            Node::Leaf(index) => self.leaf(*index, row, memo),
            Node::Not(inner) => Ok(!self.eval_node(inner, row, memo)?),
            Node::And(operands) => self.eval_junction(operands, false, row, memo),
            Node::Or(operands) => self.eval_junction(operands, true, row, memo),
        }
    }

    /// `and` (`decisive` false) or `or` (`decisive` true) of `operands` in three-valued logic:
    /// the first operand that is `decisive` decides; otherwise an invalid operand makes the
    /// whole invalid (the first one is reported), and without one the result is `!decisive`.
    fn eval_junction(
        &self,
        operands: &[Node],
        decisive: bool,
        row: &impl Row,
        memo: &mut LeafMemo,
    ) -> Result<bool, Invalid> {
        let mut first_invalid = None;
        for operand in operands {
            match self.eval_node(operand, row, memo) {
                Ok(value) if value == decisive => return Ok(decisive),
                Ok(_) => {}
                Err(e) => {
                    first_invalid.get_or_insert(e);
                }
            }
        }
        first_invalid.map_or(Ok(!decisive), Err)
    }

    /// The equality of a field with strings that decides program `id` when false: the
    /// program itself, or one of its top-level `and` operands, when that is `field == "text"`
    /// or `field in ["a", "b"]`. Returns the field's slot, the strings, and what is left of
    /// the program once the equality holds.
    fn equality_conjunct(&self, id: ProgramId) -> Option<(usize, Vec<&[u8]>, Node)> {
        let equality = |node: &Node| -> Option<(usize, Vec<&[u8]>)> {
            let Node::Leaf(index) = node else {
                return None;
            };
            match &self.leaves[*index as usize].op {
                Op::TextCmp {
                    slot,
                    op: CmpOp::Eq,
                    value,
                } => Some((*slot, vec![&**value])),
                Op::TextIn {
                    slot,
                    values,
                    negated: false,
                } => Some((*slot, values.iter().map(|v| &**v).collect())),
                _ => None,
            }
        };
        match &self.roots[id.0 as usize] {
            Node::And(operands) => {
                let (at, (slot, values)) = operands
                    .iter()
                    .enumerate()
                    .find_map(|(at, operand)| Some((at, equality(operand)?)))?;
                // A true operand of `and` changes nothing, invalid or not the others: the
                // rest, in the same order, decides alone.
                let mut rest: Vec<Node> = operands.to_vec();
                rest.remove(at);
                let rest = match rest.len() {
                    0 => Node::Const(true),
                    1 => rest.pop().unwrap_or(Node::Const(true)),
                    _ => Node::And(rest.into()),
                };
                Some((slot, values, rest))
            }
            root => equality(root).map(|(slot, values)| (slot, values, Node::Const(true))),
        }
    }

    /// A [`Dispatch`] over `filters` (programs of this set): which of them a row may satisfy,
    /// and what is left to evaluate of each. Adds to the set what is left of the filters that
    /// have an equality conjunct once it holds.
    pub fn dispatch(&mut self, filters: &[ProgramId]) -> Dispatch {
        let mut dispatch = Dispatch::default();
        let mut table_of_slot: FxHashMap<usize, usize> = FxHashMap::default();
        for (position, &id) in filters.iter().enumerate() {
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            let whole = Candidate {
                position,
                filter: id,
            };
            let Some((slot, values, left)) =
                self.equality_conjunct(id).map(|(slot, values, left)| {
                    (
                        slot,
                        values
                            .into_iter()
                            .map(Box::from)
                            .collect::<Vec<Box<[u8]>>>(),
                        left,
                    )
                })
            else {
                dispatch.always.push(whole);
                continue;
            };
            let rest = Candidate {
                position,
                filter: ProgramId(u32::try_from(self.roots.len()).unwrap_or(u32::MAX)),
            };
            self.roots.push(left);
            let table = *table_of_slot.entry(slot).or_insert_with(|| {
                dispatch.tables.push(Table {
                    slot,
                    by_value: FxHashMap::default(),
                    few: Vec::new(),
                    all: Vec::new(),
                });
                dispatch.tables.len() - 1
            });
            let table = &mut dispatch.tables[table];
            table.all.push(whole);
            for value in values {
                table.by_value.entry(value).or_default().push(rest);
            }
        }
        // A field tested for a few values is looked up by comparing them, cheaper than hashing
        // the row's value (the commonest case: `service == "checkout"`).
        for table in &mut dispatch.tables {
            if table.by_value.len() <= FEW_VALUES {
                let mut few: Vec<_> = std::mem::take(&mut table.by_value).into_iter().collect();
                few.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                table.few = few;
            }
        }
        dispatch
    }
}

/// A filter that may select a row: its position among the filters dispatched, and the program
/// to evaluate to know — the filter itself, or what is left of it once its equality holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The filter's position in the list given to [`ProgramSet::dispatch`].
    pub position: u32,
    /// What to evaluate for the row: the same result as the filter.
    pub filter: ProgramId,
}

/// Most values of a field whose filters are looked up by comparing the row's value with each.
const FEW_VALUES: usize = 8;

/// Which filters of a list may select a row, found without evaluating the others: see
/// [`ProgramSet::dispatch`].
#[derive(Debug, Default)]
pub struct Dispatch {
    /// One table per field that some filters test for equality.
    tables: Vec<Table>,
    /// The filters without such an equality, by position.
    always: Vec<Candidate>,
}

/// The filters whose deciding equality tests one field.
#[derive(Debug)]
struct Table {
    slot: usize,
    /// For each value, the filters whose equality it satisfies (with what is left of them),
    /// by position.
    by_value: FxHashMap<Box<[u8]>, Vec<Candidate>>,
    /// The same, when there are at most [`FEW_VALUES`] values (`by_value` is then empty).
    few: Vec<(Box<[u8]>, Vec<Candidate>)>,
    /// All its filters, whole, by position: for a row whose field is no text, where the
    /// equality is invalid and the filters must be evaluated to say what they are.
    all: Vec<Candidate>,
}

impl Dispatch {
    /// Calls `f` with the lists of filters that are not false for `row` by their equality
    /// alone, each filter with what to evaluate of it: every filter left out is false for the
    /// row. The lists come in an order that depends only on the row, and together hold each
    /// filter at most once.
    #[inline]
    pub fn for_each_list(&self, row: &impl Row, mut f: impl FnMut(&[Candidate])) {
        if !self.always.is_empty() {
            f(&self.always);
        }
        for table in &self.tables {
            let list = match row.value(table.slot) {
                FieldValue::Scalar(text) if !table.few.is_empty() => table
                    .few
                    .iter()
                    .find(|(value, _)| value.len() == text.len() && **value == *text)
                    .map_or(&[][..], |(_, list)| list.as_slice()),
                FieldValue::Scalar(text) => table.by_value.get(text).map_or(&[][..], Vec::as_slice),
                _ => &table.all,
            };
            if !list.is_empty() {
                f(list);
            }
        }
    }
}
