//! Reading newsboat's filter language as newsboat (2.21 and later) reads it: spaces (not tabs)
//! between tokens, `and` and `or` of equal rank grouping to the right (`a and b or c` is
//! `a and (b or c)`), string values keeping their `\` escapes, numbers and `A:B` ranges.
//!
//! ```text
//! expression = operand [ { " " } ( "and" | "or" ) ( " " | "(" ) expression ]
//! operand    = "(" { " " } expression { " " } ")" | comparison
//! comparison = attribute { " " } operator { " " } value
//! attribute  = { ASCII letter, digit, "_", "-", "." }
//! operator   = "=~" | "==" | "=" | "!~" | "!=" | "<=" | ">=" | "<" | ">" | "between" | "#" | "!#"
//! value      = '"' { any char but '"' and '\' | '\' any char } '"' | number [ ":" number ]
//! number     = [ "-" ] digit { digit }
//! ```

use super::Unconvertible;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Regex,
    NotRegex,
    Lt,
    Gt,
    Le,
    Ge,
    Between,
    Contains,
    NotContains,
}

/// In the order newsboat tries them.
const OPS: [(&str, Op); 12] = [
    ("=~", Op::Regex),
    ("==", Op::Eq),
    ("=", Op::Eq),
    ("!~", Op::NotRegex),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("between", Op::Between),
    ("#", Op::Contains),
    ("!#", Op::NotContains),
];

/// A value as written: the text between the quotes (escapes kept, as newsboat keeps them),
/// a number, or a range `A:B`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Value<'a> {
    Text(&'a str),
    Number(&'a str),
    Range(&'a str),
}

#[derive(Debug)]
pub(super) struct Comparison<'a> {
    pub attr: &'a str,
    pub op: Op,
    pub op_text: &'a str,
    pub value: Value<'a>,
    /// The whole comparison as written, for messages.
    pub text: &'a str,
}

#[derive(Debug)]
pub(super) enum Node<'a> {
    Comparison(Comparison<'a>),
    And(Box<Node<'a>>, Box<Node<'a>>),
    Or(Box<Node<'a>>, Box<Node<'a>>),
}

/// Most expressions open at once: each `(` opens one, and so does each `and` or `or` (they
/// group to the right). Real filters use a handful; the bound keeps a hostile one from
/// overflowing the stack.
pub(super) const MAX_DEPTH: usize = 100;

/// Reads a whole filter expression.
pub(super) fn parse(expr: &str) -> Result<Node<'_>, Unconvertible> {
    let mut p = Parser {
        s: expr,
        at: 0,
        depth: 0,
    };
    p.spaces();
    let node = p.expression()?;
    p.spaces();
    if p.at < expr.len() {
        return Err(p.fail("`and`, `or` or the end"));
    }
    Ok(node)
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
    /// Expressions being read (see `MAX_DEPTH`).
    depth: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }

    fn spaces(&mut self) {
        self.at = self.s.len() - self.rest().trim_start_matches(' ').len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn fail(&self, expected: &str) -> Unconvertible {
        let rest = self.rest();
        Unconvertible::new(
            if rest.is_empty() { self.s } else { rest },
            format!(
                "not a newsboat filter: {expected} expected at column {}",
                self.at + 1
            ),
        )
    }

    /// `operand [("and" | "or") expression]`, grouping to the right as newsboat does.
    fn expression(&mut self) -> Result<Node<'a>, Unconvertible> {
        if self.depth == MAX_DEPTH {
            return Err(Unconvertible::new(
                self.rest(),
                format!("more than {MAX_DEPTH} terms or parentheses deep"),
            ));
        }
        self.depth += 1;
        let node = self.bounded_expression();
        self.depth -= 1;
        node
    }

    fn bounded_expression(&mut self) -> Result<Node<'a>, Unconvertible> {
        let left = self.operand()?;
        let after_left = self.at;
        self.spaces();
        let or = if self.eat("and") {
            false
        } else if self.eat("or") {
            true
        } else {
            self.at = after_left;
            return Ok(left);
        };
        // newsboat wants a space or a parenthesis after the word (`x=1andy=0` is not `and`).
        if !self.rest().trim_start_matches(' ').starts_with('(') && !self.rest().starts_with(' ') {
            self.at = after_left;
            return Ok(left);
        }
        self.spaces();
        let right = self.expression()?;
        Ok(if or {
            Node::Or(Box::new(left), Box::new(right))
        } else {
            Node::And(Box::new(left), Box::new(right))
        })
    }

    fn operand(&mut self) -> Result<Node<'a>, Unconvertible> {
        if !self.eat("(") {
            return self.comparison().map(Node::Comparison);
        }
        self.spaces();
        let inner = self.expression()?;
        self.spaces();
        if !self.eat(")") {
            return Err(self.fail("`)`"));
        }
        Ok(inner)
    }

    fn comparison(&mut self) -> Result<Comparison<'a>, Unconvertible> {
        let start = self.at;
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.fail("an attribute name"));
        }
        let attr = &rest[..len];
        self.at += len;
        self.spaces();
        let Some(&(op_text, op)) = OPS.iter().find(|(t, _)| self.rest().starts_with(t)) else {
            return Err(self.fail("an operator (=, !=, =~, !~, #, !#, <, >, <=, >=, between)"));
        };
        self.at += op_text.len();
        self.spaces();
        let value = self.value()?;
        Ok(Comparison {
            attr,
            op,
            op_text,
            value,
            text: &self.s[start..self.at],
        })
    }

    fn value(&mut self) -> Result<Value<'a>, Unconvertible> {
        let rest = self.rest();
        if let Some(body) = rest.strip_prefix('"') {
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        self.at += i + 2;
                        return Ok(Value::Text(&body[..i]));
                    }
                    _ => {}
                }
            }
            return Err(self.fail("a closing quote"));
        }
        let number = |s: &str| {
            let sign = usize::from(s.starts_with('-'));
            match s[sign..].bytes().take_while(u8::is_ascii_digit).count() {
                0 => 0,
                digits => sign + digits,
            }
        };
        let n = number(rest);
        if n == 0 {
            return Err(self.fail("a quoted string, a number or a range"));
        }
        if let Some(high) = rest[n..].strip_prefix(':') {
            let m = number(high);
            if m > 0 {
                self.at += n + 1 + m;
                return Ok(Value::Range(&rest[..n + 1 + m]));
            }
        }
        self.at += n;
        Ok(Value::Number(&rest[..n]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparisons' texts, `and` as `&`, `or` as its whole text in brackets.
    fn shape(node: &Node<'_>) -> String {
        match node {
            Node::Comparison(c) => c.text.to_owned(),
            Node::And(l, r) => format!("({} & {})", shape(l), shape(r)),
            Node::Or(l, r) => format!("[{} | {}]", shape(l), shape(r)),
        }
    }

    #[test]
    fn and_and_or_group_to_the_right() {
        let cases = [
            ("a = 1", "a = 1"),
            ("a=1 and b=2 and c=3", "(a=1 & (b=2 & c=3))"),
            ("(a=1 and b=2) and c=3", "((a=1 & b=2) & c=3)"),
            ("a=1 and b=2 or c=3", "(a=1 & [b=2 | c=3])"),
            ("a=1 or b=2 and c=3", "[a=1 | (b=2 & c=3)]"),
            ("a=1and(b=2)", "(a=1 & b=2)"),
            ("  ( a = \"x\\\"y\" )  ", "a = \"x\\\"y\""),
            ("age between -1:7", "age between -1:7"),
        ];
        for (input, want) in cases {
            let node = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(shape(&node), want, "{input}");
        }
    }

    #[test]
    fn values_keep_what_newsboat_keeps() {
        let Node::Comparison(c) = parse(r#"title =~ "a\.b\"c""#).unwrap() else {
            panic!("not a comparison");
        };
        assert!(matches!(c.value, Value::Text(r#"a\.b\"c"#)), "{c:?}");
        assert_eq!((c.attr, c.op, c.op_text), ("title", Op::Regex, "=~"));
        let Node::Comparison(c) = parse("x !# 5").unwrap() else {
            panic!("not a comparison");
        };
        assert!(matches!(c.value, Value::Number("5")), "{c:?}");
        assert_eq!(c.op, Op::NotContains);
    }

    /// Found by fuzzing (`fuzz/regressions/subscriptions/query-feed-nested-parentheses`): every
    /// `(` and every `and` took a stack frame, so a long query line overflowed the stack.
    #[test]
    fn deep_nesting_and_long_chains_are_refused_not_overflowed() {
        let deep = format!("{}a = 1{}", "(".repeat(100_000), ")".repeat(100_000));
        let long = "a = 1 and ".repeat(100_000) + "a = 1";
        for input in [&deep, &long] {
            let err = parse(input).unwrap_err();
            assert!(err.why.contains("more than 100"), "{err}");
        }
        let fits = format!("{}a = 1{}", "(".repeat(99), ")".repeat(99));
        assert!(parse(&fits).is_ok());
        assert!(parse(&("a = 1 and ".repeat(99) + "a = 1")).is_ok());
    }

    #[test]
    fn tabs_and_stray_text_are_refused() {
        for input in [
            "a\t= 1",
            "a = 1 b = 2",
            "a = 1 and",
            "(a = 1",
            "a = x",
            "a ~ 1",
        ] {
            assert!(parse(input).is_err(), "{input}");
        }
    }
}
